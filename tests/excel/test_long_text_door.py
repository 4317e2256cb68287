"""A 偏差原因 longer than a row holds goes on over rows through the Excel door as through the
headless one (the layout is described once): the same cells, and no row over Excel's 409 pt."""

from __future__ import annotations

from pathlib import Path

from addin import buttons
from addin.workbook.builder import BuildOptions, build_workbook

from ..report.test_long_text import EXCEL_MAX_ROW, LONG, _long_tables
from .doors import assert_same_sheets, run_button


def test_the_excel_door_continues_a_long_reason_over_rows(tmp_path: Path) -> None:
    source = tmp_path / "long.xlsx"
    build_workbook(source, _long_tables(), BuildOptions())
    replay, actions = run_button(buttons.generate_report, source)
    counts = assert_same_sheets(replay, source, tmp_path, ("自评报告", "项目自评-2"))
    assert all(counts.values())
    for sheet in ("自评报告", "项目自评-2"):
        state = replay.state[sheet]
        notes = [str(v).lstrip("'") for (r, c), v in sorted(state.values.items()) if c == 8 and v]
        # column I: the note, continued over rows (the header written again on a new page)
        assert LONG in "".join(notes).replace("计分依据及偏差原因", ""), sheet
    heights = [a["args"][0] for a in actions if a["func"] == "setRowHeight"]
    assert heights and max(heights) <= EXCEL_MAX_ROW
