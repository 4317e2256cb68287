"""The words clerks put around a number to make it a bound: "≥95%", "不低于95%", "96%以上",
"96%（含）以上", "100%以内", "控制在100%以内", "60场及以上".

One list for every reader: a 目标值 (department's 绩效指标 and the projects' 年度指标值, and the
JX_* functions, which read through the same ``values.read_value_text``) reads the number with
its unit and the bound as ≥ or ≤; a reader that must refuse a bound where a measured value
belongs (an 实际值) asks ``bound_word`` whether the text carries one (or an estimate: "约65",
"60余场").

以上/以下/以内 include the number itself (《民法典》第一千二百五十九条: "以上""以下""以内"
包括本数), so "96%以上" is ≥96% and "100%以内" is ≤100%. Texts are NFKC-normalised before
they get here (``coerce.clean_text``): full-width brackets arrive as "(含)".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["AT_LEAST", "AT_MOST", "LOWER_BOUND_WORDS", "UPPER_BOUND_WORDS", "Bound", "bound_word", "split_bound"]

AT_LEAST = "≥"
AT_MOST = "≤"

# Before the number, as typed (the message quotes the clerk's own word). 控制在 says nothing by
# itself ("控制在100%以内" takes its sense from 以内); 达到 is a lower bound (a target to reach).
_PREFIXES: dict[str, str] = {
    ">=": AT_LEAST,
    "≥": AT_LEAST,
    "≧": AT_LEAST,
    ">": AT_LEAST,
    "大于等于": AT_LEAST,
    "不低于": AT_LEAST,
    "不少于": AT_LEAST,
    "不小于": AT_LEAST,
    "至少": AT_LEAST,
    "最少": AT_LEAST,
    "超过": AT_LEAST,
    "多于": AT_LEAST,
    "大于": AT_LEAST,
    "高于": AT_LEAST,
    "达到": AT_LEAST,
    "<=": AT_MOST,
    "≤": AT_MOST,
    "≦": AT_MOST,
    "<": AT_MOST,
    "小于等于": AT_MOST,
    "不高于": AT_MOST,
    "不超过": AT_MOST,
    "不大于": AT_MOST,
    "不多于": AT_MOST,
    "不足": AT_MOST,
    "不到": AT_MOST,
    "至多": AT_MOST,
    "最多": AT_MOST,
    "少于": AT_MOST,
    "小于": AT_MOST,
    "低于": AT_MOST,
    "=": "",
    "控制在": "",
}
# After the number and its unit.
_SUFFIXES: dict[str, str] = {
    "(含)以上": AT_LEAST,
    "以上(含)": AT_LEAST,
    "及以上": AT_LEAST,
    "或以上": AT_LEAST,
    "以上": AT_LEAST,
    "(含)以下": AT_MOST,
    "以下(含)": AT_MOST,
    "及以下": AT_MOST,
    "或以下": AT_MOST,
    "以下": AT_MOST,
    "(含)以内": AT_MOST,
    "以内(含)": AT_MOST,
    "以内": AT_MOST,
    "之内": AT_MOST,
}
# Words that state the value itself ("=100%", "达到95%", "控制在5%"): no bound in an actual.
_STATED = frozenset({"=", "达到", "控制在"})
# An estimate is no stated figure either: "约65", "大约65", "近65", "65左右", "60余场", "30多个".
_ESTIMATE_BEFORE = ("约", "大约", "近")
_ESTIMATE_AFTER = ("多", "余", "左右", "上下")

LOWER_BOUND_WORDS = frozenset(w for w, s in (*_PREFIXES.items(), *_SUFFIXES.items()) if s == AT_LEAST)
UPPER_BOUND_WORDS = frozenset(w for w, s in (*_PREFIXES.items(), *_SUFFIXES.items()) if s == AT_MOST)


def _alternation(words: dict[str, str]) -> str:
    # Longest first: 不低于 before 低于, (含)以上 before 以上.
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_PREFIX = re.compile(rf"^({_alternation(_PREFIXES)})\s*")
_SUFFIX = re.compile(rf"\s*({_alternation(_SUFFIXES)})$")
_MARKED_BEFORE = re.compile(
    rf"^({_alternation({w: '' for w in (*_PREFIXES, *_ESTIMATE_BEFORE) if w not in _STATED})})\s*[+-]?[\d.,]"
)
_MARKED_AFTER = re.compile(rf"\d[\d.,]*\s*\D{{0,4}}?({_alternation({w: '' for w in (*_SUFFIXES, *_ESTIMATE_AFTER)})})$")
_ROUGHLY = re.compile(r"\d[\d.,]*(多|余)\D{0,3}$")  # "60余场", "30多个"


@dataclass(frozen=True, slots=True)
class Bound:
    """A text split into its bound words and the number between them."""

    rest: str  # the number and its unit ("96%", "60场")
    prefix: str  # the word before, as typed ("不低于", "≥", "控制在"), "" when none
    suffix: str  # the word after ("以上", "(含)以上"), "" when none
    sense: str  # AT_LEAST, AT_MOST, or "" (no bound, or "=")

    @property
    def contradicts(self) -> bool:
        """A word before and a word after of opposite senses ("≥96%以下", "不超过60场以上")."""
        before, after = _PREFIXES.get(self.prefix, ""), _SUFFIXES.get(self.suffix, "")
        return bool(before and after and before != after)

    @property
    def comparison(self) -> str:
        """What a reader shows as the comparison: the clerk's own prefix when it has a sense,
        else the sense of the suffix ("96%以上" → "≥")."""
        if self.prefix and _PREFIXES[self.prefix]:
            return self.prefix
        return self.sense or self.prefix


def split_bound(text: str) -> Bound:
    """ "不低于 95%" → Bound("95%", "不低于", "", "≥"); "96%(含)以上" → Bound("96%", "", "(含)以上", "≥");
    "65场" → Bound("65场", "", "", ""). ``text`` is already cleaned (NFKC, trimmed)."""
    rest = text
    prefix = suffix = ""
    m = _PREFIX.match(rest)
    if m is not None:
        prefix, rest = m.group(1), rest[m.end() :]
    m = _SUFFIX.search(rest)
    if m is not None and m.start() > 0:
        suffix, rest = m.group(1), rest[: m.start()]
    sense = _PREFIXES.get(prefix, "") or _SUFFIXES.get(suffix, "")
    return Bound(rest.strip(), prefix, suffix, sense)


def bound_word(text: str) -> str | None:
    """The word that makes ``text`` a bound or an estimate rather than a stated value: ">60" →
    ">", "60场以上" → "以上", "约65" → "约", "60余场" → "余"; None for "65", "65场", "=100%",
    "达到95%". ``text`` is already cleaned, spaces removed. Where a measured value belongs (an
    实际值) such a text is no figure (``indicators``)."""
    m = _MARKED_BEFORE.match(text) or _MARKED_AFTER.search(text) or _ROUGHLY.search(text)
    return None if m is None else m.group(1)
