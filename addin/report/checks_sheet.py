"""The 校验结果 sheet: the findings of a run, one row each, and what the run did to the
workbook's sheets."""

from __future__ import annotations

from collections.abc import Sequence

from ..contract.schema import CHECKS_SHEET
from ..core.findings import Finding
from .fit import fitted
from .grid import ROW_HEIGHT as _ROW
from .grid import paragraph_height
from .layout import PrintSetup, SheetLayout

__all__ = ["CHECKS_WIDTHS", "checks_layout"]

CHECKS_WIDTHS = (8.0, 22.0, 90.0)  # 级别, 位置, 说明 (wrapped)


def checks_layout(findings: Sequence[Finding], notes: Sequence[str] = ()) -> SheetLayout:
    """校验结果: one row per finding, then one 说明 row per note on what the run did to the
    workbook's sheets (``report.ownership.plan_notes``); a column widened where a cell that
    does not wrap needs it (``report.fit``)."""
    return fitted(lambda widths: _checks_layout(widths, findings, notes), CHECKS_WIDTHS)


def _checks_layout(widths: Sequence[float], findings: Sequence[Finding], notes: Sequence[str]) -> SheetLayout:
    layout = SheetLayout(CHECKS_SHEET, widths, tab_color="9C5700", show_grid=False)
    for c, head in enumerate(("级别", "位置", "说明")):
        layout.put(0, c, head, "th")
    layout.heights[0] = 20
    for r, f in enumerate(findings, start=1):
        layout.put(r, 0, f.severity.label, "error" if f.severity.value == "error" else "warning")
        layout.put(r, 1, f.location, "link" if "!" in f.location else "td", link=f.location or None)
        layout.put(r, 2, f.message, "td")
        layout.heights[r] = max(_ROW, paragraph_height(f.message, widths[2], 10))
    if not findings:
        layout.put(1, 0, "", "td")
        layout.put(1, 1, "", "td")
        layout.put(1, 2, "未发现问题。", "td")
    for r, note in enumerate(notes, start=max(1, len(findings)) + 1):
        layout.put(r, 0, "说明", "td_center")
        layout.put(r, 1, "工作表", "td")
        layout.put(r, 2, note, "td")
        layout.heights[r] = max(_ROW, paragraph_height(note, widths[2], 10))
    layout.print_setup = PrintSetup(landscape=True, repeat_rows=(0, 0))
    return layout
