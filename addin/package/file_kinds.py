"""Files that are not an .xlsx/.xlsm package, named for what they are with what to do, in one
wording for every door (the headless reader's refusal, the web page, a zip member of a batch).

Old binary files (Excel 97–2003 .xls, WPS's own .et/.ett/.wps/.dps, Word .doc) are all OLE
compound files: the content says "old binary Office/WPS file", the extension says whose. WPS
users (信创 machines) are told the WPS way, and a password the way of both programs.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OLE_KINDS", "PASSWORD_REMEDY", "OleKind", "is_a", "ole_kind", "save_as"]


@dataclass(frozen=True, slots=True)
class OleKind:
    what: str  # "WPS 表格文件（.et）"
    spreadsheet: bool  # a spreadsheet the clerk can save as .xlsx (else: choose the workbook)
    wps: bool  # WPS's own format: the remedy names WPS only


_XLS = OleKind("旧版 .xls 工作簿", True, False)
OLE_KINDS = {
    ".xls": _XLS,
    ".xlt": OleKind("旧版 Excel 模板（.xlt）", True, False),
    ".et": OleKind("WPS 表格文件（.et）", True, True),
    ".ett": OleKind("WPS 表格模板（.ett）", True, True),
    ".wps": OleKind("WPS 文字文档（.wps）", False, True),
    ".wpt": OleKind("WPS 文字模板（.wpt）", False, True),
    ".dps": OleKind("WPS 演示文稿（.dps）", False, True),
    ".dpt": OleKind("WPS 演示模板（.dpt）", False, True),
    ".doc": OleKind("旧版 Word 文档（.doc）", False, False),
    ".ppt": OleKind("旧版 PowerPoint 演示文稿（.ppt）", False, False),
}

PASSWORD_REMEDY = (
    "请取消打开密码后再试（Excel：文件→信息→保护工作簿→用密码进行加密，清空密码并保存；"
    "WPS：文件→文档加密→密码加密，清空“打开权限”密码并保存）"
)


def ole_kind(suffix: str) -> OleKind:
    """What an OLE compound file is, by its extension (lower case, with the dot); one with any
    other extension (an .xls renamed .xlsx) is taken for an old .xls workbook."""
    return OLE_KINDS.get(suffix.lower(), _XLS)


def is_a(kind: OleKind) -> str:
    """ "是 WPS 表格文件（.et）" / "是旧版 .xls 工作簿": the spacing Chinese text keeps before Latin."""
    return f"是 {kind.what}" if kind.what[0].isascii() else f"是{kind.what}"


def save_as(kind: OleKind, then: str = "后再试") -> str:
    """What to do with a file of ``kind``: save a spreadsheet as a workbook in the program
    that reads it, or choose the department's workbook instead of another document."""
    if not kind.spreadsheet:
        return "不是 Excel 工作簿：请选择填好的自评工作簿（.xlsx 或 .xlsm）"
    where = "WPS" if kind.wps else "Excel 或 WPS"
    return f"请在 {where} 中“另存为” Excel 工作簿（.xlsx）或启用宏的工作簿（.xlsm）{then}"
