"""Typed, located access to the rows of one raw contract table.

``ContractTable`` resolves the headers (tolerating stray spaces and full-width characters,
refusing a missing column) and yields the data rows; ``Cells`` reads one row's cells as the
contract's types, recording a finding for every doubt and whether the row is usable.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any

from ..core.findings import REMEDY_RECALC, Findings
from ..core.model import RowRef, TableRef, column_letter
from ..errors import UnusableInput
from .coerce import DASHES, EXCEL_ERRORS, Coercer, visible
from .headers import match_header, sub_header_row
from .labels import SAMPLE_COLUMNS, SAMPLE_MARK, footer_text, is_blank, is_sample_label, is_total_label
from .raw import RawTable, second_table
from .repeats import COUNTED_TABLES, IDENTIFIED_BY, PROBES, RepeatedRows
from .scaled_formats import report_scaled
from .schema import Column, Kind

__all__ = ["SAMPLE_FIRST", "SAMPLE_MARK", "SPECIAL_FIRST", "Cells", "ContractTable", "is_blank", "is_total_label"]

_NOTE_COLUMNS = frozenset({"备注", "偏差原因"})  # free text that feeds no figure
# Names that tie rows of several tables together (a project's funds and indicators, a unit's
# contracts): spaces around them are dropped, with a warning, so the rows still meet.
_NAME_COLUMNS = frozenset({"项目名称", "单位名称"})
# Names are compared across tables: "…项目(二期)" and "…项目（二期）" are one project. The
# full-width brackets of Chinese text are kept (what the report prints).
# Only in a Chinese name: "+SUM(A1:A2)" or "ABC (HK) Ltd" is kept as typed.
_FULL_WIDTH_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_CJK = re.compile("[\u4e00-\u9fff]")
_KINDS = {Kind.AMOUNT: "amount", Kind.POINTS: "points", Kind.RATIO: "ratio", Kind.NUMBER: "number"}
# A percent number format on these is the clerk's percentage, which they cannot hold.
_NO_PERCENT = frozenset({Kind.AMOUNT, Kind.POINTS})
SAMPLE_FIRST = frozenset("示（(")
# First characters of a cell that may open a footer line, a sample label or a blank row: a
# row whose first cell starts otherwise is an ordinary data row.
SPECIAL_FIRST = frozenset(["", *"示（(填制编审复经联负单财分部注附说备数资报 \t\u3000\u00a0\u200b\ufeff"])


def _ranges(cells: Sequence[tuple[int, int]]) -> list[str]:
    """Cells as A1 ranges: runs along a row, rows with the same run merged into a block."""
    by_row: dict[int, list[int]] = {}
    for r, c in sorted(cells):
        by_row.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (row, first col, last col)
    for r, cols in by_row.items():
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, prev))
                start = c
            prev = c
        runs.append((r, start, prev))
    blocks: list[list[int]] = []  # [r1, r2, c1, c2]
    for r, c1, c2 in runs:
        last = blocks[-1] if blocks else None
        if last is not None and last[1] == r - 1 and last[2] == c1 and last[3] == c2:
            last[1] = r
        else:
            blocks.append([r, r, c1, c2])
    out = []
    for r1, r2, c1, c2 in blocks:
        a, b = f"{column_letter(c1)}{r1}", f"{column_letter(c2)}{r2}"
        out.append(a if a == b else f"{a}:{b}")
    return out


class ContractTable:
    """One raw table with its headers resolved to the contract's columns."""

    def __init__(self, raw: RawTable, findings: Findings, amount_unit: str = "") -> None:
        self.raw = raw
        self.spec = raw.spec
        self.column = {c.name: c for c in raw.spec.columns}.__getitem__  # spec.column, by a dict
        self.findings = findings
        self.amount_unit = amount_unit
        self._spaced: set[tuple[str, str]] = set()
        self._second_table()
        self._two_level_header()
        self.index = self._resolve_headers()
        self.ref = TableRef(
            raw.sheet,
            raw.name or raw.spec.table,
            {name: raw.first_col + i for name, i in self.index.items()},
            raw.header_row,
        )
        self._report_reading()

    def _second_table(self) -> None:
        """A sheet without an Excel Table read by its header row stops where a second table
        begins (its header repeated, often under a caption): one warning naming the row."""
        raw = self.raw
        if raw.name:
            return
        found = second_table(raw)
        if found is None:
            return
        start, header = found
        first = raw.first_row + start
        last = start - 1
        while last > 0 and self._is_blank_row(raw.rows[last]):
            last -= 1
        self.findings.warning(
            "input_second_table",
            f"工作表“{raw.sheet}”第 {first} 行起是另一张表（第 {header} 行重复了表头），只读取第 {raw.first_row}–"
            f"{raw.first_row + last} 行：如该表也应计入，请把它的行并入上面的表格并删除重复的表头；"
            "否则请把它移到其他工作表",
            f"{raw.sheet}!{first}:{first}",
        )
        raw.rows = raw.rows[:start]

    def _report_reading(self) -> None:
        """What the reader saw beyond the values: far cells, formulas without a result, hidden rows."""
        raw = self.raw
        if raw.stray:
            shown = "、".join(raw.stray[:3]) + (f" 等 {len(raw.stray)} 处" if len(raw.stray) > 3 else "")
            self.findings.warning(
                "input_stray_cells",
                f"工作表“{raw.sheet}”在远离数据的 {shown} 有内容，已忽略（会让文件变慢）：如无用请删除这些单元格",
                f"{raw.sheet}!{raw.stray[0]}",
            )
        if raw.uncached:
            ranges = [f"{raw.sheet}!{a}" for a in _ranges(list(raw.uncached))]
            where = f"{'、'.join(ranges)} 为公式" if len(ranges) > 1 else "该处为公式"
            self.findings.error(
                "input_formula_no_result",
                f"{where}，但文件中没有保存计算结果"
                "（文件由程序生成、未在 Excel 或 WPS 中打开保存过），"
                "无法读取：请用 Excel 或 WPS 打开该文件并保存后再试",
                ranges[0],
                remedy=REMEDY_RECALC,
            )
        if raw.outside_rows:
            rows = raw.outside_rows
            shown = "、".join(str(r) for r in rows[:5]) + (f" 等 {len(rows)} 行" if len(rows) > 5 else "")
            last = column_letter(raw.first_col + len(raw.headers) - 1)
            end = raw.first_row + len(raw.rows) - 1
            self.findings.error(
                "input_rows_outside_table",
                f"第 {shown} 行在表格 {self.spec.table}（{column_letter(raw.first_col)}{raw.header_row}:"
                f"{last}{end}）下方，但不在表格范围内，未计入：请把这些行移到表格末行之后并扩展表格范围"
                "（Excel：拖动表格右下角，或“表设计→调整表格大小”；WPS 同），或删除这些行",
                f"{raw.sheet}!{column_letter(raw.first_col)}{rows[0]}:{last}{rows[-1]}",
            )
        if raw.scaled_cells:
            amounts = {raw.first_col + i for n, i in self.index.items() if self.column(n).kind is Kind.AMOUNT}
            report_scaled(raw, amounts, self.amount_unit, self.findings)
        if raw.hidden_rows:
            rows = sorted(raw.hidden_rows)
            shown = "、".join(str(r) for r in rows[:10]) + (f" 等 {len(rows)} 行" if len(rows) > 10 else "")
            self.findings.warning(
                "input_hidden_rows",
                f"表格 {self.spec.table} 的第 {shown} 行被隐藏（或被筛选隐藏），已照常计入：如不应计入，请删除这些行",
                f"{raw.sheet}!{rows[0]}:{rows[0]}",
            )

    def _two_level_header(self) -> None:
        """A published two-level header (预算数 merged over 年初/全年 below) read from both rows."""
        raw = self.raw
        present = {m.column for h in raw.headers if isinstance(h, str) and (m := match_header(self.spec, h))}
        if all(c.name in present for c in self.spec.columns if c.present):
            return
        merged = sub_header_row(self.spec, raw.headers, raw.rows)
        if merged is None:
            return
        first, end = column_letter(raw.first_col), column_letter(raw.first_col + len(merged) - 1)
        where = f"{raw.sheet}!{first}{raw.header_row}:{end}{raw.header_row + 1}"
        shown = "、".join(str(h).replace("\n", "") for h in raw.rows[0] if not is_blank(h))
        self.findings.interpretation(
            "input_two_level_header",
            f"表格 {self.spec.table} 的表头占两行（{where}），已按第二行的“{shown}”读取对应列",
            where,
            "两级表头",
            "、".join(str(h) for h in merged if not is_blank(h)),
        )
        raw.headers = merged
        raw.rows = raw.rows[1:]
        raw.header_row += 1
        raw.first_row += 1

    def _resolve_headers(self) -> dict[str, int]:
        raw = self.raw
        found: dict[str, list[int]] = {}
        unknown: list[int] = []  # header cells naming no column of the table
        for i, header in enumerate(raw.headers):
            if is_blank(header):
                continue
            text = str(header)
            match = match_header(self.spec, text)
            if match is None:
                unknown.append(i)
                continue
            found.setdefault(match.column, []).append(i)
            if match.loose:
                self.findings.warning(
                    "input_header_normalised",
                    f"表头“{visible(text)}”已按“{match.column}”读取：建议改为标准表头“{match.column}”",
                    self.header_cell(i),
                )
            if match.unit and self.amount_unit and match.unit != self.amount_unit:
                self.findings.error(
                    "input_header_unit",
                    f"表头“{text}”的单位“{match.unit}”与基本信息中的金额单位“{self.amount_unit}”不同："
                    f"请把该列换算为{self.amount_unit}并改表头，或修改金额单位",
                    self.header_cell(i),
                )
        index: dict[str, int] = {}
        for column in self.spec.columns:
            hits = found.get(column.name)
            if hits:
                index[column.name] = hits[0]
                if len(hits) > 1:
                    self._duplicate_column(column, hits)
            elif column.present:
                last = max(len(raw.headers) - 1, 0)
                first, end = column_letter(raw.first_col), column_letter(raw.first_col + last)
                row = f"{raw.sheet}!{first}{raw.header_row}:{end}{raw.header_row}"
                # A header the reader could not match is likely the column, typed otherwise
                # ("全年预算数 单位：万元"): named, so the clerk knows which cell to retype.
                odd = "、".join(f"{self.header_cell(i)}“{visible(str(raw.headers[i]))}”" for i in unknown[:3])
                seen = f"（未能识别的表头：{odd}）" if odd else ""
                raise UnusableInput(
                    f"{row}：表格 {self.spec.table} 的表头行缺少列“{column.name}”{seen}："
                    f"请恢复该列（表头须为：{'、'.join(self.spec.headers)}）"
                )
        return index

    def _duplicate_column(self, column: Column, hits: list[int]) -> None:
        """Two header cells naming one column: which holds the figure is not evident."""
        cells = [self.header_cell(i) for i in hits]
        texts = "”和“".join(str(self.raw.headers[i]).replace("\n", "") for i in hits)
        if column.name in _NOTE_COLUMNS:
            self.findings.warning(
                "input_header_duplicate",
                f"“{texts}”（{'、'.join(cells)}）都是“{column.name}”列，已读取第一列：建议删除或改名多余的列",
                cells[1],
            )
            return
        raise UnusableInput(
            f"{'、'.join(cells)}：表格 {self.spec.table} 有 {len(hits)} 列都对应“{column.name}”（“{texts}”），"
            "无法确定用哪一列：请删除多余的列，或把它改为其他表头"
        )

    def spaced_name(self, column: str, typed: str, name: str, where: str) -> None:
        """A name typed with spaces (also full-width) before or after it: read without them, one
        warning per name and column naming its first cell."""
        if (column, name) in self._spaced:
            return
        self._spaced.add((column, name))
        shown = typed.replace("\u3000", "␣").replace(" ", "␣")
        self.findings.interpretation(
            "input_name_spaces",
            f"{column}“{shown}”前后有空格（␣，含全角空格），已按“{name}”读取：建议删除这些空格",
            where,
            typed,
            name,
        )

    def bracketed_name(self, column: str, typed: str, name: str, where: str) -> None:
        """A name typed with half-width brackets: read with full-width ones, so it meets the
        same name typed the Chinese way in another table; one warning per name and column."""
        if (column, name) in self._spaced:
            return
        self._spaced.add((column, name))
        self.findings.interpretation(
            "input_name_brackets",
            f"{column}“{typed}”中的半角括号已按全角括号读取为“{name}”：建议统一使用全角括号（）",
            where,
            typed,
            name,
        )

    def header_cell(self, i: int) -> str:
        return f"{self.raw.sheet}!{column_letter(self.raw.first_col + i)}{self.raw.header_row}"

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """(sheet row, values) of the data rows. Blank rows (also rows of spaces only) are
        reported and skipped; footer lines (填表人：…, 注：…) end the table and are named in one
        warning; template sample rows are errors and never read as data; a row repeating an
        earlier one in a table that is counted is an error and not read (``repeats.py``)."""
        rows = self.raw.rows
        what = COUNTED_TABLES.get(self.spec.table)
        repeats = None if what is None else self._repeats(what)
        seen = None if repeats is None else repeats.seen  # rows by their key, compared inline (a call costs)
        probe = () if repeats is None else repeats.probe
        p, q = probe if len(probe) == 2 else (0, 0)
        last = len(rows) - 1
        while last >= 0 and (self._is_blank_row(rows[last]) or footer_text(rows[last]) is not None):
            last -= 1
        first = self.raw.first_row
        footers = [first + i for i in range(last + 1, len(rows)) if footer_text(rows[i]) is not None]
        a, b = self.sample_columns
        other = b if b else a  # the first cell is checked anyway: the other label column
        for i in range(last + 1):
            row = rows[i]
            # The common row settles here in C: a first cell that opens no footer and is not
            # blank, no 示例 mark, and label cells that do not open with 示例.
            if (
                row
                and type(head := row[0]) is str
                and head[:1] not in SPECIAL_FIRST
                and SAMPLE_MARK not in row
                and (type(label := row[other]) is not str or label[:1] not in SAMPLE_FIRST)
            ):
                if (
                    seen is None
                    or (earlier := seen.setdefault((row[p], row[q]) if probe else tuple(row), first + i)) == first + i
                    or (repeats is not None and not repeats.met(first + i, row, earlier))
                ):
                    yield first + i, row
                continue
            r = first + i
            la = row[a] if a < len(row) else None
            lb = row[b] if b < len(row) else None
            if self._is_blank_row(row):
                if r in self.raw.appended_below or any(rr == r for rr, _ in self.raw.uncached):
                    continue  # outside the table; or reported once, range-wise, as formulas without a result
                self.findings.warning(
                    "input_blank_row",
                    f"表格 {self.spec.table} 第 {r} 行为空行，已跳过：建议删除空行",
                    f"{self.raw.sheet}!{r}:{r}",
                )
                continue
            if footer_text(row) is not None:
                footers.append(r)
                continue
            if SAMPLE_MARK in row or is_sample_label(la) or is_sample_label(lb):
                # A sample row never produces a figure (a sample project is no project, its
                # amounts are in no total); an error, not a skip, so a row the clerk filled over
                # but left marked is not dropped: the clerk removes the mark or the row.
                self.findings.error(
                    "input_sample_row",
                    f"表格 {self.spec.table} 第 {r} 行是模板中的示例行（标有“示例”）："
                    "请替换为本部门数据并删除“示例”标记，或删除该行",
                    f"{self.raw.sheet}!{r}:{r}",
                )
                continue
            if (
                repeats is None
                or (earlier := repeats.seen.setdefault(repeats.key(row), r)) == r
                or not repeats.met(r, row, earlier)
            ):
                yield r, row
        if repeats is not None:
            repeats.finish()
        if footers:
            self._report_footers(sorted(footers))

    def _repeats(self, what: str) -> RepeatedRows:
        """The repeated-row check of this table, keyed first on its probe cells (``PROBES``)."""
        raw = self.raw
        probe = self.repeat_probe
        named = IDENTIFIED_BY.get(self.spec.table)
        identifier = -1 if named is None else self.index.get(named)
        return RepeatedRows(
            raw.sheet,
            what,
            (raw.first_col, len(raw.headers)),
            raw.rows,
            raw.first_row,
            self.findings,
            probe,
            identifier,
        )

    @property
    def repeat_probe(self) -> tuple[int, ...]:
        """Positions of the cells a row is first compared on for repeats (``repeats.PROBES``);
        () when the table has none of the probe sets: rows are then compared whole."""
        for names in PROBES.get(self.spec.table, ()):
            if all(n in self.index for n in names):
                return tuple(self.index[n] for n in names)
        return ()

    def _report_footers(self, footers: list[int]) -> None:
        raw = self.raw
        texts = [footer_text(raw.rows[r - raw.first_row]) or "" for r in footers[:2]]
        shown = "、".join(f"第 {r} 行“{t[:20]}”" for r, t in zip(footers, texts, strict=False))
        more = f" 等 {len(footers)} 行" if len(footers) > 2 else ""
        self.findings.warning(
            "input_footer_rows",
            f"表格 {self.spec.table} 的{shown}{more}是表尾说明，不作为数据读取",
            f"{raw.sheet}!{footers[0]}:{footers[-1]}",
        )

    @property
    def sample_columns(self) -> tuple[int, int]:
        """Positions of the (up to two) columns where the template writes its sample labels."""
        wanted = [self.index[n] for n in SAMPLE_COLUMNS.get(self.spec.table, ()) if n in self.index]
        if not wanted:
            return 0, 0
        return wanted[0], wanted[-1]

    @staticmethod
    def _is_blank_row(row: Sequence[Any]) -> bool:
        return all(is_blank(v) for v in row)

    def cells(self, r: int, row: Sequence[Any], coercer: Coercer) -> Cells:
        return Cells(self, r, row, coercer)


class Cells:
    """Typed access to one data row; records whether any required cell failed."""

    def __init__(self, table: ContractTable, r: int, row: Sequence[Any], coercer: Coercer) -> None:
        self.table = table
        self.r = r
        self.row = row
        self.coercer = coercer
        self.ok = True
        self.ref = RowRef(table.ref, r)

    def raw(self, name: str) -> Any:
        i = self.table.index.get(name)
        if i is None or i >= len(self.row):
            return None
        return self.row[i]

    def where(self, name: str) -> str:
        return self.ref.cell(name)

    def misplaced_total(self, labels: Sequence[str]) -> bool:
        """Whether this row's total label (合计, 总计, …) sits in another column while the
        ``labels`` columns, where a total row names itself, are blank: one error at that cell
        (it reads as a total row, not as a 采购类别 or 单位级次 that is no choice), and the
        row is not read."""
        if any(not is_blank(self.raw(name)) for name in labels if name in self.table.index):
            return False
        for name in self.table.index:
            value = self.raw(name)
            if name not in labels and isinstance(value, str) and is_total_label(value):
                label = next((n for n in labels if n in self.table.index), labels[0])
                self.coercer.findings.error(
                    "input_total_misplaced",
                    f"第 {self.r} 行的“{value.strip()}”写在{name}列，像是合计行：合计行请把“{value.strip()}”"
                    f"写在{label}列（其余说明列可留空）；如不是合计行，请改正该单元格",
                    self.where(name),
                )
                self.ok = False
                return True
        return False

    def _error(self, name: str) -> str | None:
        """The error value (#DIV/0!, …) of a cell that reads blank."""
        col = self.table.ref.columns.get(name)
        return None if col is None else self.table.raw.facts.error_at(self.r, col)

    def _merged(self, name: str) -> bool:
        """Whether a blank cell is inside a merged range, below or right of its value. Asked
        only of a required cell that is missing: the merged ranges are a list, and asking it
        of every blank cell made a table of many merged ranges quadratic."""
        col = self.table.ref.columns.get(name)
        return col is not None and self.table.raw.facts.merged_at(self.r, col)

    def _blank_required(self, name: str, advice: str = "") -> bool:
        """For a blank cell: report it (error value, merged cell or missing) when required."""
        col = self.table.ref.columns.get(name)
        if col is not None and (self.r, col) in self.table.raw.uncached:
            self.ok = False  # a formula without a saved result: reported once for the table
            return True
        error = self._error(name)
        if error is not None:
            self.coercer._error_value(error, self.where(name), name)
            self.ok = False
            return True
        if self.table.column(name).required:
            self.coercer.missing(self.where(name), name, merged=self._merged(name), advice=advice)
            self.ok = False
            return True
        return False

    def text(self, name: str, advice: str = "") -> str:
        """The cell as text; a required one left blank is reported (with ``advice``, if any)."""
        value = self.raw(name)
        if is_blank(value):
            self._blank_required(name, advice)
            return ""
        text = self.coercer.text(value)
        if name in _NAME_COLUMNS and isinstance(value, str):
            if value != text:
                self.table.spaced_name(name, value, text, self.where(name))
            full = text.translate(_FULL_WIDTH_BRACKETS) if _CJK.search(text) else text
            if full != text:
                self.table.bracketed_name(name, text, full, self.where(name))
                return full
        return text

    def choice(self, name: str) -> str:
        value = self.raw(name)
        if is_blank(value):
            self._blank_required(name)
            return ""
        got = self.coercer.choice(value, self.where(name), name, self.table.column(name).choices)
        if got is None:
            self.ok = False
            return ""
        return got

    def number(self, name: str) -> Decimal | None:
        value = self.raw(name)
        if type(value) is float or type(value) is int:
            number = self.coercer.cell_number(value, self.where(name), name)
            if number is None:
                self.ok = False
                return None
            kind = self.table.column(name).kind
            if kind in _NO_PERCENT and self._percent_format(name):
                self.coercer.percent_shown(number, self.where(name), name, _KINDS[kind])
                self.ok = False
                return None
            if kind is Kind.AMOUNT and number < 0:
                return self._checked_amount(value, name)
            if kind is Kind.AMOUNT and self.coercer.bounded_amount(number, self.where(name), name) is None:
                self.ok = False
                return None
            return number
        if is_blank(value):
            self._blank_required(name)
            return None
        if isinstance(value, str) and value.strip() in DASHES:
            if self.table.column(name).required:
                self.coercer.findings.error(
                    "input_not_number",
                    f"{name}应为数字，现为“{value.strip()}”：若为零请填 0",
                    self.where(name),
                )
                self.ok = False
            else:
                self.coercer.findings.warning(
                    "input_dash",
                    f"{name}“{value.strip()}”按未填写处理",
                    self.where(name),
                )
            return None
        return self._checked_amount(value, name)

    def merged_range(self, name: str) -> str | None:
        """The merged range (A1:B2) holding this cell when it is not its top-left cell."""
        col = self.table.ref.columns.get(name)
        if col is None:
            return None
        for r1, c1, r2, c2 in self.table.raw.facts.merged_ranges():
            if r1 <= self.r <= r2 and c1 <= col <= c2 and (self.r, col) != (r1, c1):
                return f"{column_letter(c1)}{r1}:{column_letter(c2)}{r2}"
        return None

    def _percent_format(self, name: str) -> bool:
        col = self.table.ref.columns.get(name)
        return col is not None and (self.r, col) in self.table.raw.percent_cells

    def _checked_amount(self, value: Any, name: str) -> Decimal | None:
        """A non-blank cell as the column's number kind (blank cells never get here)."""
        kind = self.table.column(name).kind
        if kind is Kind.AMOUNT:
            got = self.coercer.amount(value, self.where(name), name)
        else:
            got = self.coercer.number(value, self.where(name), name, kind=_KINDS.get(kind, "number"))
        if got is None:
            self.ok = False
        return got

    def value(self, name: str) -> tuple[Decimal | None, str]:
        value = self.raw(name)
        error = None
        if is_blank(value):
            col = self.table.ref.columns.get(name)
            if col is not None and (self.r, col) in self.table.raw.uncached:
                self.ok = False  # a formula without a saved result: reported once for the table
                return None, ""
            error = self._error(name)
            if error is None:
                return None, ""
        got = self.coercer.value(value, self.where(name), name, error)
        unreadable = type(value) is float and got[0] is None  # NaN or infinity: said at the cell
        if error is not None or unreadable or (isinstance(value, str) and value.strip() in EXCEL_ERRORS):
            self.ok = False
        return got

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        return self.coercer.date(value, self.where(name), name)
