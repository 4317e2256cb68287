from decimal import Decimal as D

import pytest

from addin.contract.coerce import Coercer, parse_number_text
from addin.core.findings import Findings


@pytest.mark.parametrize(
    ("text", "value", "suffix"),
    [
        ("1,234.56", "1234.56", ""),
        ("９６４７．８２", "9647.82", ""),  # full-width digits and point
        ("9,647.82万元", "9647.82", "万元"),
        ("  9647.82 ", "9647.82", ""),
        ("9647.82\u3000", "9647.82", ""),  # ideographic space
        ("96.67%", "96.67", "%"),
        ("￥1,000", "1000", ""),
        ("-5", "-5", ""),
        (".5", "0.5", ""),
        ("12元", "12", "元"),
        ("33,929.6亿元", "33929.6", "亿元"),
        ("1.2亿", "1.2", "亿元"),
    ],
)
def test_numbers_written_as_text(text: str, value: str, suffix: str) -> None:
    assert parse_number_text(text) == (D(value), suffix)


@pytest.mark.parametrize("text", ["约九千万", "—", "1,23,4", "12..3", "", "abc", "1 2"])
def test_text_that_is_not_a_number(text: str) -> None:
    assert parse_number_text(text) is None


def test_text_number_is_accepted_with_a_warning_naming_the_cell() -> None:
    findings = Findings()
    assert Coercer(findings).amount("1,234.56", "预算执行!D4", "全年预算数") == D("1234.56")
    assert [(f.severity.value, f.location) for f in findings] == [("warning", "预算执行!D4")]
    assert "1234.56" in findings[0].message


def test_non_number_is_an_error_saying_what_is_expected() -> None:
    findings = Findings()
    assert Coercer(findings).amount("约九千万", "预算执行!E4", "执行数") is None
    error = findings.errors[0]
    assert error.location == "预算执行!E4" and "约九千万" in error.message and "金额" in error.message


def test_unit_suffix_is_converted_to_the_workbook_unit() -> None:
    findings = Findings()
    assert Coercer(findings, "元").amount("1.5万元", "x!A1", "合同金额") == D("15000.0")
    assert Coercer(findings, "万元").amount("15000元", "x!A1", "合同金额") == D("1.5")
    assert [f.code for f in findings] == ["input_unit_converted", "input_unit_converted"]
    assert Coercer(findings, "万元").amount("3.39296亿元", "x!A1", "支出金额") == D("33929.6")
    assert Coercer(findings, "亿元").amount("25,239.8万元", "x!A1", "支出金额") == D("2.52398")


def test_a_unit_suffix_cannot_be_converted_when_the_workbook_unit_is_unknown() -> None:
    findings = Findings()
    assert Coercer(findings, "").amount("1.5万元", "采购汇总!B4", "支出金额") is None
    assert [(f.code, f.location) for f in findings.errors] == [("input_unit_unknown", "采购汇总!B4")]


def test_negative_amount_is_an_error() -> None:
    findings = Findings()
    assert Coercer(findings).amount(-3.0, "x!A1", "合同金额") is None
    assert findings.errors[0].code == "input_negative"


@pytest.mark.parametrize("error", ["#DIV/0!", "#N/A", "#REF!", "#VALUE!"])
def test_excel_error_values_are_errors(error: str) -> None:
    findings = Findings()
    assert Coercer(findings).number(error, "x!A1", "实际值") is None
    assert findings.errors[0].code == "input_error_value" and error in findings.errors[0].message


def test_percent_text_in_a_number_column() -> None:
    findings = Findings()
    assert Coercer(findings).number("95%", "x!A1", "下限") == D("0.95")


def test_values_keep_the_clerks_wording() -> None:
    c = Coercer(Findings())
    assert c.value("≥95%", "x!A1", "目标值") == (D("0.95"), "≥95%")
    assert c.value("影响显著", "x!A1", "目标值") == (None, "影响显著")
    assert c.value(65.0, "x!A1", "实际值") == (D(65), "65")


@pytest.mark.parametrize(("typed", "meant"), [("中型企业", "中型"), ("服务类", "服务"), (" 货物 ", "货物")])
def test_choices_with_plain_meaning_are_accepted_with_a_note(typed: str, meant: str) -> None:
    findings = Findings()
    assert Coercer(findings).choice(typed, "x!A1", "采购类别", ("货物", "工程", "服务", "中型")) == meant


@pytest.mark.parametrize("typo", ["小形", "货品"])
def test_typos_in_choices_are_errors_listing_the_choices(typo: str) -> None:
    findings = Findings()
    assert Coercer(findings).choice(typo, "采购合同!E5", "供应商规模", ("大型", "中型", "小型", "微型")) is None
    assert "大型/中型/小型/微型" in findings.errors[0].message and findings.errors[0].location == "采购合同!E5"
