"""Exceptions a clerk may meet, each carrying one Chinese line that says what to do.

    AddinError                  base; ``message`` is the line shown, ``exit_code`` the CLI's
     ├── UnusableInput          exit 2: not a workbook, encrypted, missing sheet/table/column, …
     │    └── WorkbookBusy      exit 2: open in Excel (lock file) or read-only; nothing written
     ├── DataErrors             exit 1: the data contradict themselves; carries the findings
     └── BrokenOutput           exit 3: what we were about to write is malformed (a defect); nothing written

Anything else escaping is a bug: the CLI shows one line and the traceback only with --debug.
A Rust panic in a native library (pyo3's PanicException) is such a bug too, but it derives from
BaseException: ``is_native_panic`` tells it from KeyboardInterrupt and SystemExit.
"""

from __future__ import annotations

from collections.abc import Sequence

from .core.findings import Finding

__all__ = ["AddinError", "BrokenOutput", "DataErrors", "UnusableInput", "WorkbookBusy", "is_native_panic"]


class AddinError(Exception):
    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UnusableInput(AddinError):
    """The file cannot be read as a workbook of the contract."""

    exit_code = 2


class WorkbookBusy(UnusableInput):
    """The target file cannot be written now (open in Excel, read-only)."""


class DataErrors(AddinError):
    """Checks found errors; nothing was written."""

    exit_code = 1

    def __init__(self, findings: Sequence[Finding]) -> None:
        errors = [f for f in findings if f.severity.value == "error"]
        first = errors[0].as_line() if errors else ""
        more = f"（另有 {len(errors) - 1} 处错误）" if len(errors) > 1 else ""
        super().__init__(f"数据有 {len(errors)} 处错误，未生成报告。{first}{more}")
        self.findings = list(findings)


class BrokenOutput(AddinError):
    """A part we rewrote does not parse: a defect of ours, caught before anything is written."""

    exit_code = 3


def is_native_panic(exc: BaseException) -> bool:
    """True for ``pyo3_runtime.PanicException`` (python-calamine, any pyo3 extension), which no
    module exports for an ``except`` clause."""
    kind = type(exc)
    return kind.__name__ == "PanicException" and kind.__module__ == "pyo3_runtime"
