"""Building the example workbook (what ``demo`` writes, before its report) from the example data."""

from __future__ import annotations

from pathlib import Path

__all__ = ["build_example"]


def build_example(path: Path) -> None:
    from ..workbook.template import build_template

    build_template(path, example=True)
