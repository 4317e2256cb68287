"""Indicator scoring, 不适用 rescaling, dimensions and grade."""

from dataclasses import replace
from decimal import Decimal as D

import pytest

from addin.core.findings import Findings
from addin.core.scoring import grade, score_indicators

from .factories import indicator, rule


def score(indicators, rules=(), figures=None, total="100"):  # type: ignore[no-untyped-def]
    findings = Findings()
    result = score_indicators(list(indicators), list(rules), figures or {}, D(total), findings)
    return result, findings


def test_total_is_the_sum_of_unrounded_scores_presented_once() -> None:
    result, findings = score(
        [
            indicator("a", "50", target="3", actual="1"),  # 16.666…
            indicator("b", "50", target="3", actual="1", row=5),  # 16.666…
        ]
    )
    assert not findings
    assert result.total is not None
    assert str(result.total.quantize(D("0.01"))) == "33.33"  # not 16.67 + 16.67 = 33.34


def test_not_applicable_drops_out_and_rescales_to_the_same_total() -> None:
    result, findings = score(
        [
            indicator("a", "40", target="1", actual="0.5"),
            indicator("b", "40", row=5),
            indicator("c", "20", method="不适用", actual=None, row=6),
        ]
    )
    assert not findings
    a, b, c = result.indicators
    assert (a.weight, b.weight, c.weight) == (D(50), D(50), D(0))
    assert a.score == D(25) and b.score == D(50)
    assert not c.applicable and c.score is None
    assert result.total == D(75)
    assert result.scale == D("1.25")


def test_all_not_applicable_is_an_error_not_a_division() -> None:
    result, findings = score([indicator("a", "100", method="不适用")])
    assert result.total is None
    assert findings.errors[0].code == "score_all_not_applicable"


def test_weights_must_sum_to_the_declared_total() -> None:
    _, findings = score([indicator("a", "60"), indicator("b", "30", row=5)])
    assert [f.code for f in findings.errors] == ["score_weights_total"]
    assert "90" in findings.errors[0].message and "100" in findings.errors[0].message


def test_declared_total_other_than_100() -> None:
    result, findings = score([indicator("a", "60"), indicator("b", "40", row=5)], total="100")
    assert result.total == D(100)
    result, findings = score([indicator("a", "6"), indicator("b", "4", row=5)], total="10")
    assert not findings and result.total == D(10)


class TestQualitative:
    def test_manual_score_within_bounds(self) -> None:
        result, findings = score([indicator("q", "100", method="定性", direction="定性", manual="85")])
        assert not findings and result.total == D(85)

    @pytest.mark.parametrize("manual", ["101", "-1"])
    def test_manual_score_outside_zero_to_weight(self, manual: str) -> None:
        result, findings = score([indicator("q", "100", method="定性", manual=manual)])
        assert findings.errors[0].code == "score_manual_out_of_range"
        assert findings.errors[0].location == "绩效指标!J4"
        assert result.total is None

    def test_bounds_are_inclusive(self) -> None:
        for manual in ("0", "100"):
            _, findings = score([indicator("q", "100", method="定性", manual=manual)])
            assert not findings

    def test_missing_manual_score(self) -> None:
        _, findings = score([indicator("q", "100", method="定性")])
        assert findings.errors[0].code == "score_manual_missing"


def test_computed_source_replaces_typed_actual() -> None:
    result, findings = score(
        [indicator("执行率", "100", source="预算执行率", actual=None, target="0.95", method="执行率扣分")],
        [rule("执行率扣分", "扣分", "0.95", points="0.5")],
        {"预算执行率": D("9326.11") / D("9647.82")},
    )
    assert not findings
    assert result.total == D(100)


def test_typed_actual_disagreeing_with_the_computed_figure_warns() -> None:
    result, findings = score(
        [indicator("执行率", "100", source="预算执行率", actual="0.90", target="0.95")],
        figures={"预算执行率": D("0.9667")},
    )
    assert [f.code for f in findings] == ["score_actual_differs"]
    assert result.indicators[0].actual == D("0.9667")


def test_typed_actual_equal_to_the_rounded_computed_figure_is_quiet() -> None:
    _, findings = score(
        [indicator("执行率", "100", source="预算执行率", actual="0.9667", target="0.95")],
        figures={"预算执行率": D("9326.11") / D("9647.82")},
    )
    assert not findings


def test_zero_base_source_asks_for_not_applicable() -> None:
    result, findings = score(
        [indicator("中小企业", "100", source="中小企业合同占比", actual=None)],
        figures={"中小企业合同占比": None},
    )
    assert findings.errors[0].code == "score_source_not_comparable"
    assert "不适用" in findings.errors[0].message
    assert result.total is None


def test_unknown_method_names_the_cell() -> None:
    _, findings = score([indicator("x", "100", method="满意度区问")])
    assert findings.errors[0].code == "score_unknown_method"
    assert findings.errors[0].location == "绩效指标!I4"


def test_manual_score_disagreeing_with_a_computed_one_warns() -> None:
    result, findings = score([indicator("x", "100", target="1", actual="0.5", manual="80")])
    assert [f.code for f in findings] == ["score_manual_differs"]
    assert result.total == D(50)


def test_ratio_needs_numbers() -> None:
    _, findings = score([indicator("x", "100", target=None)])
    assert findings.errors[0].code == "score_missing_target"
    _, findings = score([indicator("x", "100", actual=None)])
    assert findings.errors[0].code == "score_missing_actual"
    _, findings = score([indicator("x", "100", direction="定性")])
    assert findings.errors[0].code == "score_ratio_qualitative"


def test_dimension_subtotals_in_order_of_appearance() -> None:
    result, _ = score(
        [
            indicator("a", "50", dimension="履职效能"),
            indicator("b", "30", dimension="管理效率", target="1", actual="0.5", row=5),
            indicator("c", "20", dimension="管理效率", row=6),
        ]
    )
    assert [(d.name, d.weight, d.score) for d in result.dimensions] == [
        ("履职效能", D(50), D(50)),
        ("管理效率", D(50), D(35)),
    ]


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        ("100", "优"),
        ("90", "优"),
        ("89.995", "优"),
        ("89.994", "良"),
        ("80", "良"),
        ("79.99", "中"),
        ("60", "中"),
        ("59.99", "差"),
        ("0", "差"),
    ],
)
def test_grade_on_the_presented_total(total: str, expected: str) -> None:
    assert grade(D(total)) == expected


class TestCoefficient:
    """得分系数 (Chongqing-style forms): score = 系数 × 分值. The figures are the issue's (7.6 of 10
    for 76%; a full coefficient on 72.74% against 100%): no published form carrying them could be
    found with the search tools available here."""

    def test_score_is_coefficient_times_weight(self) -> None:
        result, findings = score(
            [indicator("验收合格率", "10", method="得分系数", coefficient="0.76", actual="0.76")], total="10"
        )
        assert not findings
        assert result.indicators[0].score == D("7.60")
        assert result.indicators[0].basis == "得分系数 76%×分值"

    def test_a_typed_score_that_differs_is_a_warning(self) -> None:
        _, findings = score(
            [indicator("验收合格率", "10", method="得分系数", coefficient="0.76", manual="8")], total="10"
        )
        assert [f.code for f in findings] == ["score_manual_differs"]
        assert "8" in findings[0].message and "7.60" in findings[0].message

    def test_full_coefficient_on_a_missed_target_names_both_figures(self) -> None:
        missed = indicator(
            "任务完成率", "10", method="得分系数", coefficient="1", target="1", actual="0.7274", target_text="100%"
        )
        result, findings = score([missed], total="10")
        assert result.total == D(10)
        assert [(f.code, f.location) for f in findings] == [("score_full_coefficient_missed", "绩效指标!L4")]
        assert "72.74%" in findings[0].message and "100%" in findings[0].message

    def test_a_reverse_row_under_its_ceiling_meets_it(self) -> None:
        met = indicator(
            "成本控制率",
            "10",
            method="得分系数",
            direction="反向",
            coefficient="1",
            target="1",
            actual="0.92",
            target_text="≤100%",
        )
        _, findings = score([met], total="10")
        assert not findings
        over = replace(met, actual=D("1.05"))
        _, findings = score([over], total="10")
        assert "≤100%" in findings[0].message and "105%" in findings[0].message

    @pytest.mark.parametrize(
        ("coefficient", "code"), [(None, "score_missing_coefficient"), ("76", "score_coefficient_range")]
    )
    def test_a_missing_or_impossible_coefficient_is_an_error_at_its_cell(
        self, coefficient: str | None, code: str
    ) -> None:
        _, findings = score([indicator("x", "10", method="得分系数", coefficient=coefficient)], total="10")
        assert [(f.code, f.location) for f in findings.errors] == [(code, "绩效指标!L4")]


def test_a_typed_rate_on_the_other_base_is_named_as_such() -> None:
    # 年初 238.93 / 全年 251.89 / 执行 251.89 (the figures): 105.42% typed, 100.00% computed.
    findings = Findings()
    typed = indicator("预算执行率", "10", source="预算执行率", actual="1.0542", target="1", target_text="100%")
    score_indicators(
        [typed],
        [],
        {"预算执行率": D(1)},
        D(10),
        findings,
        alternatives={"预算执行率": [("年初预算数", D("251.89") / D("238.93"))]},
    )
    assert [f.code for f in findings] == ["score_actual_other_basis"]
    message = findings[0].message
    assert "105.42%" in message and "100%" in message and "年初预算数" in message


def test_what_the_reader_saw_decides_what_a_point_is() -> None:
    """A 扣分 point is 0.01 on a rate row and 1 on a count row; the reader's finding (a percent
    format, a count unit) overrides the guess from the indicator's name."""
    per_point = rule("每点扣1分", "扣分", "0", "0", points="1")
    counted = replace(indicator("违规问题发现数", "10", method="每点扣1分", target="0", actual="2"), rate=None)
    result, findings = score([counted], [per_point], total="10")
    assert not findings and result.indicators[0].score == D(8)  # …数: a count, 2 points off
    as_rate = replace(counted, rate=True)  # the reader saw a percent format: 2 = 200 points
    result, _ = score([as_rate], [per_point], total="10")
    assert result.indicators[0].score == D(0)
