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
