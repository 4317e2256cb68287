"""The web door sits above the rest: it imports the core, the reader, the headless functions
and the report layout; nothing but the command line's ``serve`` verb imports it."""

from __future__ import annotations

import ast
from pathlib import Path

import addin

PACKAGE = Path(addin.__file__).parent


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by ``path`` (relative imports resolved)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = list(parts[: len(parts) - node.level]) if node.level else []
            module = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_nothing_below_the_web_door_imports_it() -> None:
    web = PACKAGE / "web"
    importers = sorted(
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if web not in path.parents and any(m == "addin.web" or m.startswith("addin.web.") for m in _imports(path))
    )
    assert importers == ["cli.py"]


def test_the_web_door_uses_the_product_not_copies_of_it() -> None:
    used = set().union(*(_imports(path) for path in (PACKAGE / "web").glob("*.py")))
    for module in ("addin.headless", "addin.batch", "addin.report.content", "addin.report.layout", "addin.share"):
        assert module in used, module
