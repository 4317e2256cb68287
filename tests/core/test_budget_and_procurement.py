from decimal import Decimal as D

from addin.core.budget import budget_figures
from addin.core.numbers import percent_text
from addin.core.procurement import BASIS_TOTAL, from_ledger, from_summary

from .factories import budget, budget_line, ledger, summary


def test_department_figures_are_sums_of_units() -> None:
    figures = budget_figures(
        budget(
            budget_line("a", "7215.46", "6968.33", "6990.12", "6850"),
            budget_line("b", "2432.36", "2357.78", "2370.13", "2350", row=5),
        )
    )
    d = figures.department
    assert (d.total, d.executed, d.spent) == (D("9647.82"), D("9326.11"), D("9360.25"))
    assert round(d.execution_rate * 100, 2) == D("96.67")  # type: ignore[operator]
    assert round(d.spending_progress * 100, 2) == D("97.02")  # type: ignore[operator]
    assert d.initial == D(9200)
    assert percent_text(figures.units[0].adjustment_rate, 2) == "5.34"  # (7215.46 - 6850) / 6850


def test_adjustment_rate_only_when_every_unit_gives_the_initial_budget() -> None:
    figures = budget_figures(
        budget(budget_line("a", "10", "9", "9", "8"), budget_line("b", "10", "9", "9", None, row=5))
    )
    assert figures.units[0].adjustment_rate is not None
    assert figures.units[1].adjustment_rate is None
    assert figures.department.initial is None and figures.department.adjustment_rate is None


def test_zero_budget_is_not_comparable() -> None:
    d = budget_figures(budget(budget_line("a", "0", "0", "0"))).department
    assert d.execution_rate is None and d.spending_progress is None


def test_ledger_sums_by_category_and_supplier_size() -> None:
    p = from_ledger(
        ledger(
            ("货物", "86.40", "小型"),
            ("货物", "72.13", "中型"),
            ("货物", "55.00", "中型"),
            ("服务", "586.06", "大型"),
            ("服务", "512.30", "中型"),
            ("服务", "268.33", "中型"),
            ("服务", "138.00", "中型"),
            ("服务", "25.60", "小型"),
            ("服务", "14.34", "微型"),
        )
    )
    assert (p.total, p.sme, p.small_micro) == (D("1758.16"), D("1172.10"), D("126.34"))
    assert p.category("货物").sme_share == D(1)
    assert p.category("工程").amount == 0 and p.category("工程").sme_share is None
    assert round(p.category("服务").sme_share * 100, 1) == D("62.1")  # type: ignore[operator]
    assert round(p.sme_share * 100, 1) == D("66.7")  # type: ignore[operator]
    assert round(p.small_micro_share_of_sme * 100, 1) == D("10.8")  # type: ignore[operator]


def test_small_micro_basis_setting() -> None:
    p = from_summary(summary(("服务", "100", "50", "10")), basis=BASIS_TOTAL)
    assert p.small_micro_share == D("0.1")
    assert p.small_micro_share_of_sme == D("0.2")


def test_no_procurement_at_all_is_not_comparable_everywhere() -> None:
    p = from_ledger(ledger())
    assert p.total == 0
    assert p.sme_share is None and p.small_micro_share_of_sme is None
    assert all(c.sme_share is None for c in p.categories)


def test_summary_repeated_category_rows_add_up() -> None:
    p = from_summary(summary(("服务", "100", "50", "10"), ("服务", "20", "20", "0")))
    assert p.category("服务").amount == D(120) and p.category("服务").sme == D(70)
