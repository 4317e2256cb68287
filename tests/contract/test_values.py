"""目标值/实际值 with a comparison and a unit, as published 自评表 write them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from addin.contract.values import TypedValue, amount_factor, read_value_text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("≥60场", TypedValue(Decimal(60), "场", "≥")),
        ("65场", TypedValue(Decimal(65), "场", "")),
        ("105个", TypedValue(Decimal(105), "个", "")),
        ("92百分比", TypedValue(Decimal("0.92"), "%", "")),
        ("≥100百分比", TypedValue(Decimal(1), "%", "≥")),
        ("=100%", TypedValue(Decimal(1), "%", "=")),
        ("≥90分", TypedValue(Decimal(90), "分", "≥")),
        ("≤90万元", TypedValue(Decimal(90), "万元", "≤")),
        ("不低于 95%", TypedValue(Decimal("0.95"), "%", "不低于")),
    ],
)
def test_numbers_with_units_read(text: str, expected: TypedValue) -> None:
    assert read_value_text(text) == expected


@pytest.mark.parametrize("text", ["达成预期指标", "影响较好", "全部完成", ""])
def test_phrases_are_not_numbers(text: str) -> None:
    assert read_value_text(text) is None


def test_amount_units_convert_to_the_workbook_unit() -> None:
    assert amount_factor("万元", "元") == Decimal(10000)
    assert amount_factor("元", "万元") == Decimal("0.0001")
    assert amount_factor("亿元", "万元") == Decimal(10000)
    assert amount_factor("场", "万元") is None
