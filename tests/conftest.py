"""Shared fixtures: real workbooks built by the product's own builder, read by its reader."""

from __future__ import annotations

import os

# xlwings' remote engine and server-side custom functions need a licence key; the
# noncommercial one is for these tests only and is never set for users. ON_SERVER makes
# xw.func the decorator whose functions xlwings.server.custom_functions_call can run.
# Both must be set before anything imports xlwings.
os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
os.environ["XLWINGS_ON_SERVER"] = "true"

import copy
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

from addin.example.build import build_example
from addin.example.data import EXAMPLE_NOTE, EXAMPLE_TABLES
from addin.workbook.builder import BuildOptions, build_workbook

Tables = dict[str, list[list[Any]]]

# A shared CI machine can be slow on any one example; the properties are about values, not time.
settings.register_profile("jixiao", deadline=None)
settings.load_profile("jixiao")


@pytest.fixture(scope="session")
def example_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example workbook exactly as ``demo`` builds it (before the report is written)."""
    path = tmp_path_factory.mktemp("example") / "example.xlsm"
    build_example(path)
    return path


@pytest.fixture
def example_copy(example_path: Path, tmp_path: Path) -> Path:
    target = tmp_path / "example.xlsm"
    shutil.copy2(example_path, target)
    return target


@pytest.fixture
def example_tables() -> Tables:
    return copy.deepcopy(EXAMPLE_TABLES)


@pytest.fixture
def make_workbook(tmp_path: Path) -> Callable[..., Path]:
    """Build a contract workbook (.xlsx) from tables, by default the example's."""

    def make(tables: Tables | None = None, name: str = "dept.xlsx", **changes: Any) -> Path:
        data = copy.deepcopy(tables if tables is not None else EXAMPLE_TABLES)
        for table, rows in changes.items():
            data[table] = rows
        path = tmp_path / name
        build_workbook(path, data, BuildOptions(note=EXAMPLE_NOTE))
        return path

    return make
