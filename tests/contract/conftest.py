"""Fixtures of the reading tests: the example workbook as a clerk edits it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest

Edit = Callable[[openpyxl.Workbook], None]


@pytest.fixture
def edited(make_workbook: Callable[..., Path]) -> Callable[..., Path]:
    """The example (optionally with table changes), then edited with openpyxl as a clerk would."""

    def make(edit: Edit | None = None, name: str = "dept.xlsx", **changes: Any) -> Path:
        path = make_workbook(name=name, **changes)
        if edit is not None:
            wb = openpyxl.load_workbook(path)
            edit(wb)
            wb.save(path)
        return path

    return make
