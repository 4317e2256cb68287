"""Whole elements of an XML part's text, found and removed with their nesting, every other byte
left as written.

The package surgery edits parts as text so that what it does not touch keeps its bytes. A
regular expression that removes ``<a>…</a>`` by its first end tag breaks as soon as the element
nests in itself: Excel and LibreOffice write a sheet's form controls as
``<mc:AlternateContent><mc:Choice><controls><mc:AlternateContent>…</mc:AlternateContent>…
</controls></mc:Choice></mc:AlternateContent>``. Here an element ends at the end tag that
balances its start tag (counting the same qualified name), and comments, CDATA sections and
processing instructions are skipped.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

__all__ = ["Element", "drop_empty_alternates", "elements", "remove_elements"]

_NAME = r"[A-Za-z_][\w.\-]*(?::[A-Za-z_][\w.\-]*)?"
# One markup token; attribute values may hold ">" (quoted), text never holds "<".
_TOKEN = re.compile(
    rf"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>"
    rf"|<(?P<close>/?)(?P<name>{_NAME})(?P<attrs>(?:\s+[^\s=/>]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(?P<empty>/?)>",
    re.S,
)


@dataclass(frozen=True, slots=True)
class Element:
    name: str  # qualified, as written: "mc:AlternateContent"
    attrs: str  # the start tag's attribute text, as written
    start: int  # offset of its "<"
    end: int  # offset just past its end tag (or past "/>")
    inner_start: int
    inner_end: int

    @property
    def local(self) -> str:
        return self.name.rpartition(":")[2]

    def attr(self, local: str) -> str | None:
        """The value of the attribute with this local name, whatever its prefix."""
        match = re.search(rf"(?:^|\s)(?:[\w.\-]+:)?{re.escape(local)}\s*=\s*(?:\"([^\"]*)\"|'([^']*)')", self.attrs)
        return None if match is None else (match.group(1) if match.group(1) is not None else match.group(2))


def _end(text: str, start: re.Match[str]) -> tuple[int, int]:
    """(inner end, element end) for the start tag ``start``; ValueError when it never closes."""
    if start.group("empty"):
        return start.end(), start.end()
    name = start.group("name")
    depth = 1
    for token in _TOKEN.finditer(text, start.end()):
        if token.group("name") != name:
            continue
        if token.group("close"):
            depth -= 1
            if depth == 0:
                return token.start(), token.end()
        elif not token.group("empty"):
            depth += 1
    raise ValueError(f"<{name}> at offset {start.start()} is not closed")


_OPAQUE = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>", re.S)


def _opaque(text: str) -> list[tuple[int, int]]:
    """Spans of comments, CDATA sections and processing instructions (markup inside is text)."""
    if "<!" not in text and "<?" not in text:
        return []
    return [m.span() for m in _OPAQUE.finditer(text)]


def elements(text: str, locals_: Iterable[str]) -> list[Element]:
    """Every element whose local name is one of ``locals_``, in document order (nested ones too)."""
    names = frozenset(locals_)
    opaque = _opaque(text)
    starts = [a for a, _ in opaque]
    opener = re.compile(rf"<(?:[A-Za-z_][\w.\-]*:)?(?:{'|'.join(re.escape(n) for n in sorted(names))})[\s/>]")
    found = []
    for hit in opener.finditer(text):
        at = bisect.bisect_right(starts, hit.start()) - 1
        if at >= 0 and hit.start() < opaque[at][1]:
            continue  # inside a comment or CDATA section
        token = _TOKEN.match(text, hit.start())
        if token is None or token.group("close") or token.group("name").rpartition(":")[2] not in names:
            continue
        inner_end, end = _end(text, token)
        found.append(Element(token.group("name"), token.group("attrs"), token.start(), end, token.end(), inner_end))
    return found


def remove_elements(
    text: str, locals_: Iterable[str], where: Callable[[Element, str], bool] = lambda e, t: True
) -> tuple[str, list[Element]]:
    """``text`` without each outermost element named in ``locals_`` for which ``where(element,
    text)`` holds, and the elements removed (offsets into the original text)."""
    names = frozenset(locals_)
    out: list[str] = []
    removed: list[Element] = []
    pos = 0
    for element in elements(text, names):
        if element.start < pos:
            continue  # inside an element already removed
        if where(element, text):
            out.append(text[pos : element.start])
            pos = element.end
            removed.append(element)
    out.append(text[pos:])
    return "".join(out), removed


_BRANCH = re.compile(r"</?(?:[A-Za-z_][\w.\-]*:)?(?:Choice|Fallback)\b[^>]*>")


def _holds_nothing(element: Element, text: str) -> bool:
    return not _BRANCH.sub("", text[element.inner_start : element.inner_end]).strip()


def drop_empty_alternates(text: str) -> str:
    """``text`` without the mc:AlternateContent elements left with nothing in any branch (after
    what they held was removed); repeated, so an emptied one inside another goes first."""
    while True:
        text, removed = remove_elements(text, ("AlternateContent",), _holds_nothing)
        if not removed:
            return text
