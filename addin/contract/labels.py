"""What a row's label says it is: a total, a sub-item (其中), a footer line or a template sample.

Clerks and published forms label rows in ways a unit name never takes:

* a **total** row: 合计, 总计 or 汇总, also written "合计：", "合计（万元）", "本部门合计"
  (spaces, full-width spaces and line breaks ignored) — the clerk's declared total, checked
  against the sum, never summed as a unit or category (a 小计, or a 合计/汇总 naming a part such
  as 二级单位合计, is a subtotal of a group of rows, ``subtotals.py``);
* a **sub-item** row: "其中：二级单位", "其中：办本级" — a breakdown of a row above or of the
  total, never a unit of its own (summing it counts its amounts twice);
* a **footer** line below the data: "填表人：张三    审核人：李四", "注：金额单位为万元";
* a **template sample** row: the template's placeholder values ("示例单位", "示例-001",
  "示例：…"), recognised by their content even when the 示例 mark in 备注 was cleared.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any

from .schema import AMOUNT_UNITS, TOTAL_LABELS

__all__ = [
    "SAMPLE_COLUMNS",
    "SAMPLE_MARK",
    "footer_text",
    "is_blank",
    "is_sample_label",
    "is_sub_item",
    "is_total_label",
    "label_key",
    "rows_below",
    "subtotal_of",
]

# The template's placeholder rows carry this word in a cell of their own.
SAMPLE_MARK = "示例"
# The example workbook marks its illustrative rows 示例数据: they are the reference data
# (``demo``), not placeholders to replace.
_EXAMPLE_MARK = "示例数据"

_GRAND_TOTALS = ("合计", "总计")
# A grand total may name whose total it is: 本部门合计, 部门合计, 全部门总计, 总合计.
# 政府采购合计 is the 合计 row of a procurement statement (采购汇总, 采购合同).
_TOTAL_PREFIXES = ("", "本部门", "部门", "全部门", "本单位", "单位", "全部", "总", "全年", "政府采购", "采购")
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")
_TRAILING_UNIT = re.compile(r"[(\[][^()\[\]]{0,8}[)\]]$")
_FOOTER = re.compile(
    r"^(?:填表人|填报人|制表人|编制人|审核人|审批人|复核人|经办人|联系人|负责人|单位负责人|财务负责人|"
    r"分管领导|部门负责人|联系电话|填表日期|制表日期|填报日期|报送日期|编制日期|注|附注|说明|备注|"
    r"数据来源|资料来源)\d*[:.、]"
)


_ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")


def is_blank(value: Any) -> bool:
    """None, or text holding only spaces (any kind, including full-width and zero-width)."""
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    # Most texts start with a visible character: settled without the pattern (\s is exactly
    # str.isspace).
    if value and not value[0].isspace() and value[0] not in _ZERO_WIDTH:
        return False
    return not _SPACES.sub("", value)


def label_key(text: str) -> str:
    """NFKC (full-width brackets and colons become ASCII), every space and line break removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text))


def is_total_label(label: str) -> bool:
    """合计/总计/汇总, also "合计：", "合计（万元）", "本部门合计" (not 小计: ``subtotals``)."""
    key = _TRAILING_UNIT.sub("", label_key(label).rstrip(":")).rstrip(":")
    if key in TOTAL_LABELS:
        return True
    return any(key == prefix + word for word in _GRAND_TOTALS for prefix in _TOTAL_PREFIXES)


# A label ending (or starting) with one of these closes a group of rows: 小计 always; 合计 and
# 汇总 when they name a part ("二级单位合计", "所属单位汇总") rather than the whole (is_total_label).
_SUBTOTAL_WORDS = ("小计", "合计", "汇总", "总计")
_BRACKETS = "()[]"


def subtotal_of(label: str) -> str | None:
    """The group a subtotal row names ("" for a bare 小计), or None when the label is no subtotal:
    "小计" → "", "小计（万元）" → "", "局本级 小计" / "小计：局本级" / "其中：局本级小计" → "局本级",
    "二级单位合计" / "二级单位汇总" → "二级单位", "服务小计" → "服务"; "合计", "部门合计" → None
    (the whole table's total, ``is_total_label``)."""
    key = label_key(label).removeprefix("其中").strip(":")
    word = next((w for w in _SUBTOTAL_WORDS if w in key), None)
    if word is None or (word != _SUBTOTAL_WORDS[0] and is_total_label(label)):
        return None
    if key.startswith(word):
        name = key[len(word) :].strip(":")
        spaced = unicodedata.normalize("NFKC", label).strip().removeprefix("其中").lstrip(":： ")
        if name and name[0] not in _BRACKETS and spaced[len(word) : len(word) + 1] not in (":", " "):
            return None  # 小计划…: a word that starts with 小计, not a subtotal
    elif key.endswith(word):
        name = key[: -len(word)].strip(":-—")
    else:
        trimmed = _TRAILING_UNIT.sub("", key)  # "二级单位合计（万元）"
        if not trimmed.endswith(word):
            return None
        name = trimmed[: -len(word)].strip(":-—")
        return name
    if name and name[0] in _BRACKETS and name[-1] in _BRACKETS:
        name = name[1:-1].strip()
        if name in AMOUNT_UNITS or name == "万":
            name = ""  # 小计（万元）: the unit of the amounts, not of a unit
    return name


def is_sub_item(label: str) -> bool:
    """ "其中：二级单位", "其中:办本级", "其中 货物": a breakdown row, not a unit of its own."""
    return label_key(label).startswith("其中")


def footer_text(row: Sequence[Any]) -> str | None:
    """The text of a footer line ("填表人：…", "注：…"): its first non-blank cell when every
    non-blank cell is text and the first starts with a footer word and a colon; else None."""
    first: str | None = None
    for value in row:
        if is_blank(value):
            continue
        if not isinstance(value, str):
            return None
        if first is None:
            first = value
    if first is None or not _FOOTER.match(label_key(first)):
        return None
    return first.strip()


# Where the template writes its sample labels, per table (tblInfo is checked on its own).
SAMPLE_COLUMNS: dict[str, tuple[str, ...]] = {
    "tblBudget": ("单位名称",),
    "tblContracts": ("合同编号", "单位名称"),
    "tblProcurement": ("采购类别",),
    "tblIndicators": ("三级指标",),
    "tblRules": ("规则名称",),
    "tblNarrative": ("内容",),
}


def is_sample_label(value: Any) -> bool:
    """Text the template writes into its sample rows ("示例单位", "示例-001", "示例：…",
    "（示例）某某局"); the example workbook's 示例数据 mark is reference data, not a sample."""
    if not isinstance(value, str) or SAMPLE_MARK not in value:
        return False
    key = label_key(value)
    if key.startswith("(示例)"):
        return True
    return key.startswith(SAMPLE_MARK) and not key.startswith(_EXAMPLE_MARK)


def rows_below(
    rows: Sequence[Sequence[Any]], first_row: int, data_like: Callable[[Sequence[Any]], bool]
) -> tuple[list[int], list[int]]:
    """Sheet rows typed below a table but outside its range (WPS/LibreOffice users, pasted
    blocks), and the total rows that close it from outside. ``rows`` holds the table's columns
    only and starts at sheet row ``first_row``; ``data_like(row)`` says whether a row would be
    one of the table's rows (a number where the table has amounts, a key and its value).

    The data rows: every row of the block that starts right below the table (one blank row may
    separate it), and further down, past blank rows and footer lines, each row ``data_like``
    says is one; notes, signatures and a lone figure are not. The totals: 合计 rows below it
    (past blank rows and notes too) before any such data row: they state the table's own total
    and are checked as if inside it. 其中 and 小计 lines below a table are ordinary."""
    found: list[int] = []
    totals: list[int] = []
    in_block = True  # still in the block right below the table
    seen_data = False
    for i, row in enumerate(rows):
        if all(is_blank(v) for v in row):
            if seen_data or i > 0:
                in_block = False
            continue
        if footer_text(row) is not None:
            in_block = False  # signatures and notes follow; data typed after them still counts
            continue
        seen_data = True
        label = next((v for v in row if not is_blank(v)), "")
        if isinstance(label, str) and is_total_label(label):
            if not found:  # before any data left outside: the table's own total, wherever it is
                totals.append(first_row + i)
            continue
        if isinstance(label, str) and (is_sub_item(label) or subtotal_of(label) is not None):
            continue
        if in_block or data_like(row):
            found.append(first_row + i)
    return found, totals
