"""The data a report was generated from, as a short code on its 校验结果 sheet.

A share copy carries the report sheets as last generated; the data beside them may have changed
since. ``generate`` writes a code of the figures it computed (a hash of the summary JSON's
figure sections: department, year, unit, budget, procurement, score, projects; not the findings,
whose wording may change between versions) as the last 说明 row of 校验结果, so every writer
(sheet XML, the Excel door, the web preview) carries it; ``share`` computes the code of the data
as they are now and compares, so a copy whose report no longer matches its data says so.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable

from ..core import Evaluation

__all__ = ["DIGEST_LABEL", "data_digest", "digest_note", "written_digest"]

DIGEST_LABEL = "数据校验码"
_FIGURES = ("department", "year", "amount_unit", "budget", "procurement", "score", "projects")
_WRITTEN = re.compile(DIGEST_LABEL + r"：([0-9A-F]{12})")


def data_digest(ev: Evaluation) -> str:
    """Twelve hex digits naming the evaluation's figures (the same data give the same code)."""
    data = ev.as_json()
    figures = {key: data.get(key) for key in _FIGURES}
    text = json.dumps(figures, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12].upper()


def digest_note(ev: Evaluation) -> str:
    """The 校验结果 line carrying the code."""
    return f"{DIGEST_LABEL}：{data_digest(ev)}（按生成报告时的数据计算；导出共享副本时据此判断报告是否仍与数据一致）"


def written_digest(texts: Iterable[object]) -> str | None:
    """The code a 校验结果 sheet carries (its cells' texts), None when it has none (a report of
    an earlier version)."""
    for text in texts:
        if isinstance(text, str) and DIGEST_LABEL in text:
            found = _WRITTEN.search(text)
            if found is not None:
                return found.group(1)
    return None
