"""python-calamine on a thread of its own: a panic there is the same located message as on the
caller's thread, its report is kept for --debug (never printed), and a refusal of the caller's
wins over it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import python_calamine as calamine

from addin.contract.calamine_guard import Handover, calamine_guard, calamine_thread
from addin.errors import UnusableInput, is_native_panic
from tests.contract.test_degenerate_tables import empty_ledger

_WHERE = "工作表“采购合同”的表格 tblContracts"


def _panicking(path: Path, seen: list[BaseException]) -> Callable[[], object]:
    # python-calamine's own table reader panics on a header-only table ("invalid range bounds").
    def work() -> object:
        try:
            with calamine.CalamineWorkbook.from_path(str(path), load_tables=True) as wb, calamine_guard(path, _WHERE):
                return wb.get_table_by_name("tblContracts")
        except BaseException as exc:
            seen.append(exc)
            raise

    return work


def _no_reading_thread() -> bool:
    return not any(t.name == "calamine" for t in threading.enumerate())


def test_a_panic_on_the_reading_thread_is_the_located_message(
    edited: Callable[..., Path], capfd: pytest.CaptureFixture[str]
) -> None:
    path = edited(empty_ledger())
    with pytest.raises(UnusableInput) as caught, calamine_thread(_panicking(path, [])) as reading:
        reading()
    assert caught.value.message.startswith(f"“{path.name}”中{_WHERE}无法读取")
    cause = caught.value.__cause__
    assert cause is not None and is_native_panic(cause)
    assert any("panicked" in note for note in getattr(cause, "__notes__", []))  # kept for --debug
    assert "panicked" not in capfd.readouterr().err


def test_a_refusal_of_the_callers_wins_and_the_panic_report_is_not_printed(
    edited: Callable[..., Path], capfd: pytest.CaptureFixture[str]
) -> None:
    path = edited(empty_ledger())
    seen: list[BaseException] = []
    with pytest.raises(UnusableInput, match="the caller's refusal"), calamine_thread(_panicking(path, seen)):
        raise UnusableInput("the caller's refusal")
    assert _no_reading_thread()  # left only once the reading ended
    assert len(seen) == 1 and is_native_panic(seen[0].__cause__ or seen[0])  # it did panic
    assert "panicked" not in capfd.readouterr().err


def test_other_output_of_the_reading_thread_still_reaches_stderr(capfd: pytest.CaptureFixture[str]) -> None:
    with calamine_thread(lambda: os.write(2, b"a native library's own line\n")) as reading:
        assert reading() > 0
    assert "a native library's own line" in capfd.readouterr().err


def test_a_reading_thread_waiting_for_the_survey_is_stopped_when_the_survey_raises() -> None:
    handover: Handover[str] = Handover()
    took: list[str | None] = []
    left: list[BaseException] = []

    def survey_that_raises() -> None:  # on a thread of the test's own, so a hang fails the test
        try:
            with calamine_thread(lambda: took.append(handover.take()), handover):
                raise KeyError("the survey's own error")
        except KeyError as exc:
            left.append(exc)

    caller = threading.Thread(target=survey_that_raises, daemon=True)
    caller.start()
    caller.join(timeout=30)
    assert not caller.is_alive(), "the block never ended: the reading thread waits for ever"
    assert took == [None] and len(left) == 1
