from decimal import Decimal as D

from addin.core.budget import BASIS_INITIAL, budget_figures, execution_rate
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


def test_execution_rate_on_either_base() -> None:
    # 年初 238.93 / 全年 251.89 / 执行 251.89: 100.00% on 全年预算数, 105.42% on 年初预算数.
    line = budget_line("某专项", "251.89", "251.89", "251.89", "238.93")
    full = budget_figures(budget(line)).department
    initial = budget_figures(budget(line), BASIS_INITIAL).department
    assert percent_text(full.execution_rate, 2) == "100.00"
    assert percent_text(initial.execution_rate, 2) == "105.42"
    assert full.rate_on(BASIS_INITIAL) == initial.execution_rate
    assert execution_rate(D(5), D(10), None, BASIS_INITIAL) is None  # no 年初预算数: not comparable


def test_without_spent_the_progress_is_not_made_up() -> None:
    # 池州市贵池区棠溪镇 2022 项目支出绩效自评表 (委托业务项目): 年初 90, 全年 89.974, 执行 89.974, no 支出数.
    figures = budget_figures(budget(budget_line("委托业务项目", "89.974", "89.974", None, "90")))
    assert figures.units[0].spent is None and figures.units[0].spending_progress is None
    assert figures.department.spent is None and figures.department.spending_progress is None


class TestGranularity:
    """采购汇总 at every granularity: what follows is computed, what does not is None (未填报)."""

    def test_categories_with_their_split(self) -> None:
        p = from_summary(summary(("货物", "213.53", "213.53", "86.40"), ("服务", "1544.63", "958.57", "39.94")))
        assert p.granularity == "categories"
        assert (p.total, p.sme, p.small_micro) == (D("1758.16"), D("1172.10"), D("126.34"))
        assert percent_text(p.category("货物").share_of_total, 1) == "12.1"
        assert p.notes() == {}

    def test_category_amounts_with_the_split_only_in_total(self) -> None:
        # The reference report's own statement, SME and small-micro given only on the 合计 row.
        p = from_summary(
            summary(
                ("货物", "213.53", None, None),
                ("工程", "0", None, None),
                ("服务", "1544.63", None, None),
                total=("合计", "1758.16", "1172.10", "126.34"),
            )
        )
        assert p.granularity == "category_amounts"
        assert percent_text(p.sme_share, 1) == "66.7"
        assert percent_text(p.small_micro_share_of_sme, 1) == "10.8"
        goods = p.category("货物")
        assert goods.sme is None and goods.sme_share is None and goods.sme_note == "未填报"
        assert goods.notes() == {"sme": "未填报", "small_micro": "未填报", "sme_share": "未填报"}
        works = p.category("工程")
        assert (works.sme, works.small_micro) == (0, 0)  # nothing can be awarded out of 0
        assert works.sme_note == "基数为0，不可比"

    def test_one_missing_category_is_the_total_less_the_others(self) -> None:
        p = from_summary(
            summary(
                ("货物", "213.53", "213.53", "86.40"),
                ("服务", "1544.63", None, None),
                total=("合计", "1758.16", "1172.10", "126.34"),
            )
        )
        assert p.granularity == "categories"
        assert (p.category("服务").sme, p.category("服务").small_micro) == (D("958.57"), D("39.94"))

    def test_a_total_row_only(self) -> None:
        p = from_summary(summary(total=("合计", "33509.75", "32407.19", "2739.43")), basis=BASIS_TOTAL)
        assert p.granularity == "total" and p.categories == ()
        assert percent_text(p.sme_share, 1) == "96.7"
        assert percent_text(p.small_micro_share, 1) == "8.2"

    def test_without_any_split_the_shares_are_not_given(self) -> None:
        p = from_summary(summary(("服务", "100", None, None)))
        assert p.granularity == "category_amounts"
        assert p.sme is None and p.sme_share is None and p.small_micro_share_of_total is None
        assert p.notes() == {
            "sme": "未填报",
            "small_micro": "未填报",
            "sme_share": "未填报",
            "small_micro_share_of_sme": "未填报",
            "small_micro_share_of_total": "未填报",
        }

    def test_shares_over_the_declared_total(self) -> None:
        p = from_summary(
            summary(
                ("货物", "7738.1", None, None),
                ("工程", "14486.8", None, None),
                ("服务", "11704.8", None, None),
                total=("合计", "33929.6", "25239.8", "15778.3"),
            )
        )
        assert p.total == D("33929.6") and p.category_sum == D("33929.7")
        assert [percent_text(c.share_of_total, 1) for c in p.categories] == ["22.8", "42.7", "34.5"]
