"""A number as Excel shows it under a number format code: for the web door's HTML renderer,
and for the column widths that must hold it (``report.fit``).

The report's layouts carry the value (a Decimal, a rate as a fraction) and a style whose
number format says how Excel prints it ("#,##0.00", "0.00%", "0.0%", "0.00", "General").
The web page must print the same text, so this reads the format code itself rather than
knowing the report's styles: a format another sheet adds ("#,##0", "0%", "¥#,##0.00",
'0.00"分"', "#,##0.00;[Red]-#,##0.00") prints right too. Date, time and scientific codes fall
back to General. Rounding is the contract's half-up, as Excel rounds a presented value.
"""

from __future__ import annotations

from decimal import Decimal

from ..core.numbers import HUNDRED, round_half_up

__all__ = ["format_number", "general"]

_DIGITS = "#0?,."
_UNSUPPORTED = set("yYmMdDhHsSeE@/")  # dates, times, scientific, text, fractions


def general(value: Decimal) -> str:
    """Excel's General format for a Decimal: no trailing zeros, no exponent."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _sections(code: str) -> list[str]:
    """The ;-separated sections (positive; negative; zero; text), quotes respected."""
    parts: list[str] = []
    current: list[str] = []
    quoted = escaped = False
    for ch in code:
        if ch == ";" and not quoted and not escaped:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
    parts.append("".join(current))
    return parts


def _tokens(section: str) -> list[tuple[bool, str]]:
    """(is literal, text) pieces: quoted text, \\x, _x (one space) and any other character
    print as themselves; [Red] and *x fill print nothing; digit codes and % are codes."""
    out: list[tuple[bool, str]] = []
    i, n = 0, len(section)
    while i < n:
        ch = section[i]
        if ch == '"':
            end = section.find('"', i + 1)
            end = n if end < 0 else end
            out.append((True, section[i + 1 : end]))
            i = end + 1
        elif ch == "\\" and i + 1 < n:
            out.append((True, section[i + 1]))
            i += 2
        elif ch == "[":
            end = section.find("]", i)
            i = n if end < 0 else end + 1
        elif ch == "_" and i + 1 < n:
            out.append((True, " "))
            i += 2
        elif ch == "*" and i + 1 < n:
            i += 2
        elif ch in _DIGITS or ch == "%" or ch in _UNSUPPORTED:
            out.append((False, ch))
            i += 1
        else:
            out.append((True, ch))
            i += 1
    return out


def format_number(value: Decimal, code: str) -> str:
    """``value`` printed under the Excel number format ``code``."""
    sections = _sections(code or "General")
    section, sign = sections[0], ("-" if value < 0 else "")
    if value < 0 and len(sections) > 1 and sections[1].strip():
        section, sign = sections[1], ""  # the negative section prints its own sign, if any
    if section.strip().lower() == "general":
        return sign + general(abs(value))
    tokens = _tokens(section)
    codes = [text for literal, text in tokens if not literal]
    digits = [i for i, (literal, text) in enumerate(tokens) if not literal and text in _DIGITS]
    if _UNSUPPORTED.intersection(codes) or not digits:
        return general(value)
    first = last = digits[0]
    while last + 1 < len(tokens) and not tokens[last + 1][0] and tokens[last + 1][1] in _DIGITS:
        last += 1
    pattern = "".join(text for _, text in tokens[first : last + 1])
    integer, _, fraction = pattern.partition(".")
    scaled = abs(value) * HUNDRED ** codes.count("%")
    while integer.endswith(","):  # each trailing comma divides by a thousand
        integer = integer[:-1]
        scaled /= 1000
    places = len(fraction)
    rounded = round_half_up(scaled, places)
    body = f"{rounded:,.{places}f}" if "," in integer else f"{rounded:.{places}f}"
    keep = fraction.count("0")
    if places > keep:  # '#' and '?' decimals print only when not zero
        whole, _, decimals = body.partition(".")
        decimals = decimals.rstrip("0")
        decimals += "0" * max(0, keep - len(decimals))
        body = whole + ("." + decimals if decimals else "")
    if "0" not in integer and (body == "0" or body.startswith("0.")):
        body = body[1:]  # "#.00" prints .50
    if rounded == 0:
        sign = ""  # -0.001 under 0.00 prints 0.00
    prefix = "".join(text for literal, text in tokens[:first] if literal or text == "%")
    suffix = "".join(text for literal, text in tokens[last + 1 :] if literal or text == "%")
    return sign + prefix + body + suffix
