"""The 自评报告's scoring table reads as printed: a note where printed rows do not add up to the
printed 小计/合计, a 计分依据 that says its points on the rescaled 分值 too, and a computed share
presented as everywhere else (1 decimal)."""

from __future__ import annotations

import copy
from typing import Any

from addin.example.data import EXAMPLE_TABLES
from addin.report.content import SCORE_ROUNDING_NOTE, report_layout
from addin.workbook.template import evaluate_tables

Tables = dict[str, list[list[Any]]]


def _texts(tables: Tables) -> list[Any]:
    layout = report_layout(evaluate_tables(tables))
    return [cell.value for cell in layout.cells.values() if cell.value is not None]


def test_rows_that_do_not_add_up_as_printed_get_the_rounding_note() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    # Counts scored a third of their points (15, 10, 10): 5 + 3.33 + 3.33 printed, 11.67 in the 小计.
    tables["tblIndicators"][0:3] = [
        ["履职效能", "活动", f"活动{n}场次", points, "正向", "3场", "1场", "台账", "比率", None, "r"]
        for n, points in (("A", 15), ("B", 10), ("C", 10))
    ]
    texts = _texts(tables)
    assert SCORE_ROUNDING_NOTE in texts
    assert SCORE_ROUNDING_NOTE not in _texts(copy.deepcopy(EXAMPLE_TABLES))  # the example adds up


def test_after_rescaling_the_basis_says_its_points_on_both_scales() -> None:
    tables = copy.deepcopy(EXAMPLE_TABLES)
    tables["tblIndicators"][1][8] = "不适用"
    basis = next(
        r.basis for r in evaluate_tables(tables).score.indicators if r.indicator.level3 == "项目绩效自评完成率"
    )
    assert basis == "扣分规则“完成率扣分”，扣 0.14 分（按原分值 5 分计得 4.86 分，折算后为 5.56 分中的 5.40 分）"
    plain = next(
        r.basis for r in evaluate_tables(EXAMPLE_TABLES).score.indicators if r.indicator.level3 == "项目绩效自评完成率"
    )
    assert plain == "扣分规则“完成率扣分”，扣 0.14 分"


def test_a_computed_share_in_the_indicator_table_is_presented_to_one_decimal() -> None:
    layout = report_layout(evaluate_tables(copy.deepcopy(EXAMPLE_TABLES)))
    row = next(r for (r, c), cell in layout.cells.items() if cell.value == "中小企业合同占比" and c == 2)
    actual = layout.cells[(row, 6)]
    assert (str(actual.value), actual.style) == ("0.667", "td_pct1")  # 66.7%, as the procurement table shows it
    rate = next(r for (r, c), cell in layout.cells.items() if cell.value == "预算执行率" and c == 2)
    assert layout.cells[(rate, 6)].style == "td_pct2"
