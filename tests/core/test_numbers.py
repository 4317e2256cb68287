from decimal import Decimal

import pytest

from addin.core.numbers import divide, format_amount, format_percent, percent_text, round_half_up, to_decimal


@pytest.mark.parametrize(
    ("value", "places", "expected"),
    [
        (0.125, 2, "0.13"),  # a tie rounds up, not to even
        (2.675, 2, "2.68"),  # the float is 2.67499999…, the cell shows 2.675
        (1.005, 2, "1.01"),
        (0.5, 0, "1"),
        (-2.675, 2, "-2.68"),  # half away from zero, as 四舍五入 is taught
        (96.665, 2, "96.67"),
        (66.65, 1, "66.7"),
        (-0.001, 2, "0.00"),  # never "-0.00"
    ],
)
def test_round_half_up_on_the_shortest_repr(value: float, places: int, expected: str) -> None:
    assert str(round_half_up(to_decimal(value), places)) == expected


def test_to_decimal_uses_the_shortest_repr_of_floats() -> None:
    assert to_decimal(9647.82) == Decimal("9647.82")
    assert to_decimal(0.1) + to_decimal(0.2) == Decimal("0.3")
    assert to_decimal(3.0) == Decimal(3)
    assert to_decimal(7) == Decimal(7)


def test_to_decimal_refuses_booleans_and_non_finite() -> None:
    with pytest.raises(TypeError):
        to_decimal(True)
    with pytest.raises(ValueError):
        to_decimal(float("nan"))


def test_zero_base_is_not_comparable_never_zero() -> None:
    assert divide(Decimal(5), Decimal(0)) is None
    assert divide(Decimal(0), Decimal(0)) is None
    assert percent_text(None, 1) is None
    assert format_percent(None, 1) == "-"


def test_presentation_of_amounts_and_percentages() -> None:
    assert format_amount(Decimal("9647.82")) == "9,647.82"
    assert format_amount(Decimal("1172.1")) == "1,172.10"
    assert percent_text(Decimal("9326.11") / Decimal("9647.82"), 2) == "96.67"
    assert format_percent(Decimal("0.62058"), 1) == "62.1%"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (90.02 + 0.005, "90.025"),  # =90.02+0.005 as Excel saves it: 90.02499999999999
        (958.57 + 14.34, "972.91"),  # 972.9100000000001
        (0.1 + 0.2, "0.3"),
        (180.00000000000003, "180"),
        (123456789.12345678, "123456789.123457"),  # 15 significant digits, as Excel shows it
        (2.675, "2.675"),
        (9647.82, "9647.82"),
        (-0.1, "-0.1"),
    ],
)
def test_a_float_is_read_as_the_cell_shows_it_to_15_significant_digits(stored: float, shown: str) -> None:
    assert to_decimal(stored) == Decimal(shown)
    assert str(to_decimal(stored)) == shown


def test_a_formula_result_saved_to_17_digits_rounds_as_the_value_it_shows() -> None:
    # 执行数 =90.02+0.005 shows 90.025: half-up gives 90.03, not the 90.02 of the float below it.
    assert str(round_half_up(to_decimal(90.02 + 0.005), 2)) == "90.03"
