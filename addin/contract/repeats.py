"""Rows typed twice: a row identical to an earlier one, and one identifier on two rows.

A row whose every filled cell equals an earlier row's is an ambiguity the reader cannot settle:
one contract (unit, indicator, category) pasted twice, which would count its amounts twice, or
two of them that happen to read alike. It is an error at the later row naming the earlier one,
and the later row is not read (nothing is written while an error stands). Rows that differ but
share their identifier (one 合同编号 on two lines: contracts split into lines exist) are both
read, with one warning naming both rows.

Only the tables whose rows add up to a figure are looked at (the scoring rules and the
narrative are not: two identical 区间 bands are the rulebook's own error).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core.findings import Findings
from ..core.model import column_letter

__all__ = ["COUNTED_TABLES", "RepeatedRows", "repeated_identifiers"]

# Each table's rows are summed or scored: a row counted twice changes a figure.
COUNTED_TABLES: dict[str, str] = {
    "tblBudget": "单位",
    "tblContracts": "合同",
    "tblProcurement": "采购类别",
    "tblIndicators": "指标",
    "tblProjects": "项目",
    "tblProjectFunds": "资金来源",
    "tblProjectIndicators": "指标",
}


def _key(row: Sequence[Any]) -> tuple[Any, ...]:
    """The cells of a row as compared. A reader gives a blank cell as "" or None and a value as
    typed: rows that differ only in spaces around a text, or in how a blank was stored, read as
    different rows here (the same 合同编号 on both is then named as a warning)."""
    return tuple(row)


class RepeatedRows:
    """The rows of one table seen so far, by their filled cells."""

    def __init__(self, sheet: str, what: str, first_col: int, width: int, findings: Findings) -> None:
        self.sheet = sheet
        self.what = what
        self.span = f"{column_letter(first_col)}{{0}}:{column_letter(first_col + max(width, 1) - 1)}{{0}}"
        self.findings = findings
        self.seen: dict[tuple[Any, ...], int] = {}

    def repeated(self, r: int, row: Sequence[Any]) -> bool:
        """Whether sheet row ``r`` repeats an earlier row (then an error names both). The
        contract ledger's common rows take this inline, on ``seen`` (a call per row costs)."""
        earlier = self.seen.setdefault(_key(row), r)
        if earlier == r:
            return False
        self.report(r, earlier)
        return True

    def report(self, r: int, earlier: int) -> None:
        self.findings.error(
            "input_row_repeated",
            f"“{self.sheet}”第 {r} 行与第 {earlier} 行每个已填写的单元格都相同："
            f"无法判断是同一{self.what}重复粘贴（会被计算两次）还是两笔内容相同的{self.what}。"
            f"如是重复，请删除第 {r} 行；如确为两笔，请在编号或备注中把它们区分开",
            f"{self.sheet}!{self.span.format(r)}",
        )


def repeated_identifiers(
    identifiers: Sequence[str], where: Callable[[int], str], column: str, what: str, findings: Findings
) -> None:
    """Rows that differ but carry the same identifier (``column``, e.g. 合同编号): each is read;
    one warning per identifier names its first two cells (``where(i)``: the cell of the i-th)."""
    first: dict[str, int] = {}
    reported: set[str] = set()
    for i, ident in enumerate(identifiers):
        if not ident:
            continue
        earlier = first.setdefault(ident, i)
        if earlier == i or ident in reported:
            continue
        reported.add(ident)
        findings.warning(
            "input_identifier_repeated",
            f"{column}“{ident}”出现在 {where(earlier)} 和 {where(i)} 两行，两行内容不同，均已计入："
            f"如为同一{what}分行填写，请核对金额没有重复；如为不同{what}，请更正{column}",
            where(i),
        )
