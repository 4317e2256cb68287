"""Government procurement: totals, per category, SME (中小企业) and small-micro (小微企业) shares.

SME = 中型 + 小型 + 微型; small-micro = 小型 + 微型. A zero base gives ``None`` ("not
comparable", presented as "-" with the note 基数为0，不可比), never 0%.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .model import ContractLedger, ProcurementSummary
from .numbers import ZERO, divide

__all__ = [
    "BASIS_SME",
    "BASIS_TOTAL",
    "CATEGORIES",
    "NOT_COMPARABLE_NOTE",
    "SIZES",
    "SMALL_MICRO_SIZES",
    "SME_SIZES",
    "CategoryFigures",
    "ProcurementFigures",
    "from_amounts",
    "from_ledger",
    "from_summary",
]

CATEGORIES = ("货物", "工程", "服务")
SIZES = ("大型", "中型", "小型", "微型")
SME_SIZES = frozenset({"中型", "小型", "微型"})
SMALL_MICRO_SIZES = frozenset({"小型", "微型"})
NOT_COMPARABLE_NOTE = "基数为0，不可比"
BASIS_SME = "中小企业合同金额"
BASIS_TOTAL = "政府采购支出总额"


@dataclass(frozen=True, slots=True)
class CategoryFigures:
    name: str
    amount: Decimal
    sme: Decimal
    small_micro: Decimal

    @property
    def sme_share(self) -> Decimal | None:
        return divide(self.sme, self.amount)


@dataclass(frozen=True, slots=True)
class ProcurementFigures:
    source: str  # "ledger", "summary" or "none"
    basis: str  # 小微占比口径
    categories: tuple[CategoryFigures, ...]

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.categories), ZERO)

    @property
    def sme(self) -> Decimal:
        return sum((c.sme for c in self.categories), ZERO)

    @property
    def small_micro(self) -> Decimal:
        return sum((c.small_micro for c in self.categories), ZERO)

    @property
    def sme_share(self) -> Decimal | None:
        return divide(self.sme, self.total)

    @property
    def small_micro_share_of_sme(self) -> Decimal | None:
        return divide(self.small_micro, self.sme)

    @property
    def small_micro_share_of_total(self) -> Decimal | None:
        return divide(self.small_micro, self.total)

    @property
    def small_micro_share(self) -> Decimal | None:
        """The small-micro share on the base the clerk chose (小微占比口径)."""
        if self.basis == BASIS_TOTAL:
            return self.small_micro_share_of_total
        return self.small_micro_share_of_sme

    def category(self, name: str) -> CategoryFigures:
        for c in self.categories:
            if c.name == name:
                return c
        raise KeyError(name)


def from_amounts(
    amounts: dict[str, tuple[Decimal, Decimal, Decimal]], *, source: str, basis: str = BASIS_SME
) -> ProcurementFigures:
    """Figures from (amount, sme, small_micro) per category; categories absent count as 0."""
    categories = tuple(CategoryFigures(name, *amounts.get(name, (ZERO, ZERO, ZERO))) for name in CATEGORIES)
    return ProcurementFigures(source=source, basis=basis, categories=categories)


def from_ledger(ledger: ContractLedger, *, basis: str = BASIS_SME) -> ProcurementFigures:
    """Sum the contract ledger by category and supplier size."""
    # Sum per (category, size) first: a dict lookup per row and one Decimal add, the
    # cheapest exact pass over a ledger of hundreds of thousands of contracts.
    cells: dict[tuple[str, str], Decimal] = {}
    for category, size, amount in zip(ledger.categories, ledger.sizes, ledger.amounts, strict=True):
        key = (category, size)
        cells[key] = cells.get(key, ZERO) + amount
    amounts: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for name in CATEGORIES:
        total = sum((v for (c, _), v in cells.items() if c == name), ZERO)
        sme = sum((v for (c, s), v in cells.items() if c == name and s in SME_SIZES), ZERO)
        small = sum((v for (c, s), v in cells.items() if c == name and s in SMALL_MICRO_SIZES), ZERO)
        amounts[name] = (total, sme, small)
    return from_amounts(amounts, source="ledger", basis=basis)


def from_summary(summary: ProcurementSummary, *, basis: str = BASIS_SME) -> ProcurementFigures:
    """Figures from the category summary (采购汇总); repeated categories are added up."""
    amounts: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for line in summary.lines:
        a, s, m = amounts.get(line.category, (ZERO, ZERO, ZERO))
        amounts[line.category] = (a + line.amount, s + line.sme, m + line.small_micro)
    return from_amounts(amounts, source="summary", basis=basis)
