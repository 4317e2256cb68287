"""Jobs for the worker-pool tests: they run in the pool's real worker processes."""

from __future__ import annotations

import os
import time

from addin.core.findings import Finding, Severity
from addin.errors import DataErrors, UnusableInput


def pid(delay: float = 0.0) -> int:
    time.sleep(delay)
    return os.getpid()


def die() -> None:
    os.abort()  # what a native library does when an allocation fails


def hang(seconds: float) -> None:
    time.sleep(seconds)


def allocate(mib: int) -> int:
    block = bytearray(mib * 1024 * 1024)
    return len(block)


def unusable() -> None:
    raise UnusableInput("“甲局.xlsx”不是 Excel 工作簿")


def data_errors() -> None:
    raise DataErrors([Finding(Severity.ERROR, "budget_text", "执行数须为数字", "预算执行!E5")])


def bug() -> None:
    raise KeyError("secret internal detail")
