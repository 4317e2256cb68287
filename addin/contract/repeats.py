"""Rows typed twice: a row identical to an earlier one, and one identifier on two rows.

A row whose every filled cell equals an earlier row's is an ambiguity the reader cannot settle:
one contract (unit, indicator, category) pasted twice, which would count its amounts twice, or
two of them that happen to read alike. It is an error at the later row naming the earlier one,
and the later row is not read (nothing is written while an error stands). Rows that differ but
share their identifier (one 合同编号 on two lines: contracts split into lines exist) are both
read, with one warning naming both rows.

A contract ledger is the exception where its rows carry no 合同编号 (a ledger without that
column, or JX_PROCUREMENT given only category, amount and size): two contracts of one unit,
category, amount and size are ordinary there, so identical rows are both counted and named in
one warning (the first pairs and how many), not refused.

Only the tables whose rows add up to a figure are looked at (the scoring rules and the
narrative are not: two identical 区间 bands are the rulebook's own error).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core.findings import Findings
from ..core.model import column_letter
from .labels import is_blank

__all__ = ["COUNTED_TABLES", "IDENTIFIED_BY", "PROBES", "RepeatedRows", "repeated_identifiers"]

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


# Cells a row of a long table is first compared on: rows that differ there differ. Hashing two
# cells instead of every cell is most of a 200,000-row ledger's cost of this check; rows that
# agree on them are then compared whole.
PROBES: dict[str, tuple[tuple[str, ...], ...]] = {
    "tblContracts": (("合同编号", "合同金额"), ("单位名称", "合同金额")),
}


# Tables whose rows tell two alike entries apart only by this column: without it filled, an
# identical row is no evidence of a paste.
IDENTIFIED_BY: dict[str, str] = {"tblContracts": "合同编号"}
_SHOWN_PAIRS = 3


class RepeatedRows:
    """The rows of one table seen so far: ``seen`` maps each row's key (its probe cells, else
    all its cells as read) to the first row with it. A reader gives a blank cell as "" or None
    and a value as typed: rows that differ only in spaces around a text, or in how a blank was
    stored, are different rows here (the same 合同编号 on both is then named as a warning)."""

    def __init__(
        self,
        sheet: str,
        what: str,
        columns: tuple[int, int],
        rows: Sequence[Sequence[Any]],
        first_row: int,
        findings: Findings,
        probe: tuple[int, ...] = (),
        identifier: int | None = -1,
    ) -> None:
        self.sheet = sheet
        self.what = what
        first_col, width = columns  # the table's first sheet column and its number of columns
        self.span = f"{column_letter(first_col)}{{0}}:{column_letter(first_col + max(width, 1) - 1)}{{0}}"
        self.rows = rows
        self.first_row = first_row
        self.findings = findings
        self.probe = probe
        self.seen: dict[tuple[Any, ...], int] = {}
        self._whole: dict[tuple[Any, ...], int] = {}  # rows whose probe cells met another's
        # The identifying column's position (None: the table lacks it; -1: the table needs none).
        self.identifier = identifier
        self._alike: list[tuple[int, int]] = []  # identical rows without an identifier: both read

    def key(self, row: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(row[i] for i in self.probe) if self.probe else tuple(row)

    def met(self, r: int, row: Sequence[Any], earlier: int) -> bool:
        """Sheet row ``r`` has the key of row ``earlier``: whether it repeats a row (then an
        error names both)."""
        if self.probe:
            whole = self._whole
            whole.setdefault(tuple(self.rows[earlier - self.first_row]), earlier)
            earlier = whole.setdefault(tuple(row), r)
            if earlier == r:
                return False
        ident = self.identifier
        if ident is not None and ident >= 0 and (ident >= len(row) or is_blank(row[ident])):
            ident = None
        if ident is None:
            self._alike.append((earlier, r))
            return False
        self.findings.error(
            "input_row_repeated",
            f"“{self.sheet}”第 {r} 行与第 {earlier} 行每个已填写的单元格都相同："
            f"无法判断是同一{self.what}重复粘贴（会被计算两次）还是两笔内容相同的{self.what}。"
            f"如是重复，请删除第 {r} 行；如确为两笔，请在编号或备注中把它们区分开",
            f"{self.sheet}!{self.span.format(r)}",
        )
        return True

    def finish(self) -> None:
        """One warning for the identical rows read without an identifier to tell them apart."""
        if not self._alike:
            return
        pairs = "、".join(f"第 {a} 行与第 {b} 行" for a, b in self._alike[:_SHOWN_PAIRS])
        more = f"等 {len(self._alike)} 处" if len(self._alike) > _SHOWN_PAIRS else ""
        first = self._alike[0][1]
        self.findings.warning(
            "input_rows_alike",
            f"“{self.sheet}”{pairs}{more}每个已填写的单元格都相同，没有合同编号可以区分，均已计入："
            f"如为重复粘贴，请删除重复的行；建议填写合同编号",
            f"{self.sheet}!{self.span.format(first)}",
        )


def repeated_identifiers(
    identifiers: Sequence[str], where: Callable[[int], str], column: str, what: str, findings: Findings
) -> None:
    """Rows that differ but carry the same identifier (``column``, e.g. 合同编号): each is read;
    one warning per identifier names its first two cells (``where(i)``: the cell of the i-th)."""
    given = [ident for ident in identifiers if ident]
    if len(set(given)) == len(given):
        return  # the common case, settled in C (a ledger holds up to hundreds of thousands)
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
