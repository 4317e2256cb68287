"""The rules across a batch's rows that every door shares: which copy of a department is kept
(the most recently modified; by name only when no date can tell, and then said), and how a
batch is counted (copies of one department are one department)."""

from __future__ import annotations

from decimal import Decimal

from addin.batch_rows import DepartmentRow, mark_duplicates, note, tally


def _row(file: str, department: str = "外办", **changes: object) -> DepartmentRow:
    return DepartmentRow(file, department=department, year=2023, score=Decimal("97.96"), **changes)  # type: ignore[arg-type]


def test_the_most_recent_copy_is_kept_whatever_its_name() -> None:
    dates = {"外办.xlsm": 1_709_258_400.0, "外办（修订）.xlsm": 1_710_468_000.0}  # 1 and 15 March 2024
    rows = mark_duplicates([_row("外办.xlsm"), _row("外办（修订）.xlsm")], dates.get)
    old, new = rows
    assert (old.duplicate_of, new.duplicate_of) == ("外办（修订）.xlsm", "")
    assert "最近修改" in old.kept_because and "2024-03-15" in old.kept_because and "2024-03-01" in old.kept_because
    assert old.kept_because in note(old)


def test_name_order_only_when_dates_tie_or_are_unknown_and_it_says_so() -> None:
    tied = mark_duplicates([_row("b.xlsx"), _row("a.xlsx")], lambda _: 1_700_000_000.0)
    assert tied[0].duplicate_of == "a.xlsx" and "修改时间相同" in tied[0].kept_because
    assert "按文件名顺序" in tied[0].kept_because
    # One date missing (an upload without it): no guess that the dated one is newer.
    dates = {"a.xlsx": None, "b.xlsx": 1_800_000_000.0}
    unknown = mark_duplicates([_row("b.xlsx"), _row("a.xlsx")], dates.get)
    assert unknown[0].duplicate_of == "a.xlsx"
    assert "a.xlsx 没有修改时间" in unknown[0].kept_because and "按文件名顺序" in unknown[0].kept_because


def test_copies_saved_within_one_shown_minute_are_a_tie_not_a_newer_one() -> None:
    # Copied together: microseconds apart, the same minute as every door shows it.
    dates = {"b.xlsx": 1_700_000_000.000_9, "a.xlsx": 1_700_000_000.000_1}
    rows = mark_duplicates([_row("b.xlsx"), _row("a.xlsx")], dates.get)
    assert rows[0].duplicate_of == "a.xlsx" and "修改时间相同" in rows[0].kept_because
    assert "最近修改" not in rows[0].kept_because


def test_the_count_is_of_departments_and_the_copies_are_said() -> None:
    copies = mark_duplicates([_row(f"外办({i}).xlsx") for i in range(6)], lambda f: float(len(f)))
    assert tally(copies).startswith("1 个部门，6 个文件（其中 5 个是同一部门同一年度的副本")
    assert tally([_row("甲.xlsx", "甲局"), _row("乙.xlsx", "乙局")]) == "2 个部门"
    mixed = [_row("甲.xlsx", "甲局"), _row("乙.xlsx", "乙局", errors=2), DepartmentRow("坏.xlsx", failure="…")]
    assert tally(mixed) == (
        "2 个部门，3 个文件（其中 1 个有错误，未计分、未排名：请按“错误”列修改后重新汇总；"
        "1 个文件未能读取，原因见“说明”列）"
    )
