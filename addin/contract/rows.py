"""Typed, located access to the rows of one raw contract table.

``ContractTable`` resolves the headers (tolerating stray spaces and full-width characters,
refusing a missing column) and yields the data rows; ``Cells`` reads one row's cells as the
contract's types, recording a finding for every doubt and whether the row is usable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..core.findings import Findings
from ..core.model import RowRef, TableRef, column_letter
from ..core.numbers import to_decimal
from ..errors import UnusableInput
from .coerce import DASHES, EXCEL_ERRORS, Coercer, clean_text
from .raw import RawTable
from .schema import Kind

__all__ = ["SAMPLE_MARK", "Cells", "ContractTable", "is_blank"]

# The template's placeholder rows carry this word in a cell of their own.
SAMPLE_MARK = "示例"


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class ContractTable:
    """One raw table with its headers resolved to the contract's columns."""

    def __init__(self, raw: RawTable, findings: Findings) -> None:
        self.raw = raw
        self.spec = raw.spec
        self.findings = findings
        self.index = self._resolve_headers()
        self.ref = TableRef(
            raw.sheet,
            raw.name or raw.spec.table,
            {name: raw.first_col + i for name, i in self.index.items()},
            raw.header_row,
        )

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
                raise UnusableInput(
                    f"{self.header_cell(0)}：表格 {self.spec.table} 缺少列“{column.name}”："
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
