"""A layout's chart (ChartSpec) as inline SVG, from the same cells the native chart reads.

Columns for the primary series, a line with markers on a secondary axis for ``secondary``
ones (the package writer's "bar_line"), value labels in each series' number format, axes
from zero. Presentation attributes only (no style attribute, no script), for the page's CSP.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from ..report.layout import ChartSpec, Series, SheetLayout
from ..report.numfmt import format_number

__all__ = ["chart_svg"]

_COLORS = ("#2F5597", "#ED7D31", "#70AD47", "#7030A0")  # the package writer's series colours
_FONT = '"SimSun", "Noto Serif CJK SC", serif'


def _column(layout: SheetLayout, rows: tuple[int, int, int]) -> list[object]:
    first, last, col = rows
    values: list[object] = []
    for r in range(first, last + 1):
        cell = layout.cells.get((r, col))
        values.append(None if cell is None else cell.value)
    return values


def _numbers(layout: SheetLayout, s: Series) -> list[Decimal | None]:
    return [v if isinstance(v, Decimal) else None for v in _column(layout, s.values)]


def _nice_top(peak: Decimal) -> Decimal:
    """The axis maximum: 1, 2, 2.5 or 5 times a power of ten, at or above ``peak``."""
    if peak <= 0:
        return Decimal(1)
    exponent = peak.adjusted()
    for step in (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10)):
        top = step.scaleb(exponent)
        if top >= peak:
            return top
    return Decimal(10).scaleb(exponent)


def _text(x: float, y: float, text: str, size: int = 11, anchor: str = "middle", extra: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-family=\'{_FONT}\''
        f"{extra}>{escape(text)}</text>"
    )


def _fit(text: str, width: float, size: int) -> str:
    """``text`` cut with … to about ``width`` pixels (a CJK character is about ``size`` wide)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += size if ord(ch) > 0x2E7F else size * 0.55
        if used > width:
            return text[: max(1, i - 1)] + "…"
    return text


def chart_svg(layout: SheetLayout, spec: ChartSpec, width: int, height: int) -> str:
    bars = [s for s in spec.series if not s.secondary]
    lines = [s for s in spec.series if s.secondary]
    reference = (bars or lines)[0]
    categories = ["" if v is None else str(v) for v in _column(layout, reference.categories)]
    n = max(1, len(categories))
    left, right = 56, (56 if lines else 16)
    top, bottom = 34, 46 if len(spec.series) > 1 else 30
    plot_w, plot_h = max(10, width - left - right), max(10, height - top - bottom)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(spec.title)}">',
        f"<title>{escape(spec.title)}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#ffffff" stroke="#d9d9d9"/>',
        _text(width / 2, 20, spec.title, 13, extra=' font-weight="bold"'),
    ]

    def axis(series: list[Series], number_format: str, x: float, anchor: str, gridlines: bool) -> Decimal:
        values = [v for s in series for v in _numbers(layout, s) if v is not None]
        scale_top = _nice_top(max(values, default=Decimal(0)))
        for i in range(5):
            value = scale_top * i / 4
            y = top + plot_h - plot_h * i / 4
            if gridlines:
                out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="#d9d9d9"/>')
            out.append(_text(x, y + 4, format_number(value, number_format), 10, anchor))
        return scale_top

    primary_top = axis(bars, spec.y_format, left - 6, "end", True) if bars else Decimal(1)
    secondary_top = axis(lines, spec.y2_format, left + plot_w + 6, "start", not bars) if lines else Decimal(1)
    if spec.y_title and bars:
        out.append(
            _text(12, top + plot_h / 2, spec.y_title, 10, extra=f' transform="rotate(-90 12 {top + plot_h / 2:.1f})"')
        )
    out.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" stroke="#808080"/>')

    group = plot_w / n
    bar_w = group * 0.6 / max(1, len(bars))
    for k, s in enumerate(bars):
        color = _COLORS[k % len(_COLORS)]
        for i, value in enumerate(_numbers(layout, s)):
            if value is None:
                continue
            h = float(value / primary_top) * plot_h if primary_top else 0.0
            x = left + group * i + group * 0.2 + bar_w * k
            y = top + plot_h - h
            out.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{color}"/>')
            out.append(_text(x + bar_w / 2, y - 3, format_number(value, s.number_format), 9))
    for k, s in enumerate(lines):
        color = _COLORS[(len(bars) + k) % len(_COLORS)]
        points = []
        for i, value in enumerate(_numbers(layout, s)):
            if value is None:
                continue
            x = left + group * i + group / 2
            y = top + plot_h - (float(value / secondary_top) * plot_h if secondary_top else 0.0)
            points.append((x, y, value))
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in points)
            out.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for x, y, value in points:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"/>')
            out.append(_text(x, y - 7, format_number(value, s.number_format), 9, extra=f' fill="{color}"'))
    for i, name in enumerate(categories):
        out.append(_text(left + group * i + group / 2, top + plot_h + 15, _fit(name, group - 4, 10), 10))
    if len(spec.series) > 1:
        x = left
        for k, s in enumerate(bars + lines):
            color = _COLORS[k % len(_COLORS)]
            out.append(f'<rect x="{x}" y="{height - 14}" width="10" height="10" fill="{color}"/>')
            out.append(_text(x + 14, height - 5, s.name, 10, "start"))
            x += 28 + 12 * len(s.name)
    out.append("</svg>")
    return "".join(out)
