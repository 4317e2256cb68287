import addin


def test_the_public_surface_is_locked() -> None:
    assert sorted(addin.__all__) == [
        "AddinError",
        "DataErrors",
        "DepartmentData",
        "Evaluation",
        "Finding",
        "Findings",
        "GenerateResult",
        "Severity",
        "UnusableInput",
        "WorkbookBusy",
        "__version__",
        "demo",
        "evaluate",
        "evaluate_file",
        "generate",
    ]
    for name in addin.__all__:
        assert hasattr(addin, name), name


def test_the_exception_tree() -> None:
    assert issubclass(addin.UnusableInput, addin.AddinError)
    assert issubclass(addin.WorkbookBusy, addin.UnusableInput)
    assert issubclass(addin.DataErrors, addin.AddinError)
    assert (addin.UnusableInput("x").exit_code, addin.DataErrors([]).exit_code) == (2, 1)


def test_the_core_imports_only_the_standard_library_and_itself() -> None:
    import ast
    import sys
    from pathlib import Path

    core = Path(addin.__file__).parent / "core"
    for path in core.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    assert node.level == 1, f"{path.name} reaches outside the core"
                else:
                    assert (node.module or "").split(".")[0] in sys.stdlib_module_names, (path.name, node.module)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    assert alias.name.split(".")[0] in sys.stdlib_module_names, (path.name, alias.name)
