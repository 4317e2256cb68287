"""Native Excel charts (DrawingML) for a SheetLayout: a drawing part and one part per chart.

Each series carries its cached values, so the chart shows without recalculation, in Excel,
WPS and LibreOffice alike.
"""

from __future__ import annotations

from decimal import Decimal
from xml.sax.saxutils import escape

from ..core.model import column_letter
from .layout import ChartSpec, Series, SheetLayout
from .xml_sheet import quote_sheet

__all__ = ["chart_xml", "drawing_xml"]

_C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XDR = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_FONT = "宋体"
_COLORS = ("2F5597", "ED7D31", "70AD47")


def _font(size: int, bold: bool = False) -> str:
    b = ' b="1"' if bold else ""
    return (
        f'<a:defRPr sz="{size}"{b}><a:latin typeface="{_FONT}"/><a:ea typeface="{_FONT}"/>'
        f'<a:cs typeface="{_FONT}"/></a:defRPr>'
    )


def _tx_pr(size: int = 900) -> str:
    return (
        f'<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(size)}</a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr>'
    )


def _rich(text: str, size: int, bold: bool = True) -> str:
    b = ' b="1"' if bold else ""
    return (
        f"<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(size, bold)}</a:pPr>"
        f'<a:r><a:rPr lang="zh-CN" sz="{size}"{b}><a:latin typeface="{_FONT}"/><a:ea typeface="{_FONT}"/></a:rPr>'
        f"<a:t>{escape(text)}</a:t></a:r></a:p></c:rich></c:tx>"
    )


def _range(sheet: str, first: int, last: int, col: int) -> str:
    letter = column_letter(col)
    return f"{quote_sheet(sheet)}!${letter}${first + 1}:${letter}${last + 1}"


def _categories(layout: SheetLayout, s: Series) -> str:
    first, last, col = s.categories
    pts = []
    for i, r in enumerate(range(first, last + 1)):
        cell = layout.cells.get((r, col))
        value = "" if cell is None or cell.value is None else str(cell.value)
        pts.append(f'<c:pt idx="{i}"><c:v>{escape(value)}</c:v></c:pt>')
    return (
        f"<c:cat><c:strRef><c:f>{escape(_range(layout.name, first, last, col))}</c:f>"
        f'<c:strCache><c:ptCount val="{last - first + 1}"/>{"".join(pts)}</c:strCache></c:strRef></c:cat>'
    )


def _values(layout: SheetLayout, s: Series) -> str:
    first, last, col = s.values
    pts = []
    for i, r in enumerate(range(first, last + 1)):
        cell = layout.cells.get((r, col))
        if cell is not None and isinstance(cell.value, Decimal):
            pts.append(f'<c:pt idx="{i}"><c:v>{cell.value}</c:v></c:pt>')
    return (
        f"<c:val><c:numRef><c:f>{escape(_range(layout.name, first, last, col))}</c:f>"
        f"<c:numCache><c:formatCode>{escape(s.number_format)}</c:formatCode>"
        f'<c:ptCount val="{last - first + 1}"/>{"".join(pts)}</c:numCache></c:numRef></c:val>'
    )


def _labels(number_format: str) -> str:
    return (
        f'<c:dLbls><c:numFmt formatCode="{escape(number_format)}" sourceLinked="0"/>'
        "<c:spPr><a:noFill/><a:ln><a:noFill/></a:ln></c:spPr>"
        f"{_tx_pr(800)}"
        '<c:showLegendKey val="0"/><c:showVal val="1"/><c:showCatName val="0"/>'
        '<c:showSerName val="0"/><c:showPercent val="0"/><c:showBubbleSize val="0"/></c:dLbls>'
    )


def _series(layout: SheetLayout, s: Series, index: int, line: bool) -> str:
    color = _COLORS[index % len(_COLORS)]
    if line:
        shape = (
            f'<c:spPr><a:ln w="28575"><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></a:ln></c:spPr>'
            f'<c:marker><c:symbol val="circle"/><c:size val="6"/></c:marker>'
        )
    else:
        shape = f'<c:spPr><a:solidFill><a:srgbClr val="{color}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
    tail = '<c:smooth val="0"/>' if line else ""
    return (
        f'<c:ser><c:idx val="{index}"/><c:order val="{index}"/><c:tx><c:v>{escape(s.name)}</c:v></c:tx>'
        f"{shape}{_labels(s.number_format)}{_categories(layout, s)}{_values(layout, s)}{tail}</c:ser>"
    )


def _cat_ax(ax: int, cross: int, delete: bool) -> str:
    return (
        f'<c:catAx><c:axId val="{ax}"/><c:scaling><c:orientation val="minMax"/></c:scaling>'
        f'<c:delete val="{int(delete)}"/><c:axPos val="b"/><c:numFmt formatCode="General" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_tx_pr()}<c:crossAx val="{cross}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>'
    )


_GRIDLINES = (
    '<c:majorGridlines><c:spPr><a:ln><a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln>'
    "</c:spPr></c:majorGridlines>"
)


def _val_ax(ax: int, cross: int, number_format: str, title: str, right: bool) -> str:
    grid = "" if right else _GRIDLINES
    title_xml = f'<c:title>{_rich(title, 900, False)}<c:overlay val="0"/></c:title>' if title else ""
    crosses = '<c:crosses val="max"/>' if right else '<c:crosses val="autoZero"/>'
    return (
        f'<c:valAx><c:axId val="{ax}"/><c:scaling><c:orientation val="minMax"/><c:min val="0"/></c:scaling>'
        f'<c:delete val="0"/><c:axPos val="{"r" if right else "l"}"/>{grid}{title_xml}'
        f'<c:numFmt formatCode="{escape(number_format)}" sourceLinked="0"/>'
        '<c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/>'
        f'{_tx_pr()}<c:crossAx val="{cross}"/>{crosses}<c:crossBetween val="between"/></c:valAx>'
    )


def chart_xml(layout: SheetLayout, spec: ChartSpec) -> bytes:
    bars = [s for s in spec.series if not s.secondary]
    lines = [s for s in spec.series if s.secondary]
    plot = ["<c:plotArea><c:layout/>"]
    plot.append('<c:barChart><c:barDir val="col"/><c:grouping val="clustered"/><c:varyColors val="0"/>')
    plot.extend(_series(layout, s, i, False) for i, s in enumerate(bars))
    plot.append('<c:gapWidth val="80"/><c:axId val="1001"/><c:axId val="1002"/></c:barChart>')
    if lines:
        plot.append('<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>')
        plot.extend(_series(layout, s, len(bars) + i, True) for i, s in enumerate(lines))
        plot.append('<c:marker val="1"/><c:axId val="1003"/><c:axId val="1004"/></c:lineChart>')
    plot.append(_cat_ax(1001, 1002, False))
    plot.append(_val_ax(1002, 1001, spec.y_format, spec.y_title, False))
    if lines:
        plot.append(_cat_ax(1003, 1004, True))
        plot.append(_val_ax(1004, 1003, spec.y2_format, spec.y2_title, True))
    plot.append("</c:plotArea>")
    legend = (
        f'<c:legend><c:legendPos val="b"/><c:overlay val="0"/>{_tx_pr()}</c:legend>' if len(spec.series) > 1 else ""
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<c:chartSpace xmlns:c="{_C}" xmlns:a="{_A}" xmlns:r="{_R}">'
        '<c:lang val="zh-CN"/><c:roundedCorners val="0"/>'
        f'<c:chart><c:title>{_rich(spec.title, 1200)}<c:overlay val="0"/></c:title>'
        '<c:autoTitleDeleted val="0"/>'
        f'{"".join(plot)}{legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart>'
        f"{_tx_pr()}"
        "</c:chartSpace>"
    )
    return xml.encode("utf-8")


def _marker(row: int, col: int) -> str:
    return f"<xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff>"


def drawing_xml(layout: SheetLayout, rel_ids: list[str]) -> bytes:
    anchors = []
    for i, (spec, rel) in enumerate(zip(layout.charts, rel_ids, strict=True)):
        r1, c1, r2, c2 = spec.anchor
        anchors.append(
            f'<xdr:twoCellAnchor editAs="oneCell"><xdr:from>{_marker(r1, c1)}</xdr:from>'
            f"<xdr:to>{_marker(r2 + 1, c2 + 1)}</xdr:to>"
            f'<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="{i + 2}" name="图表 {i + 1}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr>"
            '<xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm>'
            f'<a:graphic><a:graphicData uri="{_C}"><c:chart xmlns:c="{_C}" r:id="{rel}"/>'
            "</a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    xml = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<xdr:wsDr xmlns:xdr="{_XDR}" xmlns:a="{_A}" xmlns:r="{_R}">{"".join(anchors)}</xdr:wsDr>'
    )
    return xml.encode("utf-8")
