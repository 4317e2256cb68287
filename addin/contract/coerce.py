"""Careful coercion of cell values into the contract's types.

Numbers stored as text ("1,234.56", full-width "９６４７", "9,647.82万元", trailing spaces) are
accepted with a warning that names the cell; anything else that is not a number is an error
naming the cell and what is expected. Excel error values (#DIV/0!, #N/A, …) are always errors.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from ..core.findings import Findings
from ..core.numbers import to_decimal
from ..core.units import UNIT_FACTORS, amount_ceiling, convert
from .bounds import split_bound

__all__ = ["EXCEL_ERRORS", "Coercer", "clean_text", "parse_number_text", "visible"]

EXCEL_ERRORS = frozenset(
    {
        "#DIV/0!",
        "#N/A",
        "#REF!",
        "#VALUE!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#GETTING_DATA",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
    }
)
DASHES = frozenset({"-", "—", "——", "–", "/", "无", "N/A", "n/a"})
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+|(?=\.\d))(\.\d+)?$")
# Digits grouped by spaces ("7 215.46", often a no-break space U+00A0 or U+202F that NFKC
# turned into a plain space): the ISO way of writing thousands.
_SPACE_GROUPED = re.compile(r"^([+-]?\d{1,3}(?: \d{3})+)(\.\d+)?$")
_INVISIBLE = {
    "\u00a0": "U+00A0 不间断空格",
    "\u202f": "U+202F 窄不间断空格",
    "\u2009": "U+2009 窄空格",
    "\u3000": "全角空格",
    "\u200b": "U+200B 零宽空格",
    "\u200c": "U+200C 零宽非连接符",
    "\u200d": "U+200D 零宽连接符",
    "\u2060": "U+2060 零宽不换行符",
    "\ufeff": "U+FEFF 零宽不换行空格",
}
# Invisible characters that carry no meaning in a number or a name (pasted from web pages
# and PDF files): removed before reading, and shown (␣) in the warning that says so.
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")
# What a number of each kind looks like, for the message when a cell is not one.
_EXPECTED = {
    "amount": "金额（如 1234.56）",
    "number": "数字（如 95% 或 60）",
    "points": "分数（如 4 或 4.5）",
    "ratio": "比例（如 80% 或 0.8）",
}
_HUNDRED = Decimal(100)

Raw = object  # a cell value as a reader gives it: str, float, int, bool, date, None


def visible(text: str) -> str:
    """The text with invisible spaces shown (␣), so a clerk can see what is in the cell."""
    notes = [name for ch, name in _INVISIBLE.items() if ch in text]
    if not notes:
        return text
    shown = "".join("␣" if ch in _INVISIBLE else ch for ch in text)
    return f"{shown}（␣为{'、'.join(notes)}）"


def clean_text(value: str) -> str:
    """NFKC (full-width digits, punctuation and spaces become ASCII), zero-width characters
    removed, and trimmed."""
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", value)).strip()


# Cached: the same texts come back across rows (a 目标值 "≥95%" on every project) and are read
# again for the sheets; the result is immutable.
@functools.lru_cache(maxsize=4096)
def parse_number_text(text: str) -> tuple[Decimal, str] | None:
    """A number written as text → (value, suffix) where suffix is "", "%", "亿元", "万元" or "元"."""
    t = clean_text(text).lstrip("¥$").strip()
    suffix = ""
    for candidate in ("亿元", "万元", "%", "元", "亿", "万"):
        if t.endswith(candidate):
            suffix = {"万": "万元", "亿": "亿元"}.get(candidate, candidate)
            t = t[: -len(candidate)].rstrip()
            break
    grouped = _SPACE_GROUPED.match(t)
    if grouped is not None:
        t = grouped.group(1).replace(" ", "") + (grouped.group(2) or "")
    match = _NUMBER.match(t)
    if match is None:
        return None
    sign, whole, frac = match.groups()
    digits = (whole or "0").replace(",", "") + (frac or "")
    return Decimal(sign + digits), suffix


def _show(value: Raw) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Coercer:
    """Coerces cells, recording a finding for every doubt; returns None where it fails."""

    def __init__(self, findings: Findings, amount_unit: str = "万元") -> None:
        self.findings = findings
        self.amount_unit = amount_unit

    # -- shared failures -------------------------------------------------------------------
    def cell_number(self, value: float | int, where: str, column: str) -> Decimal | None:
        """The Decimal of a number cell; None, with an error at ``where``, for a value no cell
        can hold (NaN or infinity: Excel never saves them, a damaged or generated file can, and
        python-calamine reads "NaN" or "1e999" in a <v> element as such a float)."""
        if type(value) is float and not math.isfinite(value):
            self.findings.error(
                "input_not_finite",
                f"{column}的数值无效（文件中存为“{value}”，Excel 无法表示）：请在 Excel 或 WPS 中重新输入该单元格",
                where,
            )
            return None
        return to_decimal(value)

    @functools.cached_property
    def amount_ceiling(self) -> Decimal:
        """``units.amount_ceiling`` of the workbook's 金额单位."""
        return amount_ceiling(self.amount_unit)

    def bounded_amount(self, number: Decimal, where: str, column: str) -> Decimal | None:
        """``number`` (an amount in 金额单位), or None with an error at ``where`` when it is one
        no real figure reaches (``units.amount_ceiling``)."""
        if abs(number) < self.amount_ceiling:
            return number
        unit = self.amount_unit or "（金额单位未知）"
        self.findings.error(
            "input_amount_impossible",
            f"{column}为 {number:.6E} {unit}，超过 1 亿亿元，不可能是实际金额："
            "请核对该单元格（是否粘贴了编号或其他数字）",
            where,
        )
        return None

    def _error_value(self, error: str, where: str, column: str) -> None:
        self.findings.error(
            "input_error_value",
            f"{column}为错误值 {error}：请修正该单元格的公式或改填数值",
            where,
        )

    def missing(self, where: str, column: str, *, merged: bool = False, advice: str = "") -> None:
        """A required cell left blank; ``advice`` adds what else the blank may mean."""
        more = f"；{advice}" if advice else ""
        if merged:
            self.findings.error(
                "input_merged_cell",
                f"{column}为空，该单元格处于合并单元格中（合并单元格的内容只属于第一行）：请为每一行填写{column}{more}",
                where,
            )
        else:
            self.findings.error("input_missing", f"{column}未填写：请填写{column}{more}", where)

    # -- numbers ---------------------------------------------------------------------------
    def amount(self, value: Raw, where: str, column: str, error: str | None = None) -> Decimal | None:
        """Money in the workbook's unit: non-negative, below ``amount_ceiling``; 万元/元 suffixes
        converted with a warning."""
        number = self._number(value, where, column, error, kind="amount")
        if number is not None and number < 0:
            self.findings.error(
                "input_negative",
                f"{column}为负数 {number.normalize():f}：金额不能为负，退款或冲减请在备注说明后按净额填写",
                where,
            )
            return None
        return None if number is None else self.bounded_amount(number, where, column)

    def number(
        self, value: Raw, where: str, column: str, error: str | None = None, *, kind: str = "number"
    ) -> Decimal | None:
        """A number of ``kind`` ("number": a rate or a count, "ratio": a share, "points": a
        score); a percentage written as text ("95%") reads as 0.95, except as points, where
        it is ambiguous (80% of 分值, or 0.8 points?) and an error. An amount beyond any real
        figure is an error (``bounded_amount``)."""
        number = self._number(value, where, column, error, kind=kind)
        if kind == "amount" and number is not None:
            return self.bounded_amount(number, where, column)
        return number

    def percent_shown(self, value: Decimal, where: str, column: str, kind: str) -> None:
        """A number in a cell formatted as a percentage where an amount or points belong: the
        same error as the percentage typed as text (the cell shows 96.57%)."""
        self._percent_error(f"{(value * _HUNDRED).normalize():f}%", where, column, kind, formatted=True)

    def _percent_error(self, text: str, where: str, column: str, kind: str, *, formatted: bool = False) -> None:
        how = "（单元格为百分比格式）" if formatted else ""
        if kind == "amount":
            message = f"{column}应为金额，现为百分数“{text}”{how}：请填写金额，并把单元格格式改为数值"
        else:
            parsed = parse_number_text(text)
            points = "" if parsed is None else f"{(parsed[0] / _HUNDRED).normalize():f} 分"
            message = (
                f"{column}为百分数“{text}”{how}，无法确定是分值的 {text} 还是 {points}："
                "请填写分数（如 4），并把单元格格式改为数值"
            )
        self.findings.error("input_percent_not_allowed", message, where)

    def _number(self, value: Raw, where: str, column: str, error: str | None, *, kind: str) -> Decimal | None:
        amount = kind == "amount"
        if type(value) is float or type(value) is int:
            return self.cell_number(value, where, column)
        if error is not None:
            self._error_value(error, where, column)
            return None
        if isinstance(value, bool):
            self.findings.error(
                "input_not_number",
                f"{column}为逻辑值 {value}：请填写数字",
                where,
            )
            return None
        if isinstance(value, dt.date | dt.datetime | dt.time | dt.timedelta):
            self.findings.error(
                "input_not_number",
                f"{column}是日期或时间（{value}），不是数字：请把单元格格式改为“数值”并重新填写",
                where,
            )
            return None
        if isinstance(value, Decimal):
            return value
        if not isinstance(value, str):
            self.findings.error("input_not_number", f"{column}无法识别：请填写数字", where)
            return None
        text = value.strip()
        if text in EXCEL_ERRORS:
            self._error_value(text, where, column)
            return None
        parsed = parse_number_text(text)
        if parsed is None and kind == "points" and clean_text(text).endswith("分"):
            parsed = parse_number_text(clean_text(text)[:-1])  # "4分": 4 points, read with a warning
        if parsed is None:
            expected = _EXPECTED.get(kind, _EXPECTED["number"])
            self.findings.error(
                "input_not_number",
                f"{column}应为{expected}，现为“{visible(text)}”：请改为数字",
                where,
            )
            return None
        number, suffix = parsed
        if suffix == "%":
            if kind in ("amount", "points"):
                self._percent_error(visible(text), where, column, kind)
                return None
            number = number / _HUNDRED
        elif suffix in UNIT_FACTORS and amount and suffix != self.amount_unit:
            if self.amount_unit not in UNIT_FACTORS:
                self.findings.error(
                    "input_unit_unknown",
                    f"{column}“{text}”带有单位，但基本信息的金额单位未知，无法换算：请先选择金额单位（万元/元/亿元）",
                    where,
                )
                return None
            number = convert(number, suffix, self.amount_unit)
            self.findings.interpretation(
                "input_unit_converted",
                f"{column}“{text}”的单位与金额单位（{self.amount_unit}）不同，已换算为 "
                f"{number.normalize():f} {self.amount_unit}：请核对",
                where,
                text,
                f"{number.normalize():f} {self.amount_unit}",
            )
            return number
        self.findings.interpretation(
            "input_text_number",
            f"{column}“{visible(text)}”是以文本形式存储的数字，已按 {number.normalize():f} 读取：建议改为数值格式",
            where,
            text,
            f"{number.normalize():f}",
        )
        return number

    def value(self, value: Raw, where: str, column: str, error: str | None = None) -> tuple[Decimal | None, str]:
        """目标值/实际值: a number when it reads as one ("≥95%" → 0.95), otherwise text."""
        if type(value) is float or type(value) is int:
            number = self.cell_number(value, where, column)
            return number, _show(value) if number is not None else ""
        if error is not None:
            self._error_value(error, where, column)
            return None, error
        if isinstance(value, str):
            text = value.strip()
            if text in EXCEL_ERRORS:
                self._error_value(text, where, column)
                return None, text
            if not text or text in DASHES:
                return None, text
            bare = split_bound(clean_text(text)).rest
            parsed = parse_number_text(bare)
            if parsed is not None and parsed[1] in ("", "%"):
                number = parsed[0] / _HUNDRED if parsed[1] == "%" else parsed[0]
                return number, text
            return None, text
        if value is None:
            return None, ""
        return None, str(value)

    # -- text and choices ------------------------------------------------------------------
    def text(self, value: Raw) -> str:
        if type(value) is str:  # most cells
            return value.strip()
        if value is None:
            return ""
        if isinstance(value, float):
            return _show(value)
        if isinstance(value, dt.datetime) and value.time() == dt.time(0):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        return str(value).strip()

    def choice(self, value: Raw, where: str, column: str, choices: Sequence[str]) -> str | None:
        text = self.text(value)
        if text in choices:
            return text
        cleaned = clean_text(text).replace(" ", "")
        # "中型企业" for 中型, "服务类" for 服务: the meaning is plain, accept with a note.
        for suffix in ("企业", "类", "采购"):
            if cleaned.endswith(suffix) and cleaned[: -len(suffix)] in choices:
                cleaned = cleaned[: -len(suffix)]
                break
        if cleaned in choices:
            self.findings.interpretation(
                "input_choice_normalised",
                f"{column}“{text}”已按“{cleaned}”读取：建议从下拉列表中选择",
                where,
                text,
                cleaned,
            )
            return cleaned
        self.findings.error(
            "input_unknown_choice",
            f"{column}“{text}”不是可选值（{'/'.join(choices)}）：请从下拉列表中选择",
            where,
        )
        return None

    def date(self, value: Raw, where: str, column: str) -> dt.date | None:
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if value is None or value == "":
            return None
        if type(value) is float or type(value) is int:
            # An Excel serial date without a date format.
            serial = float(value)
            if 1 <= serial < 2958466:
                return dt.date(1899, 12, 30) + dt.timedelta(days=int(serial))
        text = clean_text(_show(value))
        for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d"):
            try:
                date = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if not isinstance(value, str):  # 20230308 typed as a number: a date only by its digits
                self.findings.interpretation(
                    "input_date_digits",
                    f"{column} {text} 是数字，已按日期 {date.isoformat()} 读取：建议按 2023-03-08 的格式填写日期",
                    where,
                    text,
                    date.isoformat(),
                )
            return date
        self.findings.warning(
            "input_not_date",
            f"{column}“{text}”不是日期：请按 2023-05-06 的格式填写",
            where,
        )
        return None
