"""The XML check every part read or written goes through (``package.check_xml``) accepts and
refuses exactly what defusedxml's ElementTree parser does, without building a tree; and the
free part names of a rewrite are the ones ``free_name`` gives at each step."""

from __future__ import annotations

import pytest
from defusedxml import DefusedXmlException, ElementTree

from addin.package.inject import _FreeNames
from addin.package.package import Plan, check_xml, free_name

from .test_hostile_inputs import BILLION_LAUGHS, XXE

DOCUMENTS = [
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="m"><c r="A1"/></worksheet>',
    "<a>中文 &amp; &#20013; &lt;</a>".encode(),
    b"<a>&foo;</a>",  # undeclared entity
    b'<a x="&foo;"/>',
    b"<a><p:b/></a>",  # unbound prefix: ElementTree parses with namespaces
    b'<a xmlns:p="u"><p:b/></a>',
    b'<a b="1" b="2"/>',  # duplicate attribute
    b"<a>&#1;</a>",  # a character XML 1.0 does not allow
    b"",
    b"<a/><b/>",
    b"<a>",
    b"<a></b>",
    b"<?xml version='1.0' encoding='UTF-16'?><a/>",
    b"<!DOCTYPE a><a/>",  # a DOCTYPE alone: accepted by both
    b"<!DOCTYPE a [<!ELEMENT a ANY>]><a/>",
    b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>',  # entity declarations: refused by defusedxml
    BILLION_LAUGHS + b"<lolz>&lol9;</lolz>",
    XXE + b"<x>&e;</x>",
    b'<!DOCTYPE a SYSTEM "http://example.com/a.dtd"><a/>',
    b'<!DOCTYPE a PUBLIC "-//x//y" "file:///etc/passwd"><a>&x;</a>',
]


def _outcome(parse: object, data: bytes) -> str:
    try:
        parse(data)  # type: ignore[operator]
    except DefusedXmlException as exc:
        return f"defused {type(exc).__name__}"
    except ElementTree.ParseError as exc:
        # (defusedxml's refusal inside the parser's callbacks reaches the caller as a ParseError)
        return f"parse error {getattr(exc, 'code', None)} at {getattr(exc, 'position', None)}: {exc}"
    return "ok"


@pytest.mark.parametrize("data", DOCUMENTS, ids=range(len(DOCUMENTS)))
def test_check_xml_decides_as_defusedxml_does(data: bytes) -> None:
    assert _outcome(check_xml, data) == _outcome(ElementTree.fromstring, data)


def test_a_multibyte_encoding_expat_cannot_read_is_a_parse_error_not_a_crash() -> None:
    data = "<?xml version='1.0' encoding='GBK'?><a>中文</a>".encode("gbk")
    with pytest.raises(ValueError):
        ElementTree.fromstring(data)  # what defusedxml does: an uncaught ValueError
    with pytest.raises(ElementTree.ParseError):
        check_xml(data)  # a part that does not parse: refused with the package's message


def test_entity_declarations_are_refused_and_plain_parts_accepted() -> None:
    outcomes = [_outcome(check_xml, data) for data in DOCUMENTS]
    assert outcomes[0] == outcomes[1] == outcomes[5] == "ok"
    entities = [i for i, data in enumerate(DOCUMENTS) if b"<!ENTITY" in data]
    assert len(entities) == 3
    assert all("EntitiesForbidden" in outcomes[i] for i in entities)


def test_free_names_are_those_free_name_gives_at_each_step() -> None:
    names = {"xl/worksheets/sheet1.xml", "xl/worksheets/Sheet3.xml", "xl/worksheets/sheet4.xml", "xl/styles.xml"}
    plan = Plan()
    free = _FreeNames(names, plan)
    pattern = "xl/worksheets/sheet{}.xml"
    steps: list[tuple[str, str]] = []
    for step in range(8):
        if step == 3:
            plan.remove.add("xl/worksheets/sheet1.xml")  # a removal frees a lower number again
        expected = free_name(pattern, plan.taken(names))
        got = free.free(pattern)
        steps.append((expected, got))
        if step != 5:  # asked twice without adding: the same answer both times
            plan.add.append((got, b""))
    assert [got for _, got in steps] == [expected for expected, _ in steps]
    assert [got for _, got in steps][:5] == [
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/sheet5.xml",
        "xl/worksheets/sheet6.xml",
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/sheet7.xml",
    ]


def _styled_by_pattern(xml: bytes, styles: frozenset[int]) -> frozenset[tuple[int, int]]:
    """What styled_cells means, as one regular expression over every start tag."""
    import re

    from addin.package.sheetscan import cell_index

    ids = b"|".join(b"%d" % s for s in sorted(styles))
    found = set()
    for match in re.finditer(rb'<(?:\w+:)?c\b[^>]*?\bs="(?:' + ids + rb')"[^>]*>', xml):
        ref = re.search(rb'\br="([A-Z]{1,3})(\d+)"', match.group(0))
        if ref is not None:
            found.add((int(ref.group(2)), cell_index(ref.group(1).decode())))
    return frozenset(found)


@pytest.mark.parametrize(
    "xml",
    [
        b'<c r="A1" s="6"/><c r="B1" s="16"/><c r="C1" s="7"/>',
        b'<x:c r="B2" xs="6" s="6"><x:v>1</x:v></x:c>',  # a prefix; xs= is not s=
        b'<c r="D4" t="s" s="5"><v>s="6"</v></c>',  # s="6" in a value is no attribute
        b'<row r="5"><c r="E5" s="7"><is><t> s="6"</t></is></c></row>',
        b'<c r="F6" foo="a>b" s="6"/>',  # a > inside another attribute ends the tag for the pattern too
        b'<cc r="G7" s="6"/><col min="1" s="6"/>',  # other elements
        b'<c r="H8" s="6"',  # a tag never closed
        b'<c s="6" r="I9"/><c r="J10"  s="6"></c>',
        b"<c s='6' r='K11'/>",  # single quotes: neither reads them
    ],
)
def test_styled_cells_finds_what_the_pattern_means(xml: bytes) -> None:
    from addin.package.sheetscan import styled_cells

    assert styled_cells(xml, frozenset({6}), 100, 100) == _styled_by_pattern(xml, frozenset({6}))
