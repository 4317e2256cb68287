"""Covering a set of cells with few rectangles, so formatting costs one call per rectangle."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Rect", "rectangles", "row_runs"]

Rect = tuple[int, int, int, int]  # 0-based first row, first col, last row, last col


def row_runs(cells: Iterable[tuple[int, int]]) -> list[Rect]:
    """Maximal horizontal runs of adjacent cells, one row each."""
    by_row: dict[int, list[int]] = {}
    for r, c in cells:
        by_row.setdefault(r, []).append(c)
    runs: list[Rect] = []
    for r in sorted(by_row):
        cols = sorted(by_row[r])
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, r, prev))
                start = c
            prev = c
        runs.append((r, start, r, prev))
    return runs


def rectangles(cells: Iterable[tuple[int, int]]) -> list[Rect]:
    """Row runs stacked into rectangles where consecutive rows span the same columns."""
    stacked: list[Rect] = []
    open_by_span: dict[tuple[int, int], int] = {}
    for r, c1, _, c2 in row_runs(cells):
        index = open_by_span.get((c1, c2))
        if index is not None and stacked[index][2] == r - 1:
            first_row = stacked[index][0]
            stacked[index] = (first_row, c1, r, c2)
        else:
            open_by_span[(c1, c2)] = len(stacked)
            stacked.append((r, c1, r, c2))
    return stacked
