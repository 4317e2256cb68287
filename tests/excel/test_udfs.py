"""The JX_* worksheet functions: called directly, and through xlwings' server-side call path."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import xlwings as xw
from xlwings.server import custom_functions_call, custom_functions_meta

from addin import udfs
from addin.contract import schema
from addin.example.data import EXAMPLE_TABLES

from ..real_forms import CHONGQING_INDICATORS


def call(name: str, *args: Any) -> Any:
    """As Excel's Office.js client calls a custom function: every argument a 2-D matrix."""
    matrices = [a if isinstance(a, list) else [[a]] for a in args]
    data = {
        "func_name": name,
        "args": matrices,
        "version": xw.__version__,
        "client": "Office.js",
        "runtime": "1.4",
        "culture_info_name": "zh-CN",
        "date_format": "yyyy/m/d",
        "caller_address": "Sheet1!A1",
    }
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        result = asyncio.run(custom_functions_call(data, udfs))
    else:  # Playwright's sync API (the web tests, earlier in a run) leaves a loop marked running here
        with ThreadPoolExecutor(1) as pool:
            result = pool.submit(asyncio.run, custom_functions_call(data, udfs)).result()
    return result[0][0] if len(result) == 1 and len(result[0]) == 1 else result


def test_called_directly() -> None:
    assert udfs.JX_EXEC_RATE(9326.11, 9647.82) == 0.9667
    assert udfs.JX_SHARE(0, 0) == "-"
    assert udfs.JX_GRADE(97.96) == "优"
    assert udfs.JX_ROUND(0.125, 2) == 0.13
    assert udfs.JX_ROUND(2.675, 2) == 2.68


def test_exec_rate_over_ranges_with_blanks_text_numbers_and_a_zero_base() -> None:
    executed = [[6968.33], [None], ["951.87"], ["５９８.０２"], [807.89]]
    budget = [[7215.46], [986.20], [""], [612.58], ["833.58"]]
    assert call("JX_EXEC_RATE", executed, budget) == 0.9667
    # A unit beside plain numbers: the plain ones are in the workbook's 金额单位, which a
    # function is not told (in a 元 workbook the file reader converts 833.58万元): refused.
    budget[-1] = ["833.58万元"]
    assert call("JX_EXEC_RATE", executed, budget).startswith("错误：既有带单位（如“万元”）的金额")
    # Units on every amount settle it: 1 亿元 against 5,000 万元 is 200%.
    assert call("JX_EXEC_RATE", [["1亿元"]], [["5000万元"]]) == 2.0
    assert call("JX_EXEC_RATE", [["96.5%"]], 1).startswith("错误：“96.5%”是百分数，这里应为金额")
    assert call("JX_EXEC_RATE", 5, 0) == "-"
    assert call("JX_EXEC_RATE", [[None]], [[None]]) == "-"


def test_error_values_and_words_give_a_reason_not_value_error() -> None:
    assert call("JX_EXEC_RATE", [[1.0], ["#DIV/0!"]], 2) == "错误：输入含错误值 #DIV/0!"
    assert call("JX_SHARE", "约九千万", 100) == "错误：“约九千万”不是数字"
    assert call("JX_ROUND", 1.5, "两") == "错误：“两”不是数字"
    assert call("JX_GRADE", "#N/A") == "错误：输入含错误值 #N/A"


def test_share_is_presented_to_one_decimal() -> None:
    assert call("JX_SHARE", 1172.10, 1758.16) == 0.667
    assert call("JX_SHARE", [[126.34]], [[1172.1]]) == 0.108
    assert call("JX_SHARE", 0, 0) == "-"


@pytest.mark.parametrize(
    ("value", "digits", "expected"), [(0.125, 2, 0.13), (2.675, 2, 2.68), (-2.5, 0, -3.0), ("96.665", 2, 96.67)]
)
def test_round_half_up_on_the_decimal_value(value: Any, digits: int, expected: float) -> None:
    assert call("JX_ROUND", value, digits) == expected


def test_grade_boundaries() -> None:
    assert [call("JX_GRADE", s) for s in (97.96, 89.995, 89.99, 60, 59.99)] == ["优", "优", "良", "中", "差"]


def _with_header(spec: schema.TableSpec, rows: list[list[Any]]) -> list[list[Any]]:
    return [list(spec.headers), *[[("" if v is None else v) for v in r] for r in rows]]


def test_score_by_every_method() -> None:
    rules = _with_header(schema.RULES, EXAMPLE_TABLES["tblRules"])
    assert call("JX_SCORE", "比率", 5, 1.0, 0.92) == 4.6
    assert call("JX_SCORE", "比率", 10, "≤10%", 0.0487, "反向") == 10
    assert call("JX_SCORE", "比率", 10, 0.1, 0, "反向") == 10  # reverse with actual 0
    assert call("JX_SCORE", "满意度区间", 10, 0.95, 0.92, "正向", rules) == 9.5
    assert call("JX_SCORE", "完成率扣分", 5, "≥98%", 0.973, "正向", rules) == 4.86
    assert call("JX_SCORE", "定性", 5, "", 4) == 4
    assert (
        call("JX_SCORE", "定性", 5, "", 6) == "错误：指标“该指标”的自评得分 6 超出 0～5（分值）：请改为不超过分值的得分"
    )
    assert call("JX_SCORE", "不适用", 5, "", "") == "不适用"
    assert call("JX_SCORE", "无此规则", 5, 1, 1, "正向", rules).startswith(
        "错误：指标“该指标”的计分方法“无此规则”既不是比率/定性/不适用/得分系数，也不是计分规则中的规则名称"
    )


def _example(table: str) -> list[list[Any]]:
    return _with_header(next(s for s in schema.ALL_TABLES if s.table == table), EXAMPLE_TABLES[table])


EXAMPLE_TOTAL_ARGS = ("tblIndicators", "tblRules", "tblBudget", "tblContracts", "tblProcurement", "tblInfo")


def test_total_score_of_the_example_is_the_reports() -> None:
    """使用说明's advertised formula on the example: 97.96, the reference figure, with the
    预算调整率, 预算执行率, 支出进度 and 中小企业合同占比 actuals computed from the tables."""
    assert call("JX_TOTAL_SCORE", *[_example(t) for t in EXAMPLE_TOTAL_ARGS]) == 97.96
    assert call("JX_GRADE", call("JX_TOTAL_SCORE", *[_example(t) for t in EXAMPLE_TOTAL_ARGS])) == "优"


def test_total_score_names_the_table_a_computed_actual_needs() -> None:
    """Without tblBudget the 预算调整率 row has no actual: a reason naming the argument to add,
    never a score from the typed cells; and JX_GRADE passes the reason on as it is."""
    indicators, rules = _example("tblIndicators"), _example("tblRules")
    reason = call("JX_TOTAL_SCORE", indicators, rules)
    assert reason == "错误：指标“预算调整率”的数据来源“预算调整率”要由 tblBudget[#All] 计算：请在公式中加上该参数"
    assert call("JX_GRADE", reason) == reason
    assert call("JX_ROUND", reason, 2) == reason
    reason = call("JX_TOTAL_SCORE", indicators, rules, _example("tblBudget"))
    assert "请在公式中加上参数 tblInfo[#All]" in reason
    reason = call("JX_TOTAL_SCORE", indicators, rules, _example("tblBudget"), "", "", _example("tblInfo"))
    assert "“中小企业合同占比”要由 tblContracts[#All]、tblProcurement[#All] 计算" in reason


def test_procurement_is_a_dynamic_array_by_category() -> None:
    contracts = _with_header(schema.CONTRACTS, [[*r[:5], "", ""] for r in EXAMPLE_TABLES["tblContracts"]])
    table = call("JX_PROCUREMENT", contracts)
    assert table[0][0] == "采购类别" and len(table) == 5
    rows = {r[0]: r[1:] for r in table[1:]}
    assert rows["货物"] == [213.53, 213.53, 1.0, 86.4, 0.405]
    assert rows["工程"] == [0.0, 0.0, "-", 0.0, "-"]
    assert rows["服务"][:3] == [1544.63, 958.57, 0.621]
    assert rows["合计"] == [1758.16, 1172.1, 0.667, 126.34, 0.108]


def test_every_function_is_listed_with_its_description() -> None:
    meta = custom_functions_meta(udfs)
    functions = {f["name"]: f for f in meta["functions"]}
    assert set(functions) == {
        "JX_EXEC_RATE",
        "JX_SHARE",
        "JX_PROCUREMENT",
        "JX_SCORE",
        "JX_TOTAL_SCORE",
        "JX_GRADE",
        "JX_ROUND",
        "JX_EXECUTION_RATE",
        "JX_SPENDING_PROGRESS",
        "JX_SME_SHARE",
    }
    for function in functions.values():
        assert function["description"] and not function["description"].startswith("Python function")
        for parameter in function["parameters"]:
            assert not parameter["description"].startswith("Positional argument"), (function["name"], parameter)


def test_score_by_the_published_rule_shapes_and_the_coefficient() -> None:
    rules = _with_header(
        schema.RULES,
        [
            ["每相差3%扣1分", "扣分", "目标值", None, None, 1, 3],
            ["超过30%不得分", "超额", None, 0.3, None, None, None],
            ["调剂率线性", "线性", None, 0.1, 10, None, None],
            ["每例扣1分", "扣分", 0, 0, None, 1, None],
        ],
    )
    assert call("JX_SCORE", "每相差3%扣1分", 10, "95%", "89.07%", "正向", rules) == 9
    assert call("JX_SCORE", "每相差3%扣1分", 10, "", 0.9, "正向", rules).startswith(
        "错误：指标“该指标”：规则“每相差3%扣1分”以目标值为准"
    )
    assert call("JX_SCORE", "超过30%不得分", 10, 100, 131, "正向", rules) == 0
    assert call("JX_SCORE", "超过30%不得分", 10, 100, 90, "正向", rules) == 9
    assert call("JX_SCORE", "调剂率线性", 5, "", 0.05, "正向", rules) == 2.5
    # Per occurrence on a count: 2 cases cost 2 of 3 points. Bare 0 and 2 do not say whether a
    # point is 1 or 1%, and the sheet decides by the indicator's name: given, or a unit, it scores.
    assert call("JX_SCORE", "每例扣1分", 3, "0例", "2例", "反向", rules) == 1
    assert call("JX_SCORE", "每例扣1分", 3, 0, 2, "反向", rules, "", "安全事故起数") == 1
    assert "请在目标值中写明单位" in call("JX_SCORE", "每例扣1分", 3, 0, 2, "反向", rules)
    assert call("JX_SCORE", "得分系数", 10, "100%", 0.76, "正向", None, "76%") == 7.6
    assert call("JX_SCORE", "得分系数", 10, "", "", "正向", None, 76).startswith(
        "错误：指标“该指标”的得分系数 76 超出 0～100%"
    )


def test_total_score_reads_the_coefficient_column() -> None:
    indicators = _with_header(schema.INDICATORS, CHONGQING_INDICATORS)
    info = _with_header(schema.INFO, [["部门名称", "某局"], ["评价年度", 2023], ["指标总分", 30]])
    assert call("JX_TOTAL_SCORE", indicators, "", "", "", "", info) == 27.6
    # Without tblInfo the 指标总分 is the default 100, and the reason says how to give it.
    assert "请在公式中加上参数 tblInfo[#All]" in call("JX_TOTAL_SCORE", indicators)


def test_the_functions_refuse_what_the_file_reader_refuses() -> None:
    """A negative amount (the reader's input_negative) and a grade for a score outside 0…指标总分."""
    negative = "错误：金额为负数 -951.87：金额不能为负"
    assert call("JX_EXEC_RATE", [[6968.33], [-951.87]], [[7215.46], [986.2]]).startswith(negative)
    assert call("JX_EXEC_RATE", [[6968.33], ["-951.87"]], [[7215.46], [986.2]]).startswith(negative)
    assert call("JX_EXEC_RATE", -100, 1000).startswith("错误：金额为负数 -100")
    assert call("JX_SHARE", 5, -100).startswith("错误：金额为负数 -100")
    assert call("JX_EXEC_RATE", [[0.0]], [[5.0]]) == 0  # zero is an amount
    assert call("JX_GRADE", 120) == "错误：自评总分 120 超出 0～100（指标总分）：请检查总分，或填写指标总分"
    assert call("JX_GRADE", -5).startswith("错误：自评总分 -5 超出 0～100")
    assert call("JX_GRADE", 31, 30).startswith("错误：自评总分 31 超出 0～30")
    assert call("JX_GRADE", 100) == "优" and call("JX_GRADE", 27.6, 30) == "优" and call("JX_GRADE", 0) == "差"


def test_an_actual_typed_as_a_bound_is_refused_as_in_the_sheet() -> None:
    """JX_SCORE reads its row as 绩效指标 does: ">60" or "60以上" is no actual (the sheet's error)."""
    for typed in (">60", "60以上", "约65"):
        reason = call("JX_SCORE", "比率", 10, 60, typed)
        assert isinstance(reason, str) and "实际值应填写实际完成的确数" in reason, reason
    assert call("JX_SCORE", "比率", 10, 60, "65") == 10


def test_the_figure_functions_say_what_the_report_says_and_name_what_they_need() -> None:
    """JX_EXECUTION_RATE, JX_SPENDING_PROGRESS and JX_SME_SHARE state the report's figure of whole
    tables: the example's 96.67%, 97.02% and 66.7%; 未填报 and "-" as the report says them; a
    table left out named, and another function's reason passed on as it is."""
    budget, info = _example("tblBudget"), _example("tblInfo")
    contracts, procurement = _example("tblContracts"), _example("tblProcurement")
    assert call("JX_EXECUTION_RATE", budget, info) == 0.9667
    assert call("JX_SPENDING_PROGRESS", budget, info) == 0.9702
    assert call("JX_SME_SHARE", contracts, procurement, info) == 0.667
    assert call("JX_SME_SHARE", "", procurement, info) == 0.667  # the summary alone
    no_spent = [[*row[:5], "", *row[6:]] for row in budget]
    assert call("JX_SPENDING_PROGRESS", no_spent, info) == "未填报"
    zero = [budget[0], ["某单位", "本级", 0, 0, 0, 0, ""]]
    assert call("JX_EXECUTION_RATE", zero, info) == "-"
    assert call("JX_EXECUTION_RATE", budget) == (
        "错误：该数据按基本信息中的执行率口径和金额单位计算：请在公式中加上参数 tblInfo[#All]"
    )
    assert call("JX_EXECUTION_RATE", "", info) == "错误：请提供预算执行表，如 tblBudget[#All]"
    assert call("JX_SME_SHARE", "", "", info) == (
        "错误：请提供采购合同表或采购汇总表，如 tblContracts[#All]、tblProcurement[#All]"
    )
    reason = call("JX_TOTAL_SCORE", _example("tblIndicators"))
    assert call("JX_EXECUTION_RATE", [*budget, [reason, "", "", "", "", "", ""]], info) == reason
