"""Government procurement: totals, per category, SME (中小企业) and small-micro (小微企业) shares.

SME = 中型 + 小型 + 微型; small-micro = 小型 + 微型. A zero base gives ``None`` ("not
comparable", presented as "-" with the note 基数为0，不可比), never 0%.

Published statements state procurement at different granularities (``granularity``):

* ``contracts``: the contract ledger, everything follows;
* ``categories``: category amounts with their SME (and small-micro) amounts;
* ``category_amounts``: category amounts, SME and small-micro only in total (the 合计 row),
  as most 决算 statements and the national disclosure give them;
* ``total``: a 合计 row only (total, SME, small-micro); no categories;
* ``none``: nothing filled.

Every figure that follows from what is given is computed (a category with amount 0 has SME
0; the one category whose SME is missing gets the declared SME total less the others); one
that does not is ``None`` with the note 未填报, never a made-up split. Shares are taken over
the declared 合计 when there is one, else over the category sum.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from .model import ContractLedger, ProcurementSummary
from .numbers import ZERO, divide

__all__ = [
    "BASIS_SME",
    "BASIS_TOTAL",
    "CATEGORIES",
    "GRANULARITIES",
    "NOT_COMPARABLE_NOTE",
    "NOT_GIVEN_NOTE",
    "SIZES",
    "SMALL_MICRO_SIZES",
    "SME_SIZES",
    "CategoryFigures",
    "ProcurementFigures",
    "Split",
    "from_amounts",
    "from_ledger",
    "from_summary",
    "summary_splits",
]

CATEGORIES = ("货物", "工程", "服务")
SIZES = ("大型", "中型", "小型", "微型")
SME_SIZES = frozenset({"中型", "小型", "微型"})
SMALL_MICRO_SIZES = frozenset({"小型", "微型"})
NOT_COMPARABLE_NOTE = "基数为0，不可比"
NOT_GIVEN_NOTE = "未填报"
BASIS_SME = "中小企业合同金额"
BASIS_TOTAL = "政府采购支出总额"

GRANULARITY_CONTRACTS = "contracts"
GRANULARITY_CATEGORIES = "categories"
GRANULARITY_CATEGORY_AMOUNTS = "category_amounts"
GRANULARITY_TOTAL = "total"
GRANULARITY_NONE = "none"
GRANULARITIES = (
    GRANULARITY_CONTRACTS,
    GRANULARITY_CATEGORIES,
    GRANULARITY_CATEGORY_AMOUNTS,
    GRANULARITY_TOTAL,
    GRANULARITY_NONE,
)


@dataclass(frozen=True, slots=True)
class Split:
    """What one row states: amount, SME amount, small-micro amount (``None``: not stated)."""

    amount: Decimal
    sme: Decimal | None = None
    small_micro: Decimal | None = None

    def __add__(self, other: Split) -> Split:
        return Split(self.amount + other.amount, _add(self.sme, other.sme), _add(self.small_micro, other.small_micro))


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    return None if a is None or b is None else a + b


def _stated_notes(sme: Decimal | None, small_micro: Decimal | None) -> dict[str, str]:
    """未填报 for the SME and small-micro amounts that were not stated."""
    return {key: NOT_GIVEN_NOTE for key, value in (("sme", sme), ("small_micro", small_micro)) if value is None}


def _share_note(part: Decimal | None, whole: Decimal | None) -> str:
    """Why a share is missing: its part was not stated, or its base is zero; "" when it exists."""
    if part is None or whole is None:
        return NOT_GIVEN_NOTE
    return NOT_COMPARABLE_NOTE if whole == 0 else ""


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    name: str
    amount: Decimal
    sme: Decimal | None
    small_micro: Decimal | None
    share_of_total: Decimal | None = None  # amount / procurement total

    @property
    def sme_share(self) -> Decimal | None:
        return None if self.sme is None else divide(self.sme, self.amount)

    @property
    def small_micro_share_of_sme(self) -> Decimal | None:
        return None if self.small_micro is None or self.sme is None else divide(self.small_micro, self.sme)

    @property
    def small_micro_share_of_amount(self) -> Decimal | None:
        return None if self.small_micro is None else divide(self.small_micro, self.amount)

    @property
    def sme_note(self) -> str:
        """Why sme_share is missing ("" when it is there)."""
        return _share_note(self.sme, self.amount)

    def notes(self) -> dict[str, str]:
        """Field → note for every figure of this category that is missing."""
        found = _stated_notes(self.sme, self.small_micro)
        if self.sme_note:
            found["sme_share"] = self.sme_note
        return found


@dataclass(frozen=True, slots=True)
class ProcurementFigures:
    source: str  # "ledger", "summary" or "none"
    basis: str  # 小微占比口径
    categories: tuple[CategoryFigures, ...]
    total: Decimal  # the declared 合计 when given, else the category sum
    sme: Decimal | None
    small_micro: Decimal | None
    granularity: str = GRANULARITY_CONTRACTS
    category_sum: Decimal | None = None  # Σ category amounts; None without categories

    @property
    def sme_share(self) -> Decimal | None:
        return None if self.sme is None else divide(self.sme, self.total)

    @property
    def small_micro_share_of_sme(self) -> Decimal | None:
        if self.small_micro is None or self.sme is None:
            return None
        return divide(self.small_micro, self.sme)

    @property
    def small_micro_share_of_total(self) -> Decimal | None:
        return None if self.small_micro is None else divide(self.small_micro, self.total)

    @property
    def small_micro_share(self) -> Decimal | None:
        """The small-micro share on the base the clerk chose (小微占比口径)."""
        if self.basis == BASIS_TOTAL:
            return self.small_micro_share_of_total
        return self.small_micro_share_of_sme

    def notes(self) -> dict[str, str]:
        """Figure → note (未填报 or 基数为0，不可比) for every department-level figure missing."""
        found = _stated_notes(self.sme, self.small_micro)
        for key, part, whole in (
            ("sme_share", self.sme, self.total),
            ("small_micro_share_of_sme", self.small_micro, self.sme),
            ("small_micro_share_of_total", self.small_micro, self.total),
        ):
            note = _share_note(part, whole)
            if note:
                found[key] = note
        return found

    def category(self, name: str) -> CategoryFigures:
        for c in self.categories:
            if c.name == name:
                return c
        raise KeyError(name)


def _derive(split: Split) -> Split:
    """What a zero implies: nothing awarded out of 0, no small-micro out of an SME amount 0."""
    sme = ZERO if split.sme is None and split.amount == 0 else split.sme
    small = ZERO if split.small_micro is None and (split.amount == 0 or sme == 0) else split.small_micro
    return Split(split.amount, sme, small)


def _fill_one(values: list[Decimal | None], declared: Decimal | None) -> list[Decimal | None]:
    """The one missing value of a column whose total is declared is that total less the others
    (when that is not negative; a contradiction is left to the checks)."""
    missing = [i for i, v in enumerate(values) if v is None]
    if declared is None or len(missing) != 1:
        return values
    rest = declared - sum((v for v in values if v is not None), ZERO)
    if rest < 0:
        return values
    filled = list(values)
    filled[missing[0]] = rest
    return filled


def _column_total(values: Sequence[Decimal | None], declared: Decimal | None) -> Decimal | None:
    if declared is not None:
        return declared
    if any(v is None for v in values):
        return None
    return sum((v or ZERO for v in values), ZERO)


def from_amounts(
    amounts: Mapping[str, Split | tuple[Decimal, Decimal | None, Decimal | None]],
    *,
    source: str,
    basis: str = BASIS_SME,
    declared: Split | None = None,
    granularity: str | None = None,
) -> ProcurementFigures:
    """Figures from what is stated per category (categories absent count as 0) and, optionally,
    the declared 合计 row. ``granularity`` is inferred when not given."""
    if not amounts and declared is None:
        zero = tuple(CategoryFigures(name, ZERO, ZERO, ZERO) for name in CATEGORIES)
        return ProcurementFigures(source, basis, zero, ZERO, ZERO, ZERO, granularity or GRANULARITY_NONE, ZERO)
    if not amounts:
        assert declared is not None
        d = _derive(declared)
        return ProcurementFigures(source, basis, (), d.amount, d.sme, d.small_micro, GRANULARITY_TOTAL, None)

    splits = []
    for name in CATEGORIES:
        given = amounts.get(name, Split(ZERO, ZERO, ZERO))
        splits.append(_derive(given if isinstance(given, Split) else Split(*given)))
    smes = _fill_one([s.sme for s in splits], None if declared is None else declared.sme)
    smalls = _fill_one([s.small_micro for s in splits], None if declared is None else declared.small_micro)
    category_sum = sum((s.amount for s in splits), ZERO)
    total = declared.amount if declared is not None else category_sum
    sme = _column_total(smes, None if declared is None else declared.sme)
    small = _column_total(smalls, None if declared is None else declared.small_micro)
    if sme == 0 and small is None:
        small = ZERO
    categories = tuple(
        CategoryFigures(name, split.amount, s, m, divide(split.amount, total))
        for name, split, s, m in zip(CATEGORIES, splits, smes, smalls, strict=True)
    )
    if granularity is None:
        granularity = GRANULARITY_CATEGORIES if all(s is not None for s in smes) else GRANULARITY_CATEGORY_AMOUNTS
    return ProcurementFigures(source, basis, categories, total, sme, small, granularity, category_sum)


def from_ledger(ledger: ContractLedger, *, basis: str = BASIS_SME) -> ProcurementFigures:
    """Sum the contract ledger by category and supplier size."""
    # Sum per (category, size) first: a dict lookup per row and one Decimal add, the
    # cheapest exact pass over a ledger of hundreds of thousands of contracts.
    cells: dict[tuple[str, str], Decimal] = {}
    for category, size, amount in zip(ledger.categories, ledger.sizes, ledger.amounts, strict=True):
        key = (category, size)
        cells[key] = cells.get(key, ZERO) + amount
    amounts: dict[str, Split] = {}
    for name in CATEGORIES:
        total = sum((v for (c, _), v in cells.items() if c == name), ZERO)
        sme = sum((v for (c, s), v in cells.items() if c == name and s in SME_SIZES), ZERO)
        small = sum((v for (c, s), v in cells.items() if c == name and s in SMALL_MICRO_SIZES), ZERO)
        amounts[name] = Split(total, sme, small)
    if not len(ledger):
        return from_amounts({}, source="ledger", basis=basis)
    return from_amounts(amounts, source="ledger", basis=basis, granularity=GRANULARITY_CONTRACTS)


def summary_splits(summary: ProcurementSummary) -> dict[str, Split]:
    """The category rows of 采购汇总 by category; repeated categories are added up (a blank SME
    cell in any of them leaves that category's SME not stated)."""
    amounts: dict[str, Split] = {}
    for line in summary.lines:
        split = Split(line.amount, line.sme, line.small_micro)
        amounts[line.category] = amounts[line.category] + split if line.category in amounts else split
    return amounts


def from_summary(summary: ProcurementSummary, *, basis: str = BASIS_SME) -> ProcurementFigures:
    """Figures from the category summary (采购汇总), at whatever granularity it is filled."""
    declared = summary.declared_total
    return from_amounts(
        summary_splits(summary),
        source="summary",
        basis=basis,
        declared=None if declared is None else Split(declared.amount, declared.sme, declared.small_micro),
    )
