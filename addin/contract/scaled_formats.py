"""Amount cells whose number format shows them scaled down: 72154600 under `0!.0000` shows
7215.4600, so a clerk sees 万元 while the cell holds 元. The figures use what the cell holds;
the clerk is told, at the cell, what is shown and what is computed (one warning per table)."""

from __future__ import annotations

import math
from collections.abc import Set
from decimal import Decimal

from ..core.findings import Findings
from ..core.model import column_letter
from ..core.numbers import to_decimal
from .raw import RawTable

__all__ = ["report_scaled"]


def report_scaled(raw: RawTable, amounts: Set[int], amount_unit: str, findings: Findings) -> None:
    """Name the first amount cell (of the sheet columns ``amounts``) holding a non-zero number
    under a scaled format (``raw.scaled_cells``), with how many there are."""
    last = raw.first_row + len(raw.rows) - 1
    found = []
    for (r, c), divisor in sorted(raw.scaled_cells.items()):
        if c in amounts and raw.first_row <= r <= last:
            row = raw.rows[r - raw.first_row]
            value = row[c - raw.first_col] if c - raw.first_col < len(row) else None
            if (type(value) is int or (type(value) is float and math.isfinite(value))) and value:
                found.append((r, c, to_decimal(value), divisor))
    if not found:
        return
    r, c, value, divisor = found[0]
    unit = amount_unit or "基本信息中的金额单位"
    more = f"（本表共 {len(found)} 个金额单元格如此）" if len(found) > 1 else ""
    shown = (value / divisor).quantize(Decimal(1).scaleb(1 - len(str(divisor))))
    guess = "疑似按元填写、按万元显示；" if divisor == 10000 and amount_unit == "万元" else ""
    findings.warning(
        "input_amount_scaled_format",
        f"该单元格的数字格式把数值缩小 {divisor} 倍显示（显示为 {shown:f}，实际数值为 {value:f}）{more}："
        f"金额按实际数值计算，本表金额单位为{unit}。{guess}请把金额换算为{unit}后填写，并改用普通数字格式",
        f"{raw.sheet}!{column_letter(c)}{r}",
    )
