"""The subset of Excel's formula language evaluated for JX_* formulas saved without a result."""

from __future__ import annotations

from typing import Any

import pytest

from addin.formula_expr import NotComputable, evaluate, parse

# tblProcurement as a clerk fills it with a 合计 row (its own totals, which the template's quick
# check of the SME share reads when present).
TABLE = {
    "T[采购类别]": [["货物"], ["工程"], ["服务"], ["合计"]],
    "T[授予中小企业合同金额]": [[213.53], [0.0], [958.57], [1172.1]],
    "T[支出金额]": [[213.53], [None], [1544.63], [1758.16]],
    "A1": [[2.0]],
    "B1": [["#DIV/0!"]],
    "C1": [[None]],
}


def share(part: Any, whole: Any) -> Any:
    cells = [c for row in (part if isinstance(part, list) else [[part]]) for c in row]
    total = [c for row in (whole if isinstance(whole, list) else [[whole]]) for c in row]
    return round(sum(c or 0 for c in cells) / sum(c or 0 for c in total), 3)


def calc(formula: str) -> Any:
    def resolve(text: str) -> list[list[Any]]:
        if text not in TABLE:
            raise NotComputable(f"no {text}")
        return TABLE[text]

    return evaluate(parse(formula), resolve, {"JX_SHARE": lambda args: share(*args)})


def test_the_templates_sme_share_check_reads_the_total_row_when_there_is_one() -> None:
    formula = (
        'IF(COUNTIF(T[采购类别],"合计")>0,JX_SHARE(SUMIFS(T[授予中小企业合同金额],T[采购类别],"合计"),'
        'SUMIFS(T[支出金额],T[采购类别],"合计")),JX_SHARE(T[授予中小企业合同金额],T[支出金额]))'
    )
    assert calc(formula) == 0.667
    assert calc('COUNTIF(T[采购类别],"合计")') == 1.0


@pytest.mark.parametrize(
    ("formula", "expected"),
    [
        ("1+2*3", 7.0),
        ("(1+2)*3", 9.0),
        ("-A1+1", -1.0),
        ("2>1", True),
        ('"b">"A"', True),  # text compares without case
        ('1<"a"', True),  # numbers sort before text
        ("C1=0", True),  # a blank is 0 beside a number
        ('C1=""', True),  # and "" beside text
        ('"x"&A1&TRUE', "x2TRUE"),
        ('IF(A1>1,"大")', "大"),
        ('IF(A1>5,"大")', False),
        ("IF(A1>5,1,)", 0.0),
        ("IF(A1>1,1,NOPE(1))", 1.0),  # only the branch taken is evaluated, as in Excel
        ("SUM(T[支出金额],A1,1)", 3519.32),
        ('SUMIF(T[采购类别],"<>合计",T[支出金额])', 1758.16),
        ('COUNTIF(T[采购类别],"?物")', 1.0),
        ('COUNTIF(T[采购类别],"*")', 4.0),
        ('COUNTIF(T[授予中小企业合同金额],">=213.53")', 3.0),
        ("COUNTIF(T[授予中小企业合同金额],0)", 1.0),
        ('SUMIFS(T[支出金额],T[采购类别],"货物",T[授予中小企业合同金额],">0")', 213.53),
    ],
)
def test_expressions(formula: str, expected: Any) -> None:
    value = calc(formula)
    assert value == pytest.approx(expected) if isinstance(expected, float) else value == expected


@pytest.mark.parametrize(
    "formula",
    [
        "1/0",
        "B1+1",  # an error value in arithmetic
        "SUM(B1)",
        '"a"+1',
        'IF("x",1,2)',
        "VLOOKUP(1,A1,1)",
        "T[采购类别]+1",  # a range in arithmetic
        "1+",
        "SUM(1,2",
        "A1 A1",
        "SUMIFS(T[支出金额],T[采购类别])",
    ],
)
def test_what_is_outside_the_subset_is_not_computed(formula: str) -> None:
    with pytest.raises(NotComputable):
        calc(formula)


def test_references_in_a_formula() -> None:
    seen: list[str] = []

    def resolve(text: str) -> list[list[Any]]:
        seen.append(text)
        return [[1.0]]

    formula = "SUM('My ''Sheet'!A1:B2,预算执行!$E$4,tblBudget[[#Data],[执行数]],tblRules[#All],Tbl)"
    assert evaluate(parse(formula), resolve, {}) == 5.0
    assert seen == ["'My ''Sheet'!A1:B2", "预算执行!$E$4", "tblBudget[[#Data],[执行数]]", "tblRules[#All]", "Tbl"]


@pytest.mark.parametrize(
    ("formula", "value"),
    [
        ("ROUND(2.675,2)", 2.68),  # the decimal value the cell shows, not the binary float below it
        ("ROUND(-2.5,0)", -3.0),  # half away from zero, as Excel
        ("ROUND(1234.5,-2)", 1200.0),
        ("ROUNDUP(1.201,2)", 1.21),
        ("ROUNDUP(-1.201,2)", -1.21),
        ("ROUNDDOWN(1.299,1)", 1.2),
        ("ABS(-A1)", 2.0),
        ("MIN(T[支出金额])", 213.53),  # the blank cell is passed over, as Excel does
        ("MAX(T[支出金额],2000)", 2000.0),
        ("AVERAGE(T[授予中小企业合同金额])", 586.05),
        ("ROUND(JX_SHARE(T[授予中小企业合同金额],T[支出金额])*100,0)", 67.0),
    ],
)
def test_the_functions_clerks_put_around_jx_results(formula: str, value: float) -> None:
    assert calc(formula) == pytest.approx(value)


def test_the_new_functions_refuse_what_excel_shows_as_an_error() -> None:
    for formula in ("AVERAGE(C1)", "MIN(B1)", "ROUND(A1)", 'ABS("x")'):
        with pytest.raises(NotComputable):
            calc(formula)
