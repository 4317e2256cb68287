"""Building the example workbook (what ``demo`` writes) from the example data."""

from __future__ import annotations

from pathlib import Path

from ..workbook.builder import BuildOptions, build_workbook
from ..workbook.vba import vba_project_bytes
from .data import EXAMPLE_NOTE, EXAMPLE_TABLES

__all__ = ["build_example"]


def build_example(path: Path) -> None:
    build_workbook(path, EXAMPLE_TABLES, BuildOptions(note=EXAMPLE_NOTE, vba_project=vba_project_bytes()))
