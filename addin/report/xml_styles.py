"""Merging the report's named styles into a workbook's existing ``xl/styles.xml``.

Edits are textual insertions before the closing tags, so every existing font, fill, border,
number format and cell format keeps its index and its bytes. A style already present (from a
previous run, or saved back by Excel) is found semantically and reused, not added again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from xml.etree.ElementTree import Element
from xml.sax.saxutils import quoteattr

from defusedxml import ElementTree

from .styles import Style

__all__ = ["EMPTY_STYLES", "merge_styles"]

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_BUILTIN_FORMATS = {"General": 0, "0": 1, "0.00": 2, "#,##0": 3, "#,##0.00": 4, "0%": 9, "0.00%": 10}


def _q(tag: str) -> str:
    return f"{{{_MAIN}}}{tag}"


def _rgb(element: Element | None) -> str:
    if element is None:
        return ""
    rgb = element.get("rgb", "")
    return rgb[-6:].upper() if rgb else ""


def _flag(parent: Element, tag: str) -> bool:
    child = parent.find(_q(tag))
    if child is None:
        return False
    return child.get("val", "1") not in ("0", "false", "none")


def _font_key(el: Element) -> tuple[object, ...]:
    name = el.find(_q("name"))
    size = el.find(_q("sz"))
    return (
        name.get("val") if name is not None else "",
        float(size.get("val", "0")) if size is not None else 0.0,
        _flag(el, "b"),
        _flag(el, "i"),
        _flag(el, "u"),
        _rgb(el.find(_q("color"))) or "000000",
    )


def _fill_key(el: Element) -> tuple[object, ...]:
    pattern = el.find(_q("patternFill"))
    if pattern is None:
        return ("other",)
    kind = pattern.get("patternType", "none")
    return (kind, _rgb(pattern.find(_q("fgColor"))) if kind == "solid" else "")


def _border_key(el: Element) -> tuple[object, ...]:
    sides = []
    for side in ("left", "right", "top", "bottom"):
        child = el.find(_q(side))
        sides.append(child.get("style", "") if child is not None else "")
    return tuple(sides)


def _xf_key(el: Element) -> tuple[object, ...]:
    align = el.find(_q("alignment"))
    return (
        int(el.get("numFmtId", "0")),
        int(el.get("fontId", "0")),
        int(el.get("fillId", "0")),
        int(el.get("borderId", "0")),
        align.get("horizontal", "general") if align is not None else "general",
        align.get("vertical", "bottom") if align is not None else "bottom",
        (align.get("wrapText", "0") in ("1", "true")) if align is not None else False,
    )


def _font_xml(s: Style) -> str:
    parts = ["<font>"]
    if s.bold:
        parts.append("<b/>")
    if s.italic:
        parts.append("<i/>")
    if s.underline:
        parts.append("<u/>")
    size = f"{s.size:g}"
    parts.append(f'<sz val="{size}"/><color rgb="FF{s.color.upper()}"/><name val={quoteattr(s.font)}/>')
    parts.append('<family val="3"/><charset val="134"/></font>')
    return "".join(parts)


def _fill_xml(rgb: str) -> str:
    return (
        f'<fill><patternFill patternType="solid"><fgColor rgb="FF{rgb.upper()}"/>'
        '<bgColor indexed="64"/></patternFill></fill>'
    )


_THIN_BORDER = (
    '<border><left style="thin"><color rgb="FF808080"/></left><right style="thin"><color rgb="FF808080"/></right>'
    '<top style="thin"><color rgb="FF808080"/></top><bottom style="thin"><color rgb="FF808080"/></bottom>'
    "<diagonal/></border>"
)


class _Section:
    """One collection element of styles.xml (fonts, fills, …) and what we append to it."""

    def __init__(self, tag: str, existing: list[Element], key: object) -> None:
        self.tag = tag
        self.keys = {key(el): i for i, el in reversed(list(enumerate(existing)))}  # type: ignore[operator]
        self.count = len(existing)
        self.added: list[str] = []

    def index(self, key: tuple[object, ...], xml: str) -> int:
        if key in self.keys:
            return self.keys[key]
        index = self.count + len(self.added)
        self.keys[key] = index
        self.added.append(xml)
        return index


def _insert(text: str, prefix: str, tag: str, items: list[str], count: int) -> str:
    """Append items to <tag count=…>…</tag>, fixing its count; create it when absent."""
    if not items:
        return text
    p = f"{prefix}:" if prefix else ""
    body = "".join(re.sub(r"<(/?)(\w)", rf"<\1{p}\2", item) for item in items) if p else "".join(items)
    open_tag = re.compile(rf"<{re.escape(p)}{tag}\b([^>]*?)(/?)>")
    match = open_tag.search(text)
    if match is None:
        raise ValueError(f"styles.xml has no <{tag}>")
    attrs = re.sub(r'\scount="\d+"', "", match.group(1))
    new_open = f'<{p}{tag} count="{count}"{attrs}>'
    if match.group(2) == "/":
        return text[: match.start()] + new_open + body + f"</{p}{tag}>" + text[match.end() :]
    close = text.index(f"</{p}{tag}>", match.end())
    return text[: match.start()] + new_open + text[match.end() : close] + body + text[close:]


_ORDER = ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles")
# What a styles part must hold before anything is appended (ECMA-376 §18.8): a default font,
# the two fills Excel reserves (none, gray125: a solid fill at index 0 or 1 is shown as neither),
# a default border, the default cell formats and the Normal cell style over the first style
# format (what Excel and openpyxl take as the workbook's default style; without it openpyxl warns
# "Workbook contains no default style" and applies its own). Other writers may leave any of them
# out; a part that has them (every one Excel or WPS saved) is not touched by this.
_REQUIRED = {
    "fonts": ("font", ['<font><sz val="11"/><name val="Calibri"/><family val="2"/></font>']),
    "fills": (
        "fill",
        ['<fill><patternFill patternType="none"/></fill>', '<fill><patternFill patternType="gray125"/></fill>'],
    ),
    "borders": ("border", ["<border><left/><right/><top/><bottom/><diagonal/></border>"]),
    "cellStyleXfs": ("xf", ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>']),
    "cellXfs": ("xf", ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>']),
    "cellStyles": ("cellStyle", ['<cellStyle name="Normal" xfId="0" builtinId="0"/>']),
}
EMPTY_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}"></styleSheet>'
).encode()


def _create(text: str, prefix: str, tag: str) -> str:
    """An empty <tag/> in its schema position (before the first later section present)."""
    p = f"{prefix}:" if prefix else ""
    closed = re.search(rf"<{p}styleSheet\b([^>]*?)/>", text)
    if closed is not None:
        text = text[: closed.start()] + f"<{p}styleSheet{closed.group(1)}></{p}styleSheet>" + text[closed.end() :]
    for later in _ORDER[_ORDER.index(tag) + 1 :]:
        found = re.search(rf"<{p}{later}\b", text)
        if found is not None:
            return text[: found.start()] + f'<{p}{tag} count="0"/>' + text[found.start() :]
    at = text.index(f"</{p}styleSheet>")
    ext = re.search(rf"<{p}(?:colors|extLst)\b", text)
    at = ext.start() if ext is not None else at
    return text[:at] + f'<{p}{tag} count="0"/>' + text[at:]


def _complete(text: str, prefix: str) -> str:
    """Add whatever of _REQUIRED the part lacks; existing indices are unchanged."""
    root = ElementTree.fromstring(text.encode("utf-8"))
    for tag, (child, items) in _REQUIRED.items():
        parent = root.find(_q(tag))
        have = 0 if parent is None else len(parent.findall(_q(child)))
        if have >= len(items):
            continue
        if parent is None:
            text = _create(text, prefix, tag)
        text = _insert(text, prefix, tag, items[have:], len(items))
    return text


def merge_styles(styles_xml: bytes, styles: Mapping[str, Style]) -> tuple[bytes, dict[str, int]]:
    """Return the new styles.xml and the cellXfs index of every named style.

    A minimal styles part (no reserved fills, no default font or cell format; or
    ``EMPTY_STYLES`` for a package without one) is first completed with what Excel requires."""
    text = styles_xml.decode("utf-8")
    prefix_match = re.search(r"<(\w+):styleSheet\b", text)
    prefix = prefix_match.group(1) if prefix_match else ""
    text = _complete(text, prefix)
    root = ElementTree.fromstring(text.encode("utf-8"))

    def children(tag: str, child: str) -> list[Element]:
        parent = root.find(_q(tag))
        return [] if parent is None else list(parent.findall(_q(child)))

    existing_fmts = children("numFmts", "numFmt")
    num_fmts = {el.get("formatCode", ""): int(el.get("numFmtId", "0")) for el in existing_fmts}
    next_fmt = max([163, *num_fmts.values()]) + 1
    new_fmts: list[str] = []
    fonts = _Section("fonts", children("fonts", "font"), _font_key)
    fills = _Section("fills", children("fills", "fill"), _fill_key)
    borders = _Section("borders", children("borders", "border"), _border_key)
    xfs = _Section("cellXfs", children("cellXfs", "xf"), _xf_key)

    mapping: dict[str, int] = {}
    for name, s in styles.items():
        fmt_id = _BUILTIN_FORMATS.get(s.number_format, num_fmts.get(s.number_format))
        if fmt_id is None:
            fmt_id = next_fmt
            next_fmt += 1
            num_fmts[s.number_format] = fmt_id
            new_fmts.append(f'<numFmt numFmtId="{fmt_id}" formatCode={quoteattr(s.number_format)}/>')
        font = fonts.index((s.font, float(s.size), s.bold, s.italic, s.underline, s.color.upper()), _font_xml(s))
        fill = 0 if s.fill is None else fills.index(("solid", s.fill.upper()), _fill_xml(s.fill))
        border = borders.index(("thin",) * 4, _THIN_BORDER) if s.border else _no_border(borders)
        valign = "center" if s.valign == "center" else "top" if s.valign == "top" else "bottom"
        key = (fmt_id, font, fill, border, s.halign, valign, s.wrap)
        wrap = ' wrapText="1"' if s.wrap else ""
        xf = (
            f'<xf numFmtId="{fmt_id}" fontId="{font}" fillId="{fill}" borderId="{border}" xfId="0" '
            'applyNumberFormat="1" applyFont="1" applyFill="1" applyBorder="1" applyAlignment="1">'
            f'<alignment horizontal="{s.halign}" vertical="{valign}"{wrap}/></xf>'
        )
        mapping[name] = xfs.index(key, xf)

    if new_fmts:
        if root.find(_q("numFmts")) is not None:
            text = _insert(text, prefix, "numFmts", new_fmts, len(existing_fmts) + len(new_fmts))
        else:
            p = f"{prefix}:" if prefix else ""
            head = re.search(rf"<{p}styleSheet\b[^>]*>", text)
            assert head is not None
            block = (
                f'<{p}numFmts count="{len(new_fmts)}">'
                + "".join(f.replace("<numFmt", f"<{p}numFmt") for f in new_fmts)
                + f"</{p}numFmts>"
            )
            text = text[: head.end()] + block + text[head.end() :]
    for section in (fonts, fills, borders, xfs):
        text = _insert(text, prefix, section.tag, section.added, section.count + len(section.added))
    return text.encode("utf-8"), mapping


def _no_border(borders: _Section) -> int:
    return borders.index(("", "", "", ""), "<border><left/><right/><top/><bottom/><diagonal/></border>")


def used_styles(names: Iterable[str], catalogue: Mapping[str, Style]) -> dict[str, Style]:
    return {name: catalogue[name] for name in sorted(set(names))}
