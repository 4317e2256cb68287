"""Findings: what the checks and the readers say about a workbook.

A finding names its place as ``sheet!cell`` text; the core never touches a workbook, it only
carries the address the reader gave it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

__all__ = ["REMEDY_RECALC", "Finding", "Findings", "Severity"]

# A way out that depends on the door the clerk uses: the finding's message says what works
# everywhere (open and save the file in Excel or WPS), each door words its own hint (the
# command line's --recalc, the web page's 服务器重新计算公式) and adds it (Finding.advised).
REMEDY_RECALC = "recalc"


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        """The word a clerk reads (级别)."""
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    code: str
    message: str
    location: str = ""
    # For a reader's interpretation: what the clerk typed and how it was read (else None).
    typed: str | None = None
    read_as: str | None = None
    remedy: str = ""  # a door-dependent way out (REMEDY_*), worded by each door

    def advised(self, hints: Mapping[str, str]) -> Finding:
        """This finding with the door's hint for its remedy appended to the message (itself when
        the door has none): "…请用 Excel 或 WPS 打开该文件并保存后再试" + "，或加 --recalc 运行"."""
        hint = hints.get(self.remedy) if self.remedy else None
        return replace(self, message=f"{self.message}，{hint}") if hint else self

    def as_json(self) -> dict[str, str]:
        out = {
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
            "location": self.location,
        }
        if self.typed is not None and self.read_as is not None:
            out["typed"] = self.typed
            out["read_as"] = self.read_as
        return out

    def as_line(self) -> str:
        where = f" {self.location}" if self.location else ""
        return f"{self.severity.label}{where}：{self.message}"


# A number spelt with more than 24 digits (a cell holding 1E+300 or 1E-300, shown with ``:f``
# by the check that names it) is no figure a clerk can read: messages show it as 1.000000E+300.
_LONG_NUMBER = re.compile(r"-?\d[\d,]{24,}(?:\.\d+)?|-?0\.0{20,}\d+|-?\d+\.\d{25,}")


def _readable(message: str) -> str:
    return _LONG_NUMBER.sub(lambda m: f"{Decimal(m.group(0).replace(',', '')):.6E}", message)


class Findings(list[Finding]):
    """An ordered list of findings with the two constructors every check uses."""

    def error(self, code: str, message: str, location: str = "", remedy: str = "") -> None:
        self.append(Finding(Severity.ERROR, code, _readable(message), location, remedy=remedy))

    def warning(self, code: str, message: str, location: str = "") -> None:
        self.append(Finding(Severity.WARNING, code, _readable(message), location))

    def interpretation(self, code: str, message: str, location: str, typed: str, read_as: str) -> None:
        """A warning that records how a reader read what the clerk typed in one cell."""
        self.append(Finding(Severity.WARNING, code, _readable(message), location, typed, read_as))

    def advise(self, hints: Mapping[str, str]) -> None:
        """Add a door's hints to the findings with a remedy (in place; see Finding.advised)."""
        self[:] = [f.advised(hints) for f in self]

    @property
    def interpretations(self) -> list[Finding]:
        return [f for f in self if f.typed is not None]

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self if f.severity is Severity.WARNING]

    @property
    def has_errors(self) -> bool:
        return any(f.severity is Severity.ERROR for f in self)
