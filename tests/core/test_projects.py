"""Project self-evaluation: 执行率, 执行率得分, indicator scores by the department's engine,
totals, grades and the form's checks, on published 项目支出绩效自评表 (see project_forms.py)
and on the example's projects."""

from __future__ import annotations

import copy
from decimal import Decimal as D
from typing import Any

import pytest

from addin.core import Evaluation
from addin.core.projects import ProjectFigures
from addin.example.data import EXAMPLE_TABLES
from addin.workbook.template import evaluate_tables

from . import project_forms as forms

Tables = dict[str, list[list[Any]]]


def with_projects(projects: Tables | None = None, **tables: list[list[Any]]) -> Tables:
    data: Tables = copy.deepcopy(EXAMPLE_TABLES)
    data.update(copy.deepcopy(projects if projects is not None else forms.public_forms()))
    data.update(copy.deepcopy(tables))
    return data


def project(ev: Evaluation, name: str) -> ProjectFigures:
    return next(p for p in ev.projects.projects if p.project.name == name)


def project_json(ev: Evaluation, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in ev.as_json()["projects"] if p["name"] == name)
    return found


def codes(ev: Evaluation) -> list[str]:
    return [f.code for f in ev.findings if f.code.startswith(("project_", "score_"))]


# -- public forms ------------------------------------------------------------------------------


@pytest.mark.parametrize("initial", [90, 0, 120, None])
def test_chizhou_89_974_of_89_974_is_100_percent_and_10_points_whatever_the_initial_budget(initial: Any) -> None:
    funds = [[forms.CHIZHOU, "财政拨款", initial, 89.974, 89.974]]
    ev = evaluate_tables(with_projects(tblProjectFunds=funds + forms.QINGSHEN_FUNDS))
    assert ev.ok, [f.as_line() for f in ev.findings]
    p = project_json(ev, forms.CHIZHOU)
    assert p["budget"]["total"] == "89.97" and p["budget"]["executed"] == "89.97"  # 89.974 → 89.97
    assert p["budget"]["execution_rate"] == "100.00"
    assert p["execution_score"] == "10.00"
    assert p["score"]["total"] == "100.00" and p["score"]["grade"] == "优"
    assert project(ev, forms.CHIZHOU).funds.total == D("89.974")  # exact, rounded only when shown
    # read as the form prints them: “≥50个” a count, “≥100百分比” a rate whose actual 100 is
    # percent points (a warning naming the cell), “≤90万元” in the workbook's 万元
    points = [f for f in ev.findings if f.code == "input_percent_points"]
    assert [f.location for f in points] == ["项目指标!H5"]
    assert [r.score for r in project(ev, forms.CHIZHOU).score.indicators[:5]] == [8] * 5  # type: ignore[union-attr]


def test_chizhou_as_published_a_zero_total_row_over_a_filled_source_is_an_error_naming_both() -> None:
    ev = evaluate_tables(with_projects(tblProjectFunds=forms.CHIZHOU_FUNDS_AS_PUBLISHED + forms.QINGSHEN_FUNDS))
    assert not ev.ok
    errors = [f for f in ev.findings.errors if f.code == "project_fund_total"]
    # 年初预算数, 全年预算数 and 全年执行数 of the total row, each naming the 财政拨款 row too
    assert [f.location for f in errors] == ["项目资金!C4", "项目资金!D4", "项目资金!E4"]
    # each naming the 财政拨款 row's cell of its own column
    assert [f.message.count("项目资金!") for f in errors] == [1, 1, 1]
    assert all(
        f"项目资金!{c}5" in f.message and "委托业务项目" in f.message for f, c in zip(errors, "CDE", strict=True)
    )
    assert "0.00" in errors[1].message and "89.97" in errors[1].message
    # “其中：本年财政拨款” is the form's wording of 财政拨款: read as such, with a note
    assert any(f.code == "input_choice_normalised" and f.location == "项目资金!B5" for f in ev.findings)


def test_qingshen_238_93_251_89_251_89_is_100_percent_on_the_full_year_budget() -> None:
    ev = evaluate_tables(with_projects())
    assert ev.ok
    p = project_json(ev, forms.QINGSHEN)
    assert p["budget"] == {
        "initial": "238.93",
        "total": "251.89",
        "executed": "251.89",
        "execution_rate": "100.00",
        "sources": [
            {
                "source": "财政拨款",
                "initial": "238.93",
                "total": "251.89",
                "executed": "251.89",
                "execution_rate": "100.00",
                "notes": {},
            }
        ],
        "notes": {},
    }
    assert p["execution_score"] == "10.00" and p["score"]["total"] == "100.00"


def test_projects_json_has_the_contract_shape_and_the_department_indicator_keys() -> None:
    ev = evaluate_tables(with_projects())
    s = ev.as_json()
    assert [p["name"] for p in s["projects"]] == [forms.CHIZHOU, forms.QINGSHEN]
    for p in s["projects"]:
        assert set(p) == {"name", "budget", "execution_score", "score", "notes"}
        assert set(p["budget"]) == {"initial", "total", "executed", "execution_rate", "sources", "notes"}
        assert set(p["score"]) == {"total", "grade", "indicators"}
        assert all(set(i) == set(s["score"]["indicators"][0]) for i in p["score"]["indicators"])
    assert len(s["projects"][0]["score"]["indicators"]) == 10


def test_the_department_figures_are_those_of_the_reference_report() -> None:
    ev = evaluate_tables(with_projects())
    s = ev.as_json()
    assert (s["budget"]["execution_rate"], s["score"]["total"], s["procurement"]["sme_share"]) == (
        "96.67",
        "97.96",
        "66.7",
    )


# -- 执行率 and its score ------------------------------------------------------------------------


def test_a_project_that_spent_more_shows_its_rate_uncapped_and_a_capped_score() -> None:
    ev = evaluate_tables(copy.deepcopy(EXAMPLE_TABLES))
    p = project_json(ev, "国际友好城市交流合作项目")
    assert p["budget"]["execution_rate"] == "105.42"
    assert p["execution_score"] == "10.00"
    warning = next(f for f in ev.findings if f.code == "project_over_executed")
    assert warning.location == "项目资金!E7" and "105.42%" in warning.message


def test_execution_score_is_rate_times_its_weight() -> None:
    ev = evaluate_tables(copy.deepcopy(EXAMPLE_TABLES))
    p = project(ev, "外事翻译服务采购项目")
    assert p.execution_rate == D("183.6") / D("192")
    assert p.execution_score == D("183.6") / D("192") * 10
    assert project_json(ev, "外事翻译服务采购项目")["execution_score"] == "9.56"


def test_a_zero_budget_is_not_comparable_never_zero() -> None:
    tables = forms.public_forms()
    tables["tblProjectFunds"] = [[forms.CHIZHOU, "财政拨款", 90, 0, 0], *forms.QINGSHEN_FUNDS]
    ev = evaluate_tables(with_projects(tables))
    p = project_json(ev, forms.CHIZHOU)
    assert p["budget"]["execution_rate"] is None and p["execution_score"] is None
    assert p["score"]["total"] is None and p["score"]["grade"] is None
    warning = next(f for f in ev.findings if f.code == "project_rate_not_comparable")
    assert "基数为0，不可比" in warning.message and warning.location == "项目资金!D4"
    assert not project(ev, forms.CHIZHOU).complete


def test_the_execution_rate_basis_can_be_the_initial_budget() -> None:
    from addin.core.budget import BASIS_INITIAL
    from addin.core.findings import Findings
    from addin.core.projects import evaluate_projects

    ev = evaluate_tables(with_projects())
    assert ev.data.projects is not None

    def scorer(indicators, points, found):  # type: ignore[no-untyped-def]
        return project(ev, forms.QINGSHEN).score

    figures = evaluate_projects(ev.data.projects, scorer, Findings(), basis=BASIS_INITIAL)
    qingshen = next(p for p in figures.projects if p.project.name == forms.QINGSHEN)
    assert str(round(qingshen.execution_rate or 0, 4)) == "1.0542"  # 251.89 / 238.93
    assert qingshen.execution_score == 10


def test_the_execution_weight_changes_what_the_indicators_share() -> None:
    tables = forms.public_forms()
    tables["tblProjects"][1][3] = 20  # 执行率分值 20: the indicators must add up to 80
    ev = evaluate_tables(with_projects(tables))
    error = next(f for f in ev.findings.errors if f.code == "project_weights_total")
    assert "90" in error.message and "80" in error.message and error.location == "项目指标!E14"


# -- indicators: the department's rule kinds on projects ----------------------------------------


def test_the_example_projects_use_every_rule_kind() -> None:
    ev = evaluate_tables(copy.deepcopy(EXAMPLE_TABLES))
    assert ev.ok
    meetings = project(ev, "重要国际会议及活动保障经费")
    assert {r.indicator.method for r in meetings.score.indicators} == {"比率", "定性", "满意度区间"}  # type: ignore[union-attr]
    cost = meetings.score.indicators[3]  # type: ignore[union-attr]
    assert cost.indicator.direction == "反向" and cost.score == 5  # 19 万元 against ≤20: within target
    # 不适用 drops out and the other 80 points are rescaled to the 90 the indicators share
    cities = project(ev, "国际友好城市交流合作项目")
    assert cities.score is not None and cities.score.scale == D("1.125")
    satisfaction = cities.score.indicators[-1]
    assert satisfaction.raw == D("9.5")  # band [90%, 95%) of 满意度区间 gives 95% of 10
    assert satisfaction.score == D("10.6875")
    assert [p["score"]["total"] for p in ev.as_json()["projects"]] == ["99.89", "99.44", "98.96"]
    # 扣分: 95% against 完成率扣分 (98%, 0.2 per point) loses 0.6 of 15
    translation = project(ev, "外事翻译服务采购项目")
    assert translation.score is not None and translation.score.indicators[1].score == D("14.4")
    assert [r.indicator.level3 for r in translation.missed] == ["翻译稿件按时交付率"]


def test_a_qualitative_score_outside_zero_to_its_weight_is_an_error_naming_the_project() -> None:
    tables = forms.public_forms()
    tables["tblProjectIndicators"][2][9] = 12  # 经费支出合规性: 12 of 8
    ev = evaluate_tables(with_projects(tables))
    error = next(f for f in ev.findings.errors if f.code == "score_manual_out_of_range")
    assert error.location == "项目指标!J6"
    assert error.message.startswith(f"项目“{forms.CHIZHOU}”：") and "0～8" in error.message


def test_rules_are_compiled_and_reported_once_for_the_department_and_every_project() -> None:
    tables = with_projects()
    tables["tblRules"].append(["满意度区间", "区间", 0.5, 0.6, 0.5, None])  # leaves a gap below 0.80
    ev = evaluate_tables(tables)
    assert [f.code for f in ev.findings].count("rule_band_gap") == 1


# -- checks -------------------------------------------------------------------------------------


def test_a_missed_target_without_a_reason_is_a_warning_and_an_incomplete_evaluation() -> None:
    tables = forms.public_forms()
    tables["tblProjectIndicators"][-2][7] = 0.99  # 发放（缴纳）覆盖率 99% of =100%: 59.40 of 60
    ev = evaluate_tables(with_projects(tables))
    assert ev.ok
    warning = next(f for f in ev.findings if f.code == "project_missed_without_reason")
    assert warning.location == "项目指标!K14" and "59.40/60" in warning.message
    assert not project(ev, forms.QINGSHEN).complete and project(ev, forms.CHIZHOU).complete
    assert ev.projects.completion_rate == D("0.5")
    tables["tblProjectIndicators"][-2][10] = "个别人员当年新入职，次月起纳入发放"
    ev = evaluate_tables(with_projects(tables))
    assert "project_missed_without_reason" not in codes(ev) and ev.projects.completion_rate == 1


def test_indicator_and_fund_rows_naming_an_unlisted_project_are_errors() -> None:
    tables = forms.public_forms()
    tables["tblProjectFunds"].append(["委托业务项日", "财政拨款", 1, 1, 1])  # a typo of 委托业务项目
    tables["tblProjectIndicators"].append(
        ["另一个项目", "产出指标", "数量指标", "x", 1, "正向", 1, 1, "比率", None, ""]
    )
    tables["tblProjectIndicators"].append(
        ["另一个项目", "产出指标", "数量指标", "y", 1, "正向", 1, 1, "比率", None, ""]
    )
    ev = evaluate_tables(with_projects(tables))
    errors = [f for f in ev.findings.errors if f.code == "project_unknown"]
    assert [f.location for f in errors] == ["项目资金!A7", "项目指标!A16"]  # once per name
    assert "委托业务项日" in errors[0].message and "另一个项目" in errors[1].message


def test_project_rows_without_a_project_table_are_reported_not_lost() -> None:
    tables = forms.public_forms()
    tables["tblProjects"] = []
    ev = evaluate_tables(with_projects(tables))
    assert not ev.ok and {f.code for f in ev.findings.errors} == {"project_unknown"}
    assert ev.projects.projects == ()


def test_a_project_listed_without_funds_or_indicators_is_incomplete() -> None:
    tables = forms.public_forms()
    tables["tblProjects"].append(["尚未自评的项目", "某局", "某单位", 10, "", ""])
    ev = evaluate_tables(with_projects(tables))
    assert ev.ok
    assert {"project_no_funds", "project_no_indicators"} <= set(codes(ev))
    assert ev.projects.completed == 2 and str(ev.projects.completion_rate)[:6] == "0.6666"
    assert project_json(ev, "尚未自评的项目")["score"] == {"total": None, "grade": None, "indicators": []}


def test_duplicate_projects_and_repeated_sources_are_errors() -> None:
    tables = forms.public_forms()
    again = list(forms.QINGSHEN_PROJECT)
    again[2] = "另一实施单位"  # a row that differs: the same name twice
    tables["tblProjects"].append(again)
    tables["tblProjectFunds"].append([forms.CHIZHOU, "财政拨款", 1, 1, 1])
    ev = evaluate_tables(with_projects(tables))
    assert {f.code for f in ev.findings.errors} == {"project_duplicate", "project_fund_repeated"}
    # The same row pasted twice is the reader's error at the later row, read once.
    tables["tblProjects"][-1] = list(forms.QINGSHEN_PROJECT)
    ev = evaluate_tables(with_projects(tables))
    assert {f.code for f in ev.findings.errors} == {"input_row_repeated", "project_fund_repeated"}


def test_a_declared_total_over_the_projects_is_checked_against_their_sum() -> None:
    tables = forms.public_forms()
    tables["tblProjects"].append(["合计", "", "", None, "", ""])  # not a project
    tables["tblProjectFunds"].append(["合 计", "年度资金总额", None, 341.86, 341.86])  # 89.974 + 251.89 = 341.864
    ev = evaluate_tables(with_projects(tables))
    assert [p.project.name for p in ev.projects.projects] == [forms.CHIZHOU, forms.QINGSHEN]
    errors = [f for f in ev.findings.errors if f.code == "project_total_vs_sum"]
    assert [f.location for f in errors] == ["项目资金!D7", "项目资金!E7"]
    # a 0.004 difference is shown exactly, not as two equal amounts to the cent
    message = errors[0].message
    assert "341.860 万元" in message and "341.864 万元" in message and "相差 0.004 万元" in message
    tables["tblProjectFunds"][-1] = ["合计", "年度资金总额", None, 341.864, 341.864]
    assert evaluate_tables(with_projects(tables)).ok


def test_the_form_total_row_declares_the_points_and_the_typed_total_is_checked() -> None:
    tables = forms.public_forms()
    tables["tblProjectIndicators"].append([forms.QINGSHEN, "合计", "", "", 100, "", "", "", "", 99, ""])
    ev = evaluate_tables(with_projects(tables))
    assert ev.ok
    warning = next(f for f in ev.findings if f.code == "project_total_differs")
    assert warning.location == "项目指标!J16" and "100.00" in warning.message
    tables["tblProjectIndicators"][-1][4] = 120  # 120 points declared: the indicators add up to 90 (+10)
    ev = evaluate_tables(with_projects(tables))
    [error] = ev.findings.errors  # one error, at the total row's own cell
    assert error.code == "project_total_points" and error.location == "项目指标!E16"
    assert "120" in error.message and "90" in error.message and "100" in error.message


# -- the department's 项目绩效自评完成率 ---------------------------------------------------------


def test_the_department_indicator_takes_its_actual_from_the_projects() -> None:
    tables = with_projects()
    completion = next(row for row in tables["tblIndicators"] if row[2] == "项目绩效自评完成率")
    completion[7] = "项目绩效自评完成率"  # 数据来源 names the computed figure
    ev = evaluate_tables(tables)
    result = next(r for r in ev.score.indicators if r.indicator.level3 == "项目绩效自评完成率")
    assert result.actual == 1 and result.score == 5  # both public forms complete
    assert any(f.code == "score_actual_differs" for f in ev.findings)  # the typed 97.3% is replaced
    forms_tables = forms.public_forms()
    forms_tables["tblProjects"].append(["尚未自评的项目", "某局", "某单位", 10, "", ""])
    tables = with_projects(forms_tables)
    next(row for row in tables["tblIndicators"] if row[2] == "项目绩效自评完成率")[7] = "项目绩效自评完成率"
    ev = evaluate_tables(tables)
    result = next(r for r in ev.score.indicators if r.indicator.level3 == "项目绩效自评完成率")
    assert result.actual is not None and round(result.actual, 10) == round(D(2) / D(3), 10)
    # 完成率扣分: 98% lower bound, 0.2 per point below: 66.67% is 31.33 points short → 0
    assert result.score == 0


def test_without_project_tables_the_typed_actual_stands() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    for name in ("tblProjects", "tblProjectFunds", "tblProjectIndicators"):
        tables[name] = []
    ev = evaluate_tables(tables)
    assert ev.projects.projects == () and ev.as_json()["projects"] == []
    assert ev.score.total is not None and str(round(ev.score.total, 2)) == "97.96"


# -- 执行率口径 and 得分系数 (DESIGN.md "Real report forms") apply to projects too ----------------


def test_the_workbook_execution_basis_applies_to_projects() -> None:
    tables = with_projects()
    next(row for row in tables["tblInfo"] if row[0] == "执行率口径")[1] = "年初预算数"
    ev = evaluate_tables(tables)
    qingshen = project_json(ev, forms.QINGSHEN)
    assert qingshen["budget"]["execution_rate"] == "105.42"  # 251.89 / 238.93, uncapped
    assert qingshen["execution_score"] == "10.00"  # capped at its 分值
    assert project_json(ev, forms.CHIZHOU)["budget"]["execution_rate"] == "99.97"  # 89.974 / 90
    assert ev.projects.basis == "年初预算数"


def test_a_project_indicator_scored_by_its_coefficient() -> None:
    tables = forms.public_forms()
    row = tables["tblProjectIndicators"][-1]  # 足额保障率（参保率）, 30 points
    row[8] = "得分系数"
    row.append(0.76)  # 得分系数 76% (the last, optional column)
    ev = evaluate_tables(with_projects(tables))
    result = project(ev, forms.QINGSHEN).score.indicators[-1]  # type: ignore[union-attr]
    assert result.score == D("22.8")  # 76% × 30
    assert project_json(ev, forms.QINGSHEN)["score"]["indicators"][-1]["coefficient"] == "76.00"
    assert project_json(ev, forms.QINGSHEN)["score"]["total"] == "92.80"
