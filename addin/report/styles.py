"""Named cell styles of the report sheets, independent of any writer.

Both writers (the package writer and the xlwings writer) render a style from this catalogue,
so the report looks the same whichever door wrote it. Fonts are the Chinese faces every
Windows machine has: 宋体 (SimSun) for tables, 仿宋 (FangSong) for prose, 黑体 (SimHei) for
headings.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ..core.numbers import round_half_up

__all__ = [
    "AMOUNT_FORMAT",
    "AMOUNT_FORMATS",
    "PERCENT1_FORMAT",
    "PERCENT2_FORMAT",
    "SCORE_FORMAT",
    "STYLES",
    "Style",
    "amount_cell",
    "amount_format",
    "amount_style",
]

AMOUNT_FORMAT = "#,##0.00"


def amount_format(places: int) -> str:
    """The amount format with ``places`` decimals ("#,##0.00", … "#,##0.000000")."""
    return "#,##0." + "0" * places


# Every amount format a report uses: 2 decimals, or a 亿元 department's 3 to 6 (units.amount_places).
AMOUNT_FORMATS = {places: amount_format(places) for places in range(2, 7)}
PERCENT2_FORMAT = "0.00%"
PERCENT1_FORMAT = "0.0%"
SCORE_FORMAT = "0.00"

SONG = "宋体"
FANGSONG = "仿宋"
HEI = "黑体"


@dataclass(frozen=True, slots=True)
class Style:
    font: str = SONG
    size: float = 10
    bold: bool = False
    italic: bool = False
    color: str = "000000"  # RGB hex
    fill: str | None = None  # RGB hex of a solid fill
    border: bool = False  # thin border all round
    halign: str = "general"  # general / left / center / right
    valign: str = "center"
    wrap: bool = False
    number_format: str = "General"
    underline: bool = False


_TH = Style(bold=True, fill="DDEBF7", border=True, halign="center", wrap=True)
_TD = Style(border=True, wrap=True)
_TOTAL = Style(bold=True, fill="F2F2F2", border=True)

STYLES: dict[str, Style] = {
    "title": Style(font=SONG, size=16, bold=True, halign="center", wrap=True),
    "subtitle": Style(font=SONG, size=10, color="595959", halign="center"),
    "section": Style(font=HEI, size=12, halign="left"),
    "subsection": Style(font=HEI, size=11, halign="left"),
    "para": Style(font=FANGSONG, size=11, halign="left", valign="top", wrap=True),
    "th": _TH,
    "td": _TD,
    "td_center": Style(border=True, halign="center", wrap=True),
    "td_amount": Style(border=True, halign="right", number_format=AMOUNT_FORMAT),
    "td_pct2": Style(border=True, halign="right", number_format=PERCENT2_FORMAT),
    "td_pct1": Style(border=True, halign="right", number_format=PERCENT1_FORMAT),
    "td_score": Style(border=True, halign="right", number_format=SCORE_FORMAT),
    "td_dash": Style(border=True, halign="right"),
    "td_num": Style(border=True, halign="right"),
    "td_note": Style(border=True, size=9, color="9C5700", wrap=True),
    "total": _TOTAL,
    "total_center": Style(bold=True, fill="F2F2F2", border=True, halign="center"),
    "total_amount": Style(bold=True, fill="F2F2F2", border=True, halign="right", number_format=AMOUNT_FORMAT),
    "total_pct2": Style(bold=True, fill="F2F2F2", border=True, halign="right", number_format=PERCENT2_FORMAT),
    "total_pct1": Style(bold=True, fill="F2F2F2", border=True, halign="right", number_format=PERCENT1_FORMAT),
    "total_score": Style(bold=True, fill="F2F2F2", border=True, halign="right", number_format=SCORE_FORMAT),
    "subtotal": Style(bold=True, fill="FAFAFA", border=True),
    "subtotal_score": Style(bold=True, fill="FAFAFA", border=True, halign="right", number_format=SCORE_FORMAT),
    "grade": Style(font=HEI, size=12, bold=True, color="C00000", halign="left"),
    "kv_key": Style(bold=True, fill="F2F2F2", border=True),
    "kv_amount": Style(border=True, halign="right", number_format=AMOUNT_FORMAT),
    "kv_pct2": Style(border=True, halign="right", number_format=PERCENT2_FORMAT),
    "kv_text": Style(border=True),
    "error": Style(border=True, color="C00000", bold=True, halign="center"),
    "warning": Style(border=True, color="9C5700", bold=True, halign="center"),
    "link": Style(border=True, color="0563C1", underline=True),
    "footnote": Style(size=9, italic=True, color="7F7F7F", wrap=True, valign="top"),
    # the 项目支出绩效自评表: side labels over blocks, top-aligned prose, small notes
    "side": Style(bold=True, fill="F2F2F2", border=True, halign="center", wrap=True),
    "td_top": Style(border=True, wrap=True, valign="top"),
    "td_small": Style(border=True, wrap=True, size=9),
    "td_link_center": Style(border=True, color="0563C1", underline=True, halign="center"),
}
# Each amount style with 3 to 6 decimals, named "<style>.<places>" ("td_amount.4").
STYLES.update(
    {
        f"{name}.{places}": replace(style, number_format=code)
        for name, style in list(STYLES.items())
        if style.number_format == AMOUNT_FORMAT
        for places, code in AMOUNT_FORMATS.items()
        if places != 2
    }
)


def amount_cell(value: Decimal | None, style: str, places: int) -> tuple[Decimal | None, str]:
    """An amount cell of a layout: ``value`` rounded half-up to ``places`` (the department's
    ``Evaluation.amount_places``) in the amount ``style`` with as many decimals."""
    return (None if value is None else round_half_up(value, places)), amount_style(style, places)


def amount_style(name: str, places: int) -> str:
    """The amount style ``name`` ("td_amount") with ``places`` decimals (the department's
    ``Evaluation.amount_places``)."""
    return name if places == 2 else f"{name}.{places}"
