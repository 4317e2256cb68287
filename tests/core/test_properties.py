"""Properties that must hold for any data, checked with hypothesis."""

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from addin.core.budget import budget_figures
from addin.core.findings import Findings
from addin.core.numbers import format_amount, percent_text, round_half_up, to_decimal
from addin.core.procurement import CATEGORIES, SIZES, from_ledger, from_summary
from addin.core.rules import DeductionRule, deduction_score, ratio_score
from addin.core.scoring import score_indicators

from .factories import budget, budget_line, indicator, ledger, summary

amounts = st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=0, max_value=3, places=4, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)
positive_weights = st.decimals(min_value="0.01", max_value=100, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def category_parts(draw: st.DrawFn) -> tuple[str, str, str, str]:
    amount = draw(amounts)
    sme = draw(st.decimals(min_value=0, max_value=amount, places=2))
    small = draw(st.decimals(min_value=0, max_value=sme, places=2))
    return (draw(st.sampled_from(CATEGORIES)), str(amount), str(sme), str(small))


@given(st.lists(category_parts(), min_size=1, max_size=6))
def test_shares_stay_within_0_and_100_percent_when_parts_do_not_exceed_the_whole(parts) -> None:  # type: ignore[no-untyped-def]
    p = from_summary(summary(*parts))
    for share in (
        p.sme_share,
        p.small_micro_share_of_sme,
        p.small_micro_share_of_total,
        *(c.sme_share for c in p.categories),
    ):
        if share is not None:
            assert 0 <= share <= 1
            assert 0 <= Decimal(percent_text(share, 1) or "0") <= 100


@given(weights, rates, rates, st.booleans())
def test_ratio_scores_stay_within_0_and_the_weight(weight, target, actual, reverse) -> None:  # type: ignore[no-untyped-def]
    assert 0 <= ratio_score(weight, target, actual, reverse=reverse) <= weight


@given(
    weights,
    rates,
    st.one_of(st.none(), rates),
    st.one_of(st.none(), rates),
    st.decimals(min_value=0, max_value=50, places=2),
)
def test_deduction_scores_stay_within_0_and_the_weight(weight, value, lower, upper, points) -> None:  # type: ignore[no-untyped-def]
    if lower is not None and upper is not None and lower > upper:
        lower, upper = upper, lower
    assert 0 <= deduction_score(weight, value, DeductionRule("r", lower, upper, points)) <= weight


@given(st.lists(st.tuples(weights, rates, rates), min_size=1, max_size=8))
def test_indicator_scores_stay_within_0_and_their_weight(rows) -> None:  # type: ignore[no-untyped-def]
    indicators = [
        indicator(f"i{i}", str(w), target=str(t), actual=str(a), row=4 + i) for i, (w, t, a) in enumerate(rows)
    ]
    total = sum((w for w, _, _ in rows), Decimal(0))
    result = score_indicators(indicators, [], {}, total if total else Decimal(100), Findings())
    for r in result.indicators:
        assert r.score is not None and 0 <= r.score <= r.weight


def _shown(value: float) -> Decimal:
    """What Excel shows: the shortest repr when it has at most 15 significant digits, else the
    float to 15 (computed here the slow, obvious way)."""
    if float(format(value, ".15g")) == value:
        return Decimal(repr(value))
    return Decimal(format(value, ".15g"))


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False), st.integers(0, 6))
def test_presented_rounding_is_half_up_on_the_value_shown(value: float, places: int) -> None:
    # Differs from the shortest repr only past 15 significant digits (a formula's result).
    expected = _shown(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if expected == 0:
        expected = abs(expected)
    assert round_half_up(to_decimal(value), places) == expected
    assert str(round_half_up(to_decimal(value), places)) == str(expected)


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_amount_presentation_is_the_half_up_value_with_separators(value: float) -> None:
    expected = _shown(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert format_amount(to_decimal(value)).replace(",", "") == str(expected)


@settings(max_examples=50)
@given(
    st.lists(st.tuples(st.sampled_from(CATEGORIES), amounts, st.sampled_from(SIZES)), min_size=1, max_size=30),
    st.randoms(use_true_random=False),
)
def test_procurement_totals_are_invariant_under_row_order(rows, random) -> None:  # type: ignore[no-untyped-def]
    contracts = [(c, str(a), s) for c, a, s in rows]
    shuffled = contracts[:]
    random.shuffle(shuffled)
    a, b = from_ledger(ledger(*contracts)), from_ledger(ledger(*shuffled))
    assert a.categories == b.categories
    assert (a.total, a.sme, a.small_micro) == (b.total, b.sme, b.small_micro)


@settings(max_examples=50)
@given(st.lists(st.tuples(amounts, amounts, amounts), min_size=1, max_size=20), st.randoms(use_true_random=False))
def test_budget_totals_are_invariant_under_row_order(rows, random) -> None:  # type: ignore[no-untyped-def]
    lines = [budget_line(f"u{i}", str(t), str(e), str(s)) for i, (t, e, s) in enumerate(rows)]
    shuffled = lines[:]
    random.shuffle(shuffled)
    assert budget_figures(budget(*lines)).department == budget_figures(budget(*shuffled)).department


@settings(max_examples=50)
@given(st.lists(st.tuples(positive_weights, rates, rates), min_size=1, max_size=10), st.randoms(use_true_random=False))
def test_score_total_is_invariant_under_row_order(rows, random) -> None:  # type: ignore[no-untyped-def]
    indicators = [indicator(f"i{i}", str(w), target=str(t), actual=str(a)) for i, (w, t, a) in enumerate(rows)]
    shuffled = indicators[:]
    random.shuffle(shuffled)
    total = sum((w for w, _, _ in rows), Decimal(0))
    first = score_indicators(indicators, [], {}, total, Findings()).total
    second = score_indicators(shuffled, [], {}, total, Findings()).total
    assert first is not None and second is not None
    assert round_half_up(first, 10) == round_half_up(second, 10)
