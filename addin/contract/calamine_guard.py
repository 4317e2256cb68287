"""A Rust panic inside python-calamine, told as one located message instead of a crash.

python-calamine is Rust bound through pyo3; an ``assert!`` that fails in calamine (for example
"invalid range bounds" on a range whose end lies before its start) surfaces in Python as
``pyo3_runtime.PanicException``, which derives from BaseException, not Exception, so an
``except Exception`` lets it through as a traceback. Before Python sees it, Rust's panic hook
has already written "thread … panicked at …" (and a backtrace under RUST_BACKTRACE) to the
process's standard error. The reader avoids the panics it knows of by checking each table's
geometry first; ``calamine_guard`` is the net for the rest.

``calamine_thread`` runs python-calamine calls on a thread of their own while the caller goes on
with Python work: python-calamine releases the GIL while it parses (measured on the
200,000-contract ledger: a Python thread kept about 80% of its own speed during the 450 ms of
``get_table_by_name``), so the caller's work costs no wall time.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

import python_calamine as calamine

from ..errors import UnusableInput, is_native_panic

__all__ = ["Handover", "calamine_guard", "calamine_thread"]

_T = TypeVar("_T")
_V = TypeVar("_V")


@contextmanager
def _held_stderr() -> Iterator[list[BaseException]]:
    """Hold back what is written to file descriptor 2 inside the block (Rust writes there, not to
    ``sys.stderr``); give it back afterwards, unless the block put a panic in the list: then the
    text (the panic's report) becomes a note on that exception, shown only with --debug.

    fd 2 belongs to the whole process, so in any thread but the main one nothing is held."""
    flag: list[BaseException] = []
    if threading.current_thread() is not threading.main_thread():
        yield flag
        return
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError, AttributeError):  # no usable fd 2 (embedded interpreter)
        yield flag
        return
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield flag
        finally:
            with suppress(OSError, ValueError):
                sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)
            held.seek(0)
            text = held.read()
            if flag:
                flag[0].add_note(text.decode("utf-8", "replace"))
            elif text:
                os.write(2, text)


@contextmanager
def calamine_guard(path: Path, what: str) -> Iterator[None]:
    """Run python-calamine calls; a panic or a reading error becomes UnusableInput naming ``path``
    and ``what`` (e.g. "工作表“采购合同”的表格 tblContracts（A3:G3）"), with a panic's report
    kept as a note for --debug. A wrong password and any other exception pass unchanged."""
    with _held_stderr() as panicked:
        try:
            yield
        except calamine.PasswordError:
            raise
        except BaseException as exc:
            if is_native_panic(exc):
                panicked.append(exc)
            elif not isinstance(exc, calamine.CalamineError):
                raise
            error = UnusableInput(
                # The library's own (English) words stay in the cause and the note (--debug).
                f"“{path.name}”中{what}无法读取（读取组件出错，文件内容可能已损坏）："
                f"请在 Excel 或 WPS 中打开该文件（按提示修复），检查{what}后另存再试"
            )
            raise error from exc


class Handover(Generic[_V]):
    """A value one thread hands to another once; the taker waits for it. None tells it to stop."""

    def __init__(self) -> None:
        self._given = threading.Event()
        self._value: _V | None = None

    def give(self, value: _V | None) -> None:
        """Hand ``value`` over; later calls change nothing (so a ``finally`` may give None)."""
        if not self._given.is_set():
            self._value = value
            self._given.set()

    def take(self) -> _V | None:
        self._given.wait()
        return self._value


@contextmanager
def calamine_thread(work: Callable[[], _T], handover: Handover[Any] | None = None) -> Iterator[Callable[[], _T]]:
    """Run ``work`` (python-calamine calls, each inside ``calamine_guard``) on a thread of its own
    while the block runs; the block gets a function that waits for ``work`` and returns its result
    or raises what it raised (a panic as the located UnusableInput ``calamine_guard`` made of it).

    The block is left only once ``work`` has ended, whatever either raised: what ``work`` read is
    discarded when the block raises first, and a ``handover`` that ``work`` waits on is given None
    (stop) if the block handed nothing, so that wait never hangs. File descriptor 2 is held for
    the whole block (Rust writes a panic's report there from any thread): a panic's report becomes
    a note on the panic, kept for --debug, even when the panic is discarded; other output is given
    back afterwards."""
    outcome: list[tuple[bool, object]] = []

    def run() -> None:
        try:
            outcome.append((True, work()))
        except BaseException as exc:  # handed to the caller's thread, which raises it
            outcome.append((False, exc))

    thread = threading.Thread(target=run, name="calamine", daemon=True)

    def result() -> _T:
        thread.join()
        done, value = outcome[0]
        if done:
            return cast(_T, value)
        assert isinstance(value, BaseException)
        raise value

    with _held_stderr() as panicked:
        try:
            thread.start()
            yield result
        finally:
            if handover is not None:
                handover.give(None)
            if thread.ident is not None:  # started
                thread.join()
            failure = outcome[0][1] if outcome and not outcome[0][0] else None
            if isinstance(failure, BaseException):
                panic = failure if is_native_panic(failure) else failure.__cause__
                if panic is not None and is_native_panic(panic):
                    panicked.append(panic)
