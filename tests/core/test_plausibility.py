"""Magnitude checks (core/plausibility.py): an amount that cannot be in the workbook's 金额单位
is a warning naming the cell and the suspected unit; the figures are computed as typed."""

from dataclasses import replace
from decimal import Decimal as D

from addin.core import Findings, evaluate
from addin.core.budget import budget_figures
from addin.core.model import DepartmentData, Info
from addin.core.plausibility import check_magnitudes

from .factories import budget, budget_line, indicator, ledger, summary

INFO = Info(department="测试部门", year=2023)
UNITS = budget(
    budget_line("办本级", "7215.46", "6968.33", "6990.12"),
    budget_line("友协", "986.20", "951.87", "958.40", row=5),
    budget_line("翻译室", "612.58", "598.02", "601.15", row=6),
    budget_line("交流中心", "833.58", "807.89", "810.58", row=7),
)


def data(**parts) -> DepartmentData:  # type: ignore[no-untyped-def]
    base = DepartmentData(
        info=INFO, budget=UNITS, contracts=None, procurement=None, indicators=[indicator("a", "100")], rules=[]
    )
    return replace(base, **parts)


def found(d: DepartmentData) -> list[tuple[str, str]]:
    return [(f.code, f.location) for f in evaluate(d).findings if f.code.startswith("plausibility_")]


def test_a_contract_typed_in_yuan_names_its_cell_and_the_unit() -> None:
    contracts = ledger(("服务", "86.40", "小型"), ("服务", "5860600", "大型"), ("货物", "9400", "中型"))
    ev = evaluate(data(contracts=contracts))
    warnings = [f for f in ev.findings if f.code.startswith("plausibility_")]
    code = "plausibility_contract_exceeds_budget"
    assert [(f.code, f.location) for f in warnings] == [(code, "采购合同!D5"), (code, "采购合同!D6")]
    assert "疑似按元填写，本表金额单位为万元" in warnings[0].message
    assert "5,860,600.00 万元" in warnings[0].message and "9,326.11 万元" in warnings[0].message
    # 9,400 is above 9,326.11 too, but as a multi-year contract may be: checked, not converted.
    assert "疑似" not in warnings[1].message and "请核实（跨年度合同按合同总额填写时可能如此" in warnings[1].message
    assert ev.ok and str(ev.procurement.total) == "5870086.40"  # computed as typed, never silently


def test_a_category_or_the_total_above_the_departments_spending() -> None:
    stated = summary(("货物", "213.53", None, None), ("服务", "15446300", None, None))
    assert found(data(procurement=stated)) == [("plausibility_category_exceeds_budget", "采购汇总!B5")]
    # No single amount above it, the sum is: the total is named at the amount header.
    spread = ledger(*[("服务", "5000", "大型")] * 2)
    assert found(data(contracts=spread)) == [("plausibility_procurement_exceeds_budget", "采购合同!D3")]
    # Nothing executed: the 全年预算数 is the reference.
    idle = budget(budget_line("办本级", "100", "0", "0"))
    assert found(data(budget=idle, contracts=ledger(("服务", "150", "大型")))) == [
        ("plausibility_contract_exceeds_budget", "采购合同!D4")
    ]


def test_a_unit_row_in_yuan_is_named_against_the_others_median() -> None:
    lines = list(UNITS.lines)
    lines[0] = budget_line("办本级", "72154600", "69683300", "69901200")
    ev = evaluate(data(budget=budget(*lines)))
    warnings = [f for f in ev.findings if f.code == "plausibility_unit_magnitude"]
    assert [f.location for f in warnings] == ["预算执行!D4"]
    assert "833.58 万元" in warnings[0].message and "疑似按元填写" in warnings[0].message
    # 4999 times the median is a department with one large unit, not a unit in 元.
    lines[0] = budget_line("办本级", str(D("833.58") * 4999), "1", "1")
    assert found(data(budget=budget(*lines))) == []


def test_two_units_and_a_zero_median() -> None:
    two = budget(budget_line("甲", "10000000", "1", "1"), budget_line("乙", "10", "1", "1", row=5))
    assert found(data(budget=two)) == [("plausibility_unit_magnitude", "预算执行!D4")]
    zero = budget(budget_line("甲", "100", "1", "1"), budget_line("乙", "0", "0", "0", row=5))
    assert found(data(budget=zero)) == []
    assert found(data(budget=budget(budget_line("甲", "100000000", "1", "1")))) == []  # one unit: no median


def test_the_suspected_unit_follows_the_amount_unit() -> None:
    contracts = ledger(("服务", "9000000", "大型"))
    for unit, words in (
        ("亿元", "疑似按元或万元填写，本表金额单位为亿元"),
        ("元", "疑似金额单位有误，本表金额单位为元"),
    ):
        ev = evaluate(data(info=replace(INFO, amount_unit=unit), contracts=contracts))
        assert any(words in f.message for f in ev.findings if f.code.startswith("plausibility_"))


def test_a_budget_sheet_with_unreadable_rows_gives_no_reference() -> None:
    findings = Findings()
    lines = UNITS.lines
    check_magnitudes(
        lines,
        budget_figures(UNITS),
        ledger(("服务", "90000", "大型")),
        None,
        D(90000),
        "万元",
        findings,
        complete_budget=False,
    )
    assert list(findings) == []


def test_one_column_of_a_unit_in_yuan_and_an_initial_budget_in_yuan() -> None:
    """年初预算数 alone in 元 would make 预算调整率 −99.99% (full marks on a 反向 row), silently."""
    lines = list(UNITS.lines)
    lines[1] = budget_line("友协", "986.20", "951.87", "958.40", initial="9500000", row=5)
    assert found(data(budget=budget(*lines))) == [("plausibility_unit_magnitude", "预算执行!C5")]
    single = budget(budget_line("委托业务项目", "89.974", "89.974", None, initial="900000"))
    ev = evaluate(data(budget=single))
    [warning] = [f for f in ev.findings if f.code == "plausibility_unit_magnitude"]
    assert warning.location == "预算执行!C4" and "本单位全年预算数 89.974 万元" in warning.message
    fine = budget(budget_line("某专项", "251.89", "251.89", None, initial="238.93"))
    assert found(data(budget=fine)) == []


def test_a_name_with_braces_is_only_text() -> None:
    lines = list(UNITS.lines)
    lines[0] = budget_line("办本级{0}{first}", "72154600", "69683300", "69901200")
    [warning] = [f for f in evaluate(data(budget=budget(*lines))).findings if f.code == "plausibility_unit_magnitude"]
    assert warning.message.startswith("单位“办本级{0}{first}”全年预算数 72,154,600.00 万元")


def test_the_median_of_the_others_is_the_plain_median() -> None:
    import random
    import statistics

    from addin.core.plausibility import _median_without

    rng = random.Random(7)
    for size in (2, 3, 4, 5, 10, 11):
        values = sorted(D(rng.randint(0, 1000)) / 100 for _ in range(size))
        for k in range(size):
            others = values[:k] + values[k + 1 :]
            assert _median_without(values, k) == statistics.median(others)


def _messages(d: DepartmentData) -> list[str]:
    return [f.message for f in evaluate(d).findings if f.code.startswith("plausibility_")]


def test_one_large_unit_beside_small_ones_is_an_ordinary_department() -> None:
    """区教育局: 本级 126,500.37 万元 (with its transfer payments) beside eight kindergartens of
    ~100 万元 is 1240 times their median: no warning; the same row in 元 (×10,000) is one."""
    small = [budget_line(f"第{i + 1}幼儿园", str(98 + i), str(96 + i), str(96 + i), row=5 + i) for i in range(8)]
    bureau = budget_line("区教育局本级", "126500.37", "121880.16", "121880.16")
    assert _messages(data(budget=budget(bureau, *small))) == []
    in_yuan = budget_line("区教育局本级", "1265003700", "1218801600", "1218801600")
    [message] = _messages(data(budget=budget(in_yuan, *small)))
    assert "5000 倍以上：疑似按元填写" in message and "请换算该行各金额" in message


def test_a_multi_year_contract_above_the_years_spending_is_checked_not_converted() -> None:
    """A 3-year 物业服务 contract of 9,800 万元 against 执行数 9,326.11 万元."""
    contracts = ledger(("服务", "86.40", "小型"), ("服务", "9800", "大型"), ("货物", "213.53", "中型"))
    [message] = _messages(data(contracts=contracts))
    assert message.startswith("合同金额 9,800.00 万元超过本部门全年执行数 9,326.11 万元：请核实")
    assert "疑似" not in message and "请换算" not in message
    # The same contract typed in 元 is 98,000,000: a unit slip, said so.
    slipped = ledger(("服务", "86.40", "小型"), ("服务", "98000000", "大型"), ("货物", "213.53", "中型"))
    [message] = _messages(data(contracts=slipped))
    assert "疑似按元填写" in message and "如是，请换算" in message


def test_a_category_or_the_total_a_few_times_the_department_is_checked_not_converted() -> None:
    stated = summary(("货物", "213.53", None, None), ("服务", "12000", None, None))
    [message] = _messages(data(procurement=stated))
    assert "请核实金额及金额单位" in message and "疑似" not in message
    small = budget(budget_line("办本级", "200", "193.33", "193.33"))
    spread = ledger(*[("服务", "150", "大型")] * 2)
    [message] = _messages(data(budget=small, contracts=spread))
    assert message.startswith("政府采购支出总额 300.00 万元超过本部门全年执行数 193.33 万元：请核实")
