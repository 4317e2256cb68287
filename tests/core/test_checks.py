"""Every consistency check of the core issue, through ``evaluate`` as the product runs it."""

from dataclasses import replace
from decimal import Decimal as D

from addin.core import evaluate
from addin.core.model import DepartmentData, Info

from .factories import budget, budget_line, indicator, ledger, summary

INFO = Info(department="测试部门", year=2023)


def data(**parts) -> DepartmentData:  # type: ignore[no-untyped-def]
    base = DepartmentData(
        info=INFO,
        # Large enough for any procurement below: a contract above the department's 执行数 is
        # the magnitude check's own finding (core/plausibility.py, tests/core/test_plausibility.py).
        budget=budget(budget_line("办本级", "1000000", "900000", "900000")),
        contracts=None,
        procurement=None,
        indicators=[indicator("a", "100")],
        rules=[],
    )
    return replace(base, **parts)


def codes(d: DepartmentData) -> list[str]:
    return [f.code for f in evaluate(d).findings]


def test_clean_data_only_notes_missing_procurement() -> None:
    assert codes(data()) == ["procurement_empty"]


def test_executed_and_spent_disagreeing_names_both_figures() -> None:
    ev = evaluate(data(budget=budget(budget_line("办本级", "9647.82", "9326.11", "9360.25"))))
    warning = next(f for f in ev.findings if f.code == "budget_executed_vs_spent")
    assert warning.severity.value == "warning"
    assert "9,326.11" in warning.message and "9,360.25" in warning.message
    assert warning.location == "预算执行!F4"


def test_executed_over_budget_warns_per_unit() -> None:
    ev = evaluate(data(budget=budget(budget_line("办本级", "100", "101", "101"))))
    over = [f for f in ev.findings if f.code == "budget_over_executed"]
    assert [f.location for f in over] == ["预算执行!E4", "预算执行!F4"]
    assert ev.ok


def test_duplicate_unit_names_are_an_error() -> None:
    ev = evaluate(
        data(budget=budget(budget_line("办本级", "1", "1", "1"), budget_line("办本级", "1", "1", "1", row=5)))
    )
    error = ev.findings.errors[0]
    assert error.code == "budget_duplicate_unit" and error.location == "预算执行!A5"
    assert "预算执行!A4" in error.message


def test_units_against_a_declared_department_total() -> None:
    lines = [budget_line("a", "60", "50", "50"), budget_line("b", "40", "40", "40", row=5)]
    good = budget(*lines, total=budget_line("合计", "100", "90", "90", row=6))
    assert "budget_units_vs_total" not in codes(data(budget=good))
    bad = budget(*lines, total=budget_line("合计", "100", "95", "90", row=6))
    ev = evaluate(data(budget=bad))
    error = next(f for f in ev.findings.errors if f.code == "budget_units_vs_total")
    assert error.location == "预算执行!E6" and "90.00" in error.message and "95.00" in error.message


def test_empty_budget_is_an_error() -> None:
    assert "budget_empty" in codes(data(budget=budget()))


def test_summary_category_sum_against_its_total_row() -> None:
    s = summary(("货物", "10", "5", "1"), ("服务", "20", "10", "2"), total=("合计", "31", "15", "3"))
    ev = evaluate(data(procurement=s))
    error = next(f for f in ev.findings.errors if f.code == "procurement_category_sum")
    assert error.location == "采购汇总!B6"


def test_sme_above_amount_and_small_micro_above_sme() -> None:
    ev = evaluate(data(procurement=summary(("服务", "10", "12", "13"))))
    found = {(f.code, f.location) for f in ev.findings.errors}
    assert ("procurement_sme_exceeds_amount", "采购汇总!C4") in found
    assert ("procurement_small_micro_exceeds_sme", "采购汇总!D4") in found


def test_total_sme_above_total_on_the_declared_total_row() -> None:
    s = summary(("服务", "10", "5", "1"), total=("合计", "10", "11", "1"))
    found = {(f.code, f.location) for f in evaluate(data(procurement=s)).findings.errors}
    assert ("procurement_sme_exceeds_amount", "采购汇总!C5") in found


def test_ledger_and_summary_must_agree_naming_both_figures() -> None:
    led = ledger(("服务", "100", "中型"))
    agree = summary(("服务", "100", "100", "0"))
    assert not evaluate(data(contracts=led, procurement=agree)).findings.has_errors
    disagree = summary(("服务", "120", "100", "0"))
    ev = evaluate(data(contracts=led, procurement=disagree))
    error = next(f for f in ev.findings.errors if f.code == "procurement_ledger_vs_summary")
    assert "100.00" in error.message and "120.00" in error.message
    assert error.location == "采购汇总!B4"
    assert ev.procurement.source == "ledger"


def test_ledger_unit_unknown_to_the_budget_warns() -> None:
    led = ledger(("服务", "100", "中型"))
    led = replace(led, units=["办本级 "])
    assert "contract_unknown_unit" in codes(data(contracts=led))


def test_manual_score_outside_bounds_stops_the_report() -> None:
    ev = evaluate(data(indicators=[indicator("q", "100", method="定性", manual="120")]))
    assert not ev.ok


def test_weights_not_summing_to_the_declared_total() -> None:
    ev = evaluate(data(indicators=[indicator("a", "90")], info=replace(INFO, total_weight=D(100))))
    assert ev.findings.errors[0].code == "score_weights_total"


class TestRealForms:
    """Checks compare only what was stated; the ones that stand on their own always run."""

    def test_spent_is_compared_only_where_both_are_given(self) -> None:
        project = budget(budget_line("项目", "89.974", "89.974", None, "90"))
        assert codes(data(budget=project)) == ["procurement_empty"]
        mixed = budget(budget_line("a", "100", "90", "95"), budget_line("b", "100", "90", None, row=5))
        ev = evaluate(data(budget=mixed))
        partial = next(f for f in ev.findings if f.code == "budget_spent_partial")
        assert partial.location == "预算执行!F5" and partial.severity.value == "warning"
        differs = next(f for f in ev.findings if f.code == "budget_executed_vs_spent")
        assert "90.00" in differs.message and "95.00" in differs.message  # unit a only
        assert ev.budget.department.spending_progress is None

    def test_initial_basis_needs_every_initial_budget(self) -> None:
        info = replace(INFO, execution_basis="年初预算数")
        ev = evaluate(data(info=info, budget=budget(budget_line("a", "100", "90", "90"))))
        assert [(f.code, f.location) for f in ev.findings.errors] == [("budget_missing_initial", "预算执行!C4")]

    def test_split_only_in_total_is_no_error_and_the_total_gap_is(self) -> None:
        stated = summary(
            ("货物", "7738.1", None, None),
            ("工程", "14486.8", None, None),
            ("服务", "11704.8", None, None),
            total=("合计", "33929.6", "25239.8", "15778.3"),
        )
        ev = evaluate(data(procurement=stated, info=replace(INFO, amount_unit="亿元")))
        assert [f.code for f in ev.findings] == ["procurement_category_sum"]
        gap = ev.findings[0]
        assert "33,929.70 亿元" in gap.message and "33,929.60 亿元" in gap.message and "0.10" in gap.message
        assert gap.location == "采购汇总!B7"

    def test_sme_over_the_total_on_the_total_row(self) -> None:
        stated = summary(total=("合计", "100", "120", "10"))
        ev = evaluate(data(procurement=stated))
        assert [(f.code, f.location) for f in ev.findings.errors] == [("procurement_sme_exceeds_amount", "采购汇总!C4")]

    def test_stated_category_splits_may_not_exceed_the_total_row(self) -> None:
        stated = summary(("货物", "50", "50", None), ("服务", "50", None, None), total=("合计", "100", "40", None))
        ev = evaluate(data(procurement=stated))
        assert ("procurement_category_sum", "采购汇总!C6") in [(f.code, f.location) for f in ev.findings.errors]

    def test_a_forgotten_category_split_is_a_warning(self) -> None:
        stated = summary(("货物", "50", "50", "10"), ("服务", "50", None, None))
        ev = evaluate(data(procurement=stated))
        assert [(f.code, f.location) for f in ev.findings] == [("procurement_partial_split", "采购汇总!C5")]
        assert ev.ok and ev.procurement.sme is None

    def test_a_total_only_summary_is_checked_against_the_ledger(self) -> None:
        contracts = ledger(("服务", "100", "小型"), ("货物", "50", "大型"))
        stated = summary(total=("合计", "150", "90", None))
        ev = evaluate(data(contracts=contracts, procurement=stated))
        assert [(f.code, f.location) for f in ev.findings.errors] == [("procurement_ledger_vs_summary", "采购汇总!C4")]
        assert "100.00" in ev.findings.errors[0].message and "90.00" in ev.findings.errors[0].message

    def test_an_unreadable_cell_elsewhere_does_not_stop_the_procurement_checks(self) -> None:
        from addin.core.findings import Findings

        reader = Findings()
        reader.error("input_unknown_choice", "金额单位“美元”不是可选值", "基本信息!B4")
        reader.error("input_not_number", "实际值应为数字", "绩效指标!G5")
        stated = summary(("服务", "100", None, None), total=("合计", "90", "95", None))
        ev = evaluate(data(procurement=stated), reader)
        found = [f.code for f in ev.findings.errors]
        assert "procurement_category_sum" in found and "procurement_sme_exceeds_amount" in found
        reader = Findings()
        reader.error("input_not_number", "支出金额应为数字", "采购汇总!B5")
        ev = evaluate(data(procurement=stated), reader)
        assert "procurement_category_sum" not in [f.code for f in ev.findings]  # its own rows failed
        units = budget(budget_line("办本级", "100", "90", "90"), total=budget_line("合计", "120", "90", "90", row=5))
        ev = evaluate(data(budget=units), reader)
        assert "budget_units_vs_total" in [f.code for f in ev.findings.errors]  # units vs 合计 still checked


def test_a_blank_split_that_follows_from_the_total_row_is_no_doubt() -> None:
    stated = summary(("货物", "50", "50", "10"), ("服务", "50", None, None), total=("合计", "100", "80", "10"))
    ev = evaluate(data(procurement=stated))
    assert [f.code for f in ev.findings] == []
    assert ev.procurement.category("服务").sme == D(30)
