"""Files that are not what their name says, or not workbooks at all: each gets the message
for what it is (not a security alarm, not a library's English), and a workbook is read
whatever it is named."""

from __future__ import annotations

import ast
import shutil
import zipfile
from pathlib import Path

import docx
import pytest

import addin
from addin.errors import UnusableInput
from addin.headless import evaluate_file

FOREIGN = Path(__file__).resolve().parents[1] / "data" / "foreign"
_LIBRARY = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">\n'
    '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard"/>'
)


def _with_macros(ods: Path, target: Path) -> Path:
    """An .ods as LibreOffice saves one with Basic macros: its Basic/*.xml declare a DTD."""
    with zipfile.ZipFile(ods) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            out.writestr(info, source.read(info))
        out.writestr("Basic/Standard/script-lb.xml", _LIBRARY)
        out.writestr("Basic/script-lc.xml", _LIBRARY)
    return target


def _refusal(path: Path) -> str:
    with pytest.raises(UnusableInput) as refused:
        evaluate_file(path)
    return refused.value.message


def test_a_libreoffice_file_with_macros_is_named_as_an_ods(tmp_path: Path) -> None:
    message = _refusal(_with_macros(FOREIGN / "base.ods", tmp_path / "部门.ods"))
    assert "OpenDocument 表格（.ods）" in message and "DOCTYPE" not in message


def test_a_word_document_is_named_as_one(tmp_path: Path) -> None:
    path = tmp_path / "自评报告.docx"
    docx.Document().save(str(path))
    assert "“自评报告.docx”是 Word 文档，不是 Excel 工作簿" in _refusal(path)
    renamed = tmp_path / "自评报告.xlsx"
    shutil.copy(path, renamed)
    assert "是 Word 文档" in _refusal(renamed)


def test_a_workbook_is_read_whatever_it_is_named(example_path: Path, tmp_path: Path) -> None:
    for name in ("部门.ods", "部门", "部门.xls.bak"):
        path = tmp_path / name
        shutil.copy(example_path, path)
        assert evaluate_file(path).as_json()["score"]["total"] == "97.96", name


def _chinese(node: ast.JoinedStr) -> bool:
    text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _interpolated(node: ast.JoinedStr) -> list[str]:
    return [ast.unparse(v.value) for v in node.values if isinstance(v, ast.FormattedValue)]


def test_no_message_interpolates_an_exception_class_name_or_a_librarys_words() -> None:
    """A clerk's message is Chinese: an exception's English class name (OSError, CalamineError,
    KeyError) or a library's English text (an XML parser's "unclosed token", calamine's
    "invalid range bounds") goes to the log or --debug, never into text such as “…（OSError）…”.
    Our own exceptions carry Chinese lines and may be quoted."""
    trees = {path: ast.parse(path.read_text(encoding="utf-8")) for path in Path(addin.__file__).parent.rglob("*.py")}
    ours = {node.name for tree in trees.values() for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = []
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.JoinedStr)
                and _chinese(node)
                and any("__name__" in text for text in _interpolated(node))
            ):
                found.append(f"{path.name}:{node.lineno}")
            if isinstance(node, ast.ExceptHandler) and node.name and node.type is not None:
                caught = {n.attr if isinstance(n, ast.Attribute) else getattr(n, "id", "") for n in ast.walk(node.type)}
                if caught - {"", "calamine"} <= ours:
                    continue
                for inner in ast.walk(ast.Module(body=node.body, type_ignores=[])):
                    if isinstance(inner, ast.JoinedStr) and _chinese(inner) and node.name in _interpolated(inner):
                        found.append(f"{path.name}:{inner.lineno}")
    assert found == []
