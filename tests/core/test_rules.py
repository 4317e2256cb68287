"""Every rule kind of DESIGN.md, at its edges."""

from decimal import Decimal as D

import pytest

from addin.core.findings import Findings
from addin.core.rulebook import compile_rules
from addin.core.rules import (
    TARGET_WORD,
    Band,
    BandRule,
    Case,
    DeductionRule,
    LinearRule,
    OvershootRule,
    apply_rule,
    band_score,
    deduction_score,
    ratio_score,
)

from .factories import rule


class TestRatio:
    def test_actual_over_target_times_weight(self) -> None:
        assert ratio_score(D(5), D("1.0"), D("0.92"), reverse=False) == D("4.600")

    def test_capped_at_weight(self) -> None:
        assert ratio_score(D(10), D(60), D(65), reverse=False) == D(10)

    def test_zero_target_is_met_by_any_actual(self) -> None:
        assert ratio_score(D(10), D(0), D(0), reverse=False) == D(10)
        assert ratio_score(D(10), D(0), D(3), reverse=False) == D(10)

    def test_zero_actual_scores_zero(self) -> None:
        assert ratio_score(D(10), D(5), D(0), reverse=False) == D(0)

    def test_reverse_full_marks_when_actual_within_target(self) -> None:
        assert ratio_score(D(10), D("0.10"), D("0.0487"), reverse=True) == D(10)
        assert ratio_score(D(10), D("0.10"), D("0.10"), reverse=True) == D(10)

    def test_reverse_with_actual_zero_is_within_target(self) -> None:
        assert ratio_score(D(10), D("0.10"), D(0), reverse=True) == D(10)
        assert ratio_score(D(10), D(0), D(0), reverse=True) == D(10)

    def test_reverse_target_over_actual(self) -> None:
        assert ratio_score(D(5), D("0.10"), D("0.125"), reverse=True) == D("4.0")

    def test_reverse_zero_target_exceeded_scores_zero(self) -> None:
        assert ratio_score(D(5), D(0), D("0.2"), reverse=True) == D(0)


class TestBands:
    RULE = BandRule(
        "满意度",
        (
            # lower inclusive, upper exclusive, blank upper unbounded
            Band(D("0.95"), None, D(1)),
            Band(D("0.90"), D("0.95"), D("0.95")),
            Band(None, D("0.90"), D("0.6")),
        ),
    )

    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("0.95", "10"),  # 下限 inclusive
            ("0.9499999", "9.5"),  # just under the upper limit of the band below
            ("0.90", "9.5"),
            ("0.8999", "6"),
            ("5", "10"),  # unbounded above
            ("-1", "6"),  # blank 下限 is unbounded below
        ],
    )
    def test_band_boundaries_as_the_rule_table_states_them(self, value: str, expected: str) -> None:
        assert band_score(D(10), D(value), self.RULE) == D(expected)

    def test_value_in_no_band(self) -> None:
        findings = Findings()
        rules = compile_rules([rule("r", "区间", "0.5", "0.8", "1")], findings)
        assert isinstance(rules["r"], BandRule)
        assert band_score(D(10), D("0.9"), rules["r"]) is None


class TestDeduction:
    def test_full_marks_inside_bounds_inclusive(self) -> None:
        r = DeductionRule("x", D("0.95"), D("1.00"), D("0.5"))
        assert deduction_score(D(15), D("0.95"), r) == D(15)
        assert deduction_score(D(15), D("1.00"), r) == D(15)

    def test_points_off_per_percentage_point_below(self) -> None:
        r = DeductionRule("x", D("0.98"), None, D("0.2"))
        assert deduction_score(D(5), D("0.973"), r) == D("4.86")

    def test_overshoot_penalty_above_upper(self) -> None:
        r = DeductionRule("x", None, D("1.00"), D(1))
        assert deduction_score(D(10), D("1.035"), r) == D("6.5")

    def test_never_below_zero(self) -> None:
        r = DeductionRule("x", D("0.95"), None, D(2))
        assert deduction_score(D(10), D("0.10"), r) == D(0)


class TestCompile:
    def test_groups_band_rows_by_name_and_sorts_them(self) -> None:
        findings = Findings()
        rules = compile_rules([rule("r", "区间", "0.9", None, "1"), rule("r", "区间", None, "0.9", "0.5")], findings)
        assert not findings
        compiled = rules["r"]
        assert isinstance(compiled, BandRule)
        assert [b.lower for b in compiled.bands] == [None, D("0.9")]

    def test_overlapping_bands_are_an_error_naming_the_cell(self) -> None:
        findings = Findings()
        compile_rules(
            [rule("r", "区间", "0.8", "0.95", "1", row=4), rule("r", "区间", "0.9", None, "1", row=5)], findings
        )
        assert [f.code for f in findings.errors] == ["rule_band_overlap"]
        assert findings.errors[0].location == "计分规则!C5"

    def test_gap_between_bands_is_a_warning(self) -> None:
        findings = Findings()
        compile_rules([rule("r", "区间", "0.5", "0.8", "1"), rule("r", "区间", "0.9", None, "1", row=5)], findings)
        assert [f.code for f in findings] == ["rule_band_gap"]
        assert not findings.has_errors

    def test_ratio_outside_zero_to_one_is_an_error(self) -> None:
        findings = Findings()
        compile_rules([rule("r", "区间", "0", None, "80")], findings)
        assert findings.errors[0].code == "rule_ratio_range"
        assert findings.errors[0].location == "计分规则!E4"

    def test_deduction_rule_needs_points_and_one_row(self) -> None:
        findings = Findings()
        compile_rules([rule("d", "扣分", "0.9")], findings)
        assert findings.errors[0].code == "rule_missing_points"
        findings = Findings()
        compile_rules([rule("d", "扣分", "0.9", points="1"), rule("d", "扣分", "0.8", points="1", row=5)], findings)
        assert findings.errors[0].code == "rule_deduction_repeated"

    def test_mixed_kinds_under_one_name(self) -> None:
        findings = Findings()
        compile_rules([rule("m", "区间", "0", None, "1"), rule("m", "扣分", "0.9", points="1", row=5)], findings)
        assert findings.errors[0].code == "rule_mixed_kinds"


class TestPublishedShapes:
    """The rule shapes of DESIGN.md "Real report forms", each with the published wording it
    stands for, scored through apply_rule (the one entry every door uses)."""

    def test_points_off_per_full_point_beyond_a_ceiling(self) -> None:
        # 岳阳市公路建设养护中心 部门整体支出绩效评价自评表 (glj.yueyang.gov.cn/6173/6181/content_1705915.html):
        # "“三公经费”控制率 以100%为标准。三公经费控制率≦100%，计6分；每超过一个百分点扣1分，扣完为止。"
        per_point = DeductionRule("三公经费控制", None, D(1), D(1), step=D(1))
        assert apply_rule(per_point, Case(D(6), D("1.035"))).score == D(3)  # 3 full points over
        assert apply_rule(per_point, Case(D(6), D("1.00"))).score == D(6)
        assert apply_rule(per_point, Case(D(6), D("1.20"))).score == D(0)  # 扣完为止
        # 每档 left blank keeps the contract's pro-rata reading (3.5 points → 3.5 off).
        pro_rata = DeductionRule("三公经费控制", None, D(1), D(1))
        assert apply_rule(pro_rata, Case(D(6), D("1.035"))).score == D("2.5")

    def test_occurrence_deduction_on_a_count_row(self) -> None:
        # The same 岳阳 form, 资金使用合规性 (3 分): "以上情况每出现一例不符合要求的扣1分，扣完为止。"
        # 下限 = 上限 = 0 on a count row: each occurrence is a point of 1.
        occurrences = DeductionRule("每例扣1分", D(0), D(0), D(1))
        assert apply_rule(occurrences, Case(D(3), D(0), rate=False)).score == D(3)
        assert apply_rule(occurrences, Case(D(3), D(2), rate=False)).score == D(1)
        assert apply_rule(occurrences, Case(D(3), D(5), rate=False)).score == D(0)

    def test_points_off_per_three_points_from_the_target(self) -> None:
        # "每相差3%扣1分" (DESIGN.md; no published form carrying it could be found with the search
        # tools here): 下限 目标值, 每档 3, 每点扣分 1.
        rule_ = DeductionRule("每相差3%扣1分", TARGET_WORD, None, D(1), step=D(3))
        case = Case(D(10), D("0.8907"), target=D("0.95"))  # 5.93 points short: one full step
        assert apply_rule(rule_, case).score == D(9)
        assert apply_rule(rule_, Case(D(10), D("0.889"), target=D("0.95"))).score == D(8)  # 6.1: two steps
        assert apply_rule(rule_, Case(D(10), D("0.96"), target=D("0.95"))).score == D(10)
        missing = apply_rule(rule_, Case(D(10), D("0.9")))
        assert missing.score is None and missing.column == "目标值" and "目标值" in missing.problem

    def test_overshoot_beyond_thirty_percent_scores_nothing(self) -> None:
        # "超过目标值30%以上不得分" (DESIGN.md; no published source found here): 上限 0.3, else 比率.
        rule_ = OvershootRule("超额30%", D("0.3"))
        assert apply_rule(rule_, Case(D(10), D(130), target=D(100), rate=False)).score == D(10)
        assert apply_rule(rule_, Case(D(10), D("130.5"), target=D(100), rate=False)).score == D(0)
        assert apply_rule(rule_, Case(D(10), D(90), target=D(100), rate=False)).score == D(9)
        assert "30%" in apply_rule(rule_, Case(D(10), D(131), target=D(100))).basis

    def test_linear_with_a_cut_off(self) -> None:
        # "(1−10×调剂率)×分值，调剂率>10%不得分" (DESIGN.md; no published source found here).
        rule_ = LinearRule("调剂率", D(10), D("0.1"))
        assert apply_rule(rule_, Case(D(5), D("0.05"))).score == D("2.50")
        assert apply_rule(rule_, Case(D(5), D(0))).score == D(5)
        assert apply_rule(rule_, Case(D(5), D("0.1"))).score == D(0)
        # The cut-off bites on its own where the line is still above 0.
        assert apply_rule(LinearRule("x", D(5), D("0.1")), Case(D(5), D("0.12"))).score == D(0)
        assert apply_rule(LinearRule("x", D(5), None), Case(D(5), D("0.12"))).score == D("2.00")


class TestCompileNewKinds:
    def test_each_shape_compiles_from_its_table_row(self) -> None:
        findings = Findings()
        rules = compile_rules(
            [
                rule("档", "扣分", points="1", step="3", lower_target=True),
                rule("超", "超额", upper="0.3", row=5),
                rule("线", "线性", upper="0.1", ratio="10", row=6),
            ],
            findings,
        )
        assert not findings
        assert rules["档"] == DeductionRule("档", TARGET_WORD, None, D(1), "计分规则!C4", D(3))
        assert rules["超"] == OvershootRule("超", D("0.3"), "计分规则!D5")
        assert rules["线"] == LinearRule("线", D(10), D("0.1"), "计分规则!E6")

    @pytest.mark.parametrize(
        ("row", "code", "cell"),
        [
            (rule("超", "超额"), "rule_overshoot_limit", "计分规则!D4"),
            (rule("线", "线性", upper="0.1"), "rule_linear_slope", "计分规则!E4"),
            (rule("档", "扣分", points="1", step="0"), "rule_step", "计分规则!G4"),
            (rule("区", "区间", ratio="1", lower_target=True), "rule_target_bound", "计分规则!C4"),
            (rule("超", "超额", upper="0.3", lower_target=True), "rule_target_bound", "计分规则!C4"),
        ],
    )
    def test_a_rule_that_cannot_score_is_an_error_at_its_cell(self, row, code: str, cell: str) -> None:  # type: ignore[no-untyped-def]
        findings = Findings()
        compile_rules([row], findings)
        assert [(f.code, f.location) for f in findings.errors] == [(code, cell)]
