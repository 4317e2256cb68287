"""The headline figures (the command line's lines and the web page's cards) against the
summary JSON and against the 自评报告 sheet, for the example under each 执行率口径 and
小微占比口径, each 金额单位, and each procurement granularity."""

from __future__ import annotations

import copy
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from addin.cli import headline
from addin.core import Evaluation
from addin.example.data import EXAMPLE_TABLES
from addin.headless import evaluate_file
from addin.report.content import report_layout
from addin.report.headline import WITHHELD, HeadlineFigure, headline_figures
from addin.report.layout import SheetLayout
from addin.report.numfmt import format_number
from addin.report.styles import STYLES

Tables = dict[str, list[list[Any]]]


def _info(**values: object) -> list[list[object]]:
    rows = copy.deepcopy(EXAMPLE_TABLES["tblInfo"])
    for row in rows:
        if row[0] in values:
            row[1] = values[row[0]]
    return rows


VARIANTS: dict[str, dict[str, Any]] = {
    "example": {},
    "initial-basis": {"tblInfo": _info(执行率口径="年初预算数")},
    "small-micro-on-total": {"tblInfo": _info(小微占比口径="政府采购支出总额")},
    "yuan": {"tblInfo": _info(金额单位="元")},
    "yi": {"tblInfo": _info(金额单位="亿元")},
    "total-only": {"tblContracts": [], "tblProcurement": [["合计", 1758.16, 1172.10, 126.34]]},
    "total-without-small-micro": {"tblContracts": [], "tblProcurement": [["合计", 1758.16, 1172.10, None]]},
    "category-amounts": {
        "tblContracts": [],
        "tblProcurement": [
            ["货物", 213.53, None, None],
            ["工程", 0, None, None],
            ["服务", 1544.63, None, None],
            ["合计", 1758.16, 1172.10, 126.34],
        ],
    },
    "no-spent": {"tblBudget": [[*row[:5], None, row[6]] for row in EXAMPLE_TABLES["tblBudget"]]},
}


@pytest.fixture(scope="module")
def evaluated(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Evaluation]:
    from addin.workbook.builder import BuildOptions, build_workbook

    folder = tmp_path_factory.mktemp("headline")
    cache: dict[str, Evaluation] = {}

    def get(name: str) -> Evaluation:
        if name not in cache:
            tables: Tables = copy.deepcopy(EXAMPLE_TABLES)
            tables.update(copy.deepcopy(VARIANTS[name]))
            path = folder / f"{name}.xlsx"
            build_workbook(path, tables, BuildOptions())
            cache[name] = evaluate_file(path)
        return cache[name]

    return get


def _figures(ev: Evaluation) -> dict[str, HeadlineFigure]:
    return {f.key: f for f in headline_figures(ev)}


def _shown(layout: SheetLayout, row: int, col: int) -> str:
    cell = layout.cells[(row, col)]
    if isinstance(cell.value, Decimal):
        return format_number(cell.value, STYLES[cell.style].number_format)
    return str(cell.value)


def _find(layout: SheetLayout, text: str) -> tuple[int, int]:
    return next(pos for pos, cell in sorted(layout.cells.items()) if cell.value == text)


def _percent(text: str | None) -> str:
    return "-" if text is None else f"{text}%"


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_figure_is_the_jsons_and_the_reports(evaluated: Callable[[str], Evaluation], variant: str) -> None:
    ev = evaluated(variant)
    data = ev.as_json()
    figures = _figures(ev)
    layout = report_layout(ev)
    unit = data["amount_unit"]
    b, p = data["budget"], data["procurement"]
    assert [f.key for f in headline_figures(ev)] == [
        "execution_rate",
        "spending_progress",
        "procurement_total",
        "sme_share",
        "small_micro_share",
        "score",
    ]

    # 预算执行率: the report's label for its 口径, its value, over the base it is taken on.
    rate = figures["execution_rate"]
    initial = b["execution_basis"] == "年初预算数"
    assert rate.label == ("预算执行率（年初）" if initial else "预算执行率")
    assert rate.value == _percent(b["execution_rate"])
    row, col = _find(layout, rate.label)  # the 基本情况 table: label, then its value
    assert _shown(layout, row, col + 2) == rate.value
    base, base_name = (b["initial"], "年初预算数") if initial else (b["total"], "全年预算数")
    assert f"{base_name} {Decimal(base):,.2f} {unit}" in rate.note
    assert f"执行数 {Decimal(b['executed']):,.2f} {unit}" in rate.note

    progress = figures["spending_progress"]
    if b["spent"] is None:
        assert (progress.value, progress.note) == ("未填报", "预算执行表未填写支出数")
    else:
        assert progress.value == _percent(b["spending_progress"])
        assert f"支出数 {Decimal(b['spent']):,.2f} {unit}" in progress.note

    total = figures["procurement_total"]
    assert total.value == f"{Decimal(p['total']):,.2f}" and total.note.startswith(unit)

    # The shares as the 合计 row of the report's procurement table states them, under a header
    # that says the same as the card.
    small = figures["small_micro_share"]
    on_total = p["small_micro_basis"] == "政府采购支出总额"
    assert small.label == ("小微占政府采购支出比" if on_total else "小微占中小企业比")
    head, _ = _find(layout, small.label)
    total_row = min(r for (r, c), cell in layout.cells.items() if c == 0 and cell.value == "合计" and r > head)
    sme = figures["sme_share"]
    assert sme.value == ("未填报" if p["sme"] is None else _percent(p["sme_share"]))
    assert _shown(layout, total_row, 6) == sme.value
    if p["small_micro"] is None:
        assert small.value == "未填报"
    else:
        share = p["small_micro_share_of_total"] if on_total else p["small_micro_share_of_sme"]
        assert small.value == _percent(share)
        assert ("政府采购支出总额" if on_total else "授予中小企业") in small.note
    assert _shown(layout, total_row, 9) == small.value
    # Per-category shares only where every category states its SME amount (else 未填报 in the
    # report, and nothing made up on the card).
    categories = p["categories"]
    if categories and all(c["sme"] is not None for c in categories.values()):
        assert sme.details[0] == f"货物 {_percent(categories['货物']['sme_share'])}"
    else:
        assert sme.details == ()

    score = figures["score"]
    s = data["score"]
    assert score.value == ("未评分" if s["total"] is None else f"{s['total']} {s['grade']}")

    lines = headline(ev)  # the command line prints the same figures
    for figure in figures.values():
        assert figure.as_line() in lines


def test_the_reference_cards(evaluated: Callable[[str], Evaluation]) -> None:
    f = _figures(evaluated("example"))
    assert (f["execution_rate"].value, f["execution_rate"].note) == (
        "96.67%",
        "执行数 9,326.11 万元 / 全年预算数 9,647.82 万元",
    )
    assert f["sme_share"].details == ("货物 100.0%", "工程 -（基数为0，不可比）", "服务 62.1%")
    assert (f["small_micro_share"].label, f["small_micro_share"].value) == ("小微占中小企业比", "10.8%")
    f = _figures(evaluated("initial-basis"))
    assert (f["execution_rate"].label, f["execution_rate"].value, f["execution_rate"].note) == (
        "预算执行率（年初）",
        "101.37%",
        "执行数 9,326.11 万元 / 年初预算数 9,200.00 万元",
    )
    f = _figures(evaluated("small-micro-on-total"))
    assert (f["small_micro_share"].label, f["small_micro_share"].value, f["small_micro_share"].note) == (
        "小微占政府采购支出比",
        "7.2%",
        "小微企业 126.34 万元 / 政府采购支出总额 1,758.16 万元",
    )
    assert _figures(evaluated("yi"))["execution_rate"].note == "执行数 9,326.11 亿元 / 全年预算数 9,647.82 亿元"
    f = _figures(evaluated("total-without-small-micro"))
    assert (f["small_micro_share"].value, f["sme_share"].value) == ("未填报", "66.7%")
    assert "只填写了合计" in f["procurement_total"].note


def test_figures_that_depend_on_errors_are_withheld(make_workbook: Callable[..., Path]) -> None:
    budget = copy.deepcopy(EXAMPLE_TABLES["tblBudget"])
    budget[1][4] = "九百"
    ev = evaluate_file(make_workbook(tblBudget=budget))
    f = _figures(ev)
    assert f["execution_rate"].value == WITHHELD and f["spending_progress"].value == WITHHELD
    assert f["score"].value == "未评分"
    assert f["sme_share"].value == "66.7%"  # the procurement sheet was read whole
