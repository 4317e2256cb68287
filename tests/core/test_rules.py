"""Every rule kind of DESIGN.md, at its edges."""

from decimal import Decimal as D

import pytest

from addin.core.findings import Findings
from addin.core.rules import (
    Band,
    BandRule,
    DeductionRule,
    band_score,
    compile_rules,
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
