"""Findings of an evaluation as the tests compare them."""

from __future__ import annotations

from addin.core import Evaluation

# The example's own warning (执行数 vs 支出数, as the reference report prints both): in every
# evaluation of the example, so left out where a test looks at what its edit caused.
EXAMPLE_WARNING = "预算执行!F4"


def locations_by_code(ev: Evaluation) -> dict[str, list[str]]:
    """Each finding code → the cells it names, in order (the example's own warning left out)."""
    out: dict[str, list[str]] = {}
    for f in ev.findings:
        if f.location != EXAMPLE_WARNING:
            out.setdefault(f.code, []).append(f.location)
    return out
