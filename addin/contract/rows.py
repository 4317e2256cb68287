"""Typed, located access to the rows of one raw contract table.

``ContractTable`` resolves the headers (tolerating stray spaces and full-width characters,
refusing a missing column) and yields the data rows; ``Cells`` reads one row's cells as the
contract's types, recording a finding for every doubt and whether the row is usable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..core.findings import REMEDY_RECALC, Findings
from ..core.model import RowRef, TableRef, column_letter
from ..core.numbers import to_decimal
from ..errors import UnusableInput
from .coerce import DASHES, EXCEL_ERRORS, Coercer, clean_text
from .raw import RawTable
from .schema import AMOUNT_UNITS, TOTAL_LABELS, Kind

__all__ = ["SAMPLE_MARK", "Cells", "ContractTable", "is_blank", "is_total_label"]

# The template's placeholder rows carry this word in a cell of their own.
SAMPLE_MARK = "示例"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def is_total_label(label: str) -> bool:
    """合计/总计/汇总/小计, spaces and full-width spaces ignored (NFKC makes U+3000 a space)."""
    return clean_text(label).replace(" ", "") in TOTAL_LABELS


# "全年预算数（万元）", "合同金额(元)": a header with its unit in brackets (NFKC makes them ASCII).
_HEADER_UNIT = re.compile(r"^(.*?)\s*[(\[]\s*(?:单位[:：]?)?\s*([^()\[\]]{1,6}?)\s*[)\]]$")


def _ranges(cells: Sequence[tuple[int, int]]) -> list[str]:
    """Cells as A1 ranges: runs along a row, rows with the same run merged into a block."""
    by_row: dict[int, list[int]] = {}
    for r, c in sorted(cells):
        by_row.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for r, cols in by_row.items():
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, prev))
                start = c
            prev = c
        runs.append((r, start, prev))
    blocks: list[list[int]] = []  # [r1, r2, c1, c2]
    for r, c1, c2 in runs:
        last = blocks[-1] if blocks else None
        if last is not None and last[1] == r - 1 and last[2] == c1 and last[3] == c2:
            last[1] = r
        else:
            blocks.append([r, r, c1, c2])
    out = []
    for r1, r2, c1, c2 in blocks:
        a, b = f"{column_letter(c1)}{r1}", f"{column_letter(c2)}{r2}"
        out.append(a if a == b else f"{a}:{b}")
    return out


class ContractTable:
    """One raw table with its headers resolved to the contract's columns."""

    def __init__(self, raw: RawTable, findings: Findings, amount_unit: str = "") -> None:
        self.raw = raw
        self.spec = raw.spec
        self.findings = findings
        self.amount_unit = amount_unit
        self.index = self._resolve_headers()
        self.ref = TableRef(
            raw.sheet,
            raw.name or raw.spec.table,
            {name: raw.first_col + i for name, i in self.index.items()},
            raw.header_row,
        )
        self._report_reading()

    def _report_reading(self) -> None:
        """What the reader saw beyond the values: far cells, formulas without a result, hidden rows."""
        raw = self.raw
        if raw.stray:
            shown = "、".join(raw.stray[:3]) + (f" 等 {len(raw.stray)} 处" if len(raw.stray) > 3 else "")
            self.findings.warning(
                "input_stray_cells",
                f"工作表“{raw.sheet}”在远离数据的 {shown} 有内容，已忽略（会让文件变慢）：如无用请删除这些单元格",
                f"{raw.sheet}!{raw.stray[0]}",
            )
        if raw.uncached:
            ranges = [f"{raw.sheet}!{a}" for a in _ranges(list(raw.uncached))]
            self.findings.error(
                "input_formula_no_result",
                f"{'、'.join(ranges)} 是公式，但文件中没有保存计算结果"
                "（文件由程序生成、未在 Excel 或 WPS 中打开保存过），"
                "无法读取：请用 Excel 或 WPS 打开该文件并保存后再试",
                ranges[0],
                remedy=REMEDY_RECALC,
            )
        if raw.hidden_rows:
            rows = sorted(raw.hidden_rows)
            shown = "、".join(str(r) for r in rows[:10]) + (f" 等 {len(rows)} 行" if len(rows) > 10 else "")
            self.findings.warning(
                "input_hidden_rows",
                f"表格 {self.spec.table} 的第 {shown} 行被隐藏（或被筛选隐藏），已照常计入：如不应计入，请删除这些行",
                f"{raw.sheet}!{rows[0]}:{rows[0]}",
            )

    def _header_unit(self, i: int, text: str) -> str | None:
        """The contract column a header with a unit names ("全年预算数（万元）" → 全年预算数)."""
        m = _HEADER_UNIT.match(clean_text(text).replace(" ", ""))
        if m is None:
            return None
        name, unit = m.group(1), m.group(2)
        if name not in self.spec.headers:
            return None
        column = self.spec.column(name)
        if unit in AMOUNT_UNITS or unit.endswith("元"):
            if column.kind is not Kind.AMOUNT:
                return None
            if self.amount_unit and unit != self.amount_unit:
                self.findings.error(
                    "input_header_unit",
                    f"表头“{text}”的单位“{unit}”与基本信息中的金额单位“{self.amount_unit}”不同："
                    f"请把该列换算为{self.amount_unit}并改表头，或修改金额单位",
                    self.header_cell(i),
                )
        return name

    def _resolve_headers(self) -> dict[str, int]:
        raw = self.raw
        exact: dict[str, int] = {}
        loose: dict[str, int] = {}
        for i, header in enumerate(raw.headers):
            if is_blank(header):
                continue
            text = str(header)
            exact.setdefault(text.strip(" \t\r\n"), i)
            loose.setdefault(clean_text(text).replace(" ", ""), i)
            with_unit = self._header_unit(i, text)
            if with_unit is not None:
                exact.setdefault(with_unit, i)
        index: dict[str, int] = {}
        for column in self.spec.columns:
            if column.name in exact:
                index[column.name] = exact[column.name]
            elif column.name in loose:
                i = loose[column.name]
                index[column.name] = i
                self.findings.warning(
                    "input_header_normalised",
                    f"表头“{raw.headers[i]}”含多余空格或全角字符，已按“{column.name}”读取：建议改为标准表头",
                    self.header_cell(i),
                )
            elif column.present:
                last = max(len(raw.headers) - 1, 0)
                first, end = column_letter(raw.first_col), column_letter(raw.first_col + last)
                row = f"{raw.sheet}!{first}{raw.header_row}:{end}{raw.header_row}"
                raise UnusableInput(
                    f"{row}：表格 {self.spec.table} 的表头行缺少列“{column.name}”："
                    f"请恢复该列（表头须为：{'、'.join(self.spec.headers)}）"
                )
        return index

    def header_cell(self, i: int) -> str:
        return f"{self.raw.sheet}!{column_letter(self.raw.first_col + i)}{self.raw.header_row}"

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """(sheet row, values) of the data rows; interior blank rows reported and skipped."""
        rows = self.raw.rows
        last = len(rows) - 1
        while last >= 0 and self._is_blank_row(rows[last]):
            last -= 1
        first = self.raw.first_row
        for i in range(last + 1):
            row = rows[i]
            # any() settles almost every row in C; only all-falsy rows need the exact test.
            if any(row) and SAMPLE_MARK not in row:
                yield first + i, row
                continue
            r = first + i
            if self._is_blank_row(row):
                if any(rr == r for rr, _ in self.raw.uncached):
                    continue  # reported once, range-wise, as formulas without a result
                self.findings.warning(
                    "input_blank_row",
                    f"表格 {self.spec.table} 第 {r} 行为空行，已跳过：建议删除空行",
                    f"{self.raw.sheet}!{r}:{r}",
                )
                continue
            if SAMPLE_MARK in row:
                self.findings.warning(
                    "input_sample_row",
                    f"表格 {self.spec.table} 第 {r} 行是模板中的示例行：请替换为本部门数据或删除",
                    f"{self.raw.sheet}!{r}:{r}",
                )
            yield r, row

    @staticmethod
    def _is_blank_row(row: Sequence[Any]) -> bool:
        # any() settles almost every row in C; only all-falsy rows need the exact test.
        return not any(row) and all(is_blank(v) for v in row)

    def cells(self, r: int, row: Sequence[Any], coercer: Coercer) -> Cells:
        return Cells(self, r, row, coercer)


class Cells:
    """Typed access to one data row; records whether any required cell failed."""

    def __init__(self, table: ContractTable, r: int, row: Sequence[Any], coercer: Coercer) -> None:
        self.table = table
        self.r = r
        self.row = row
        self.coercer = coercer
        self.ok = True
        self.ref = RowRef(table.ref, r)

    def raw(self, name: str) -> Any:
        i = self.table.index.get(name)
        if i is None or i >= len(self.row):
            return None
        return self.row[i]

    def where(self, name: str) -> str:
        return self.ref.cell(name)

    def _facts(self, name: str) -> tuple[str | None, bool]:
        col = self.table.ref.columns.get(name)
        if col is None:
            return None, False
        facts = self.table.raw.facts
        return facts.error_at(self.r, col), facts.merged_at(self.r, col)

    def _blank_required(self, name: str) -> bool:
        """For a blank cell: report it (error value, merged cell or missing) when required."""
        col = self.table.ref.columns.get(name)
        if col is not None and (self.r, col) in self.table.raw.uncached:
            self.ok = False  # a formula without a saved result: reported once for the table
            return True
        error, merged = self._facts(name)
        if error is not None:
            self.coercer._error_value(error, self.where(name), name)
            self.ok = False
            return True
        if self.table.spec.column(name).required:
            self.coercer.missing(self.where(name), name, merged=merged)
            self.ok = False
            return True
        return False

    def text(self, name: str) -> str:
        value = self.raw(name)
        if is_blank(value):
            self._blank_required(name)
            return ""
        return self.coercer.text(value)

    def choice(self, name: str) -> str:
        value = self.raw(name)
        if is_blank(value):
            self._blank_required(name)
            return ""
        got = self.coercer.choice(value, self.where(name), name, self.table.spec.column(name).choices)
        if got is None:
            self.ok = False
            return ""
        return got

    def number(self, name: str) -> Decimal | None:
        value = self.raw(name)
        if type(value) is float or type(value) is int:
            number = to_decimal(value)
            if self.table.spec.column(name).kind is Kind.AMOUNT and number < 0:
                return self._checked_amount(value, name)
            return number
        if is_blank(value):
            self._blank_required(name)
            return None
        if isinstance(value, str) and value.strip() in DASHES:
            if self.table.spec.column(name).required:
                self.coercer.findings.error(
                    "input_not_number",
                    f"{name}应为数字，现为“{value.strip()}”：若为零请填 0",
                    self.where(name),
                )
                self.ok = False
            else:
                self.coercer.findings.warning(
                    "input_dash",
                    f"{name}“{value.strip()}”按未填写处理",
                    self.where(name),
                )
            return None
        return self._checked_amount(value, name)

    def _checked_amount(self, value: Any, name: str) -> Decimal | None:
        """A non-blank cell as the column's number kind (blank cells never get here)."""
        if self.table.spec.column(name).kind is Kind.AMOUNT:
            got = self.coercer.amount(value, self.where(name), name)
        else:
            got = self.coercer.number(value, self.where(name), name)
        if got is None:
            self.ok = False
        return got

    def value(self, name: str) -> tuple[Decimal | None, str]:
        value = self.raw(name)
        error = None
        if is_blank(value):
            error, _ = self._facts(name)
            if error is None:
                return None, ""
        got = self.coercer.value(value, self.where(name), name, error)
        if error is not None or (isinstance(value, str) and value.strip() in EXCEL_ERRORS):
            self.ok = False
        return got

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        return self.coercer.date(value, self.where(name), name)
