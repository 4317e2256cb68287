"""Excel's application state around long work, and the one message box a clerk sees.

Screen updating and calculation are switched off while we work and put back afterwards,
even on failure. Engines that cannot do something (xlwings' remote engine has no status bar
and cannot read screen updating) are simply skipped: none of this may fail the job.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["alert", "excel_session"]

_TITLE = "部门整体支出绩效自评"


def _try(action: Callable[[], Any]) -> Any:
    try:
        return action()
    except Exception:  # engines differ in what they support; none of this is essential
        return None


@contextlib.contextmanager
def excel_session(app: Any) -> Iterator[Callable[[str], None]]:
    """Quiet Excel for the duration; yields a function that shows progress in the status bar."""
    calculation = _try(lambda: app.calculation)
    _try(lambda: setattr(app, "screen_updating", False))
    if calculation is not None:
        _try(lambda: setattr(app, "calculation", "manual"))

    def progress(text: str) -> None:
        _try(lambda: setattr(app, "status_bar", text))

    try:
        yield progress
    finally:
        _try(lambda: setattr(app, "status_bar", False))
        if calculation is not None:
            _try(lambda: setattr(app, "calculation", calculation))
        _try(lambda: setattr(app, "screen_updating", True))


def alert(app: Any, message: str, *, critical: bool = False) -> None:
    """One message box; a clerk never sees a traceback."""
    _try(lambda: app.alert(message, title=_TITLE, buttons="ok", mode="critical" if critical else "info"))
