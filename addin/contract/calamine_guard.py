"""A Rust panic inside python-calamine, told as one located message instead of a crash.

python-calamine is Rust bound through pyo3; an ``assert!`` that fails in calamine (for example
"invalid range bounds" on a range whose end lies before its start) surfaces in Python as
``pyo3_runtime.PanicException``, which derives from BaseException, not Exception, so an
``except Exception`` lets it through as a traceback. Before Python sees it, Rust's panic hook
has already written "thread … panicked at …" (and a backtrace under RUST_BACKTRACE) to the
process's standard error. The reader avoids the panics it knows of by checking each table's
geometry first; ``calamine_guard`` is the net for the rest.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import python_calamine as calamine

from ..errors import UnusableInput, is_native_panic

__all__ = ["calamine_guard"]


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
