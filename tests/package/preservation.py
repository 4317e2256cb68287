"""Checking that a written package differs from its source only by the report sheets.

Every part not named in BOOKKEEPING must be byte-identical. Each bookkeeping part, with what
the report sheets added taken out again, must be canonically equal (C14N) to the source's.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from addin.report.project_content import is_project_sheet

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
OURS = ("自评报告", "校验结果")


def ours(name: str | None) -> bool:
    """The sheets the product writes: the report, its findings and the project sheets."""
    return name is not None and (name in OURS or is_project_sheet(name))


STYLE_COLLECTIONS = ("numFmts", "fonts", "fills", "borders", "cellXfs")


def _c14n(root: ET.Element) -> str:
    return ET.canonicalize(ET.tostring(root, encoding="unicode"), strip_text=True)


def _workbook_part(z: zipfile.ZipFile) -> str:
    rels = ET.fromstring(z.read("_rels/.rels"))
    for rel in rels:
        if rel.get("Type", "").endswith("/officeDocument"):
            return rel.get("Target", "").lstrip("/")
    raise AssertionError("no workbook")


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


class Diff:
    def __init__(self, source: Path, written: Path) -> None:
        self.src = zipfile.ZipFile(source)
        self.out = zipfile.ZipFile(written)
        self.workbook = _workbook_part(self.src)
        self.bookkeeping = {
            self.workbook,
            _rels_name(self.workbook),
            "[Content_Types].xml",
            "docProps/app.xml",
            *(n for n in self.src.namelist() if n.endswith("styles.xml") or n.endswith("calcChain.xml")),
        }
        wb = ET.fromstring(self.out.read(self.workbook))
        rels = ET.fromstring(self.out.read(_rels_name(self.workbook)))
        targets = {r.get("Id"): r.get("Target", "") for r in rels}
        self.our_ids: set[str] = set()
        self.our_parts: set[str] = set()
        self.our_indexes: set[str] = set()
        src_names = [s.get("name") for s in ET.fromstring(self.src.read(self.workbook)).iter(f"{{{MAIN}}}sheet")]
        for i, sheet in enumerate(wb.iter(f"{{{MAIN}}}sheet")):
            if ours(sheet.get("name")) and sheet.get("name") not in src_names:
                rid = sheet.get(f"{{{REL}}}id", "")
                self.our_ids.add(rid)
                self.our_indexes.add(str(i))
                part = posixpath.normpath(posixpath.join(posixpath.dirname(self.workbook), targets[rid]))
                self.our_parts |= self._reachable(part)

    def _reachable(self, part: str) -> set[str]:
        found = {part}
        rels = _rels_name(part)
        if rels in self.out.namelist():
            found.add(rels)
            for r in ET.fromstring(self.out.read(rels)):
                target = posixpath.normpath(posixpath.join(posixpath.dirname(part), r.get("Target", "")))
                found |= self._reachable(target)
        return found

    def untouched_parts_differing(self) -> list[str]:
        out_names = set(self.out.namelist())
        differing = []
        for name in self.src.namelist():
            if name in self.bookkeeping:
                continue
            if name not in out_names or self.src.read(name) != self.out.read(name):
                differing.append(name)
        extra = out_names - set(self.src.namelist()) - self.our_parts
        return differing + [f"+{n}" for n in sorted(extra)]

    def bookkeeping_differing(self) -> list[str]:
        differing = []
        for name in sorted(self.bookkeeping):
            if name not in self.src.namelist():
                continue
            if name not in self.out.namelist():
                differing.append(name)
                continue
            src, out = ET.fromstring(self.src.read(name)), ET.fromstring(self.out.read(name))
            if name == self.workbook:
                self._strip_workbook(out)
            elif name.endswith(".rels"):
                for r in [r for r in out if r.get("Id") in self.our_ids]:
                    out.remove(r)
            elif name == "[Content_Types].xml":
                for o in [o for o in out if o.get("PartName", "").lstrip("/") in self.our_parts]:
                    out.remove(o)
            elif name.endswith("styles.xml"):
                self._strip_styles(src, out)
            elif name == "docProps/app.xml":
                out = ET.fromstring(self._strip_app(self.out.read(name).decode("utf-8")))
                src = ET.fromstring(self.src.read(name))
            if _c14n(src) != _c14n(out):
                differing.append(name)
        return differing

    def _strip_workbook(self, out: ET.Element) -> None:
        sheets = out.find(f"{{{MAIN}}}sheets")
        assert sheets is not None
        for s in [s for s in sheets if s.get(f"{{{REL}}}id") in self.our_ids]:
            sheets.remove(s)
        names = out.find(f"{{{MAIN}}}definedNames")
        if names is not None:
            for d in [d for d in names if d.get("localSheetId") in self.our_indexes]:
                names.remove(d)
            src_has = ET.fromstring(self.src.read(self.workbook)).find(f"{{{MAIN}}}definedNames") is not None
            if len(names) == 0 and not src_has:
                out.remove(names)

    @staticmethod
    def _strip_styles(src: ET.Element, out: ET.Element) -> None:
        for tag in STYLE_COLLECTIONS:
            s, o = src.find(f"{{{MAIN}}}{tag}"), out.find(f"{{{MAIN}}}{tag}")
            if o is None:
                continue
            if s is None:
                out.remove(o)
                continue
            for child in list(o)[len(s) :]:
                o.remove(child)
            if "count" in s.attrib:
                o.set("count", s.get("count", ""))
            else:
                o.attrib.pop("count", None)

    def _strip_app(self, app: str) -> str:
        app = re.sub(r"<vt:lpstr>([^<]*)</vt:lpstr>", lambda m: "" if ours(m.group(1)) else m.group(0), app)
        src = self.src.read("docProps/app.xml").decode("utf-8")
        # Counts were raised by exactly the sheets we added: take the source's back.
        for pattern in (r'<TitlesOfParts>\s*<vt:vector size="\d+"', r"<HeadingPairs>.*?<vt:i4>\d+</vt:i4>"):
            found = re.search(pattern, src, re.S)
            if found:
                original = found.group(0)
                app = re.sub(pattern, lambda _, original=original: original, app, count=1, flags=re.S)
        return app
