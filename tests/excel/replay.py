"""Replaying the actions xlwings' remote engine queued, to see the workbook Excel would end with.

Only what the tests compare is modelled: which sheet each action targets, cell values and
number formats, merges and alerts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

_HYPERLINK = re.compile(r'^=HYPERLINK\("((?:[^"]|"")*)","((?:[^"]|"")*)"\)$')


@dataclass
class SheetState:
    values: dict[tuple[int, int], Any] = field(default_factory=dict)  # as Excel shows them
    formats: dict[tuple[int, int], str] = field(default_factory=dict)
    links: dict[tuple[int, int], str] = field(default_factory=dict)  # HYPERLINK targets


@dataclass
class Replay:
    sheets: list[str]
    state: dict[str, SheetState] = field(default_factory=dict)
    touched: set[str] = field(default_factory=set)
    alerts: list[list[Any]] = field(default_factory=list)

    @classmethod
    def of(cls, payload: dict[str, Any], actions: list[dict[str, Any]]) -> Replay:
        replay = cls([s["name"] for s in payload["sheets"]])
        for action in actions:
            replay.apply(action)
        return replay

    def _cells(self, a: dict[str, Any]) -> list[tuple[int, int]]:
        return [
            (a["start_row"] + r, a["start_column"] + c)
            for r in range(a["row_count"] or 0)
            for c in range(a["column_count"] or 0)
        ]

    def apply(self, a: dict[str, Any]) -> None:
        func = a["func"]
        if func == "addSheet":
            index, name = a["args"]
            self.sheets.insert(index, name)
            self.state[name] = SheetState()
            self.touched.add(name)
            return
        if func == "alert":
            self.alerts.append(a["args"])
            return
        if a["sheet_position"] is None:
            return
        name = self.sheets[a["sheet_position"]]
        self.touched.add(name)
        sheet = self.state.setdefault(name, SheetState())
        if func == "sheetDelete":
            self.sheets.pop(a["sheet_position"])
            del self.state[name]
        elif func == "setValues":
            for r, row in enumerate(a["values"]):
                for c, value in enumerate(row):
                    cell = (a["start_row"] + r, a["start_column"] + c)
                    link = _HYPERLINK.match(value) if isinstance(value, str) else None
                    if link is not None:  # Excel shows the formula's text and follows its link
                        sheet.links[cell] = link.group(1).replace('""', '"')
                        value = link.group(2).replace('""', '"')
                    sheet.values[cell] = value
        elif func == "setNumberFormat":
            for cell in self._cells(a):
                sheet.formats[cell] = a["args"][0]
