"""Raw contract tables → the typed model of the core, with a finding for every doubt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from ..core.findings import Findings
from ..core.model import (
    Budget,
    BudgetLine,
    ContractLedger,
    DepartmentData,
    Indicator,
    Info,
    NarrativeItem,
    ProcurementLine,
    ProcurementSummary,
    RowRef,
    RuleRow,
    TableRef,
    column_letter,
)
from ..core.numbers import to_decimal
from ..errors import UnusableInput
from . import schema
from .coerce import DASHES, EXCEL_ERRORS, Coercer, clean_text
from .raw import RawTable
from .schema import Kind, TableSpec

__all__ = ["SAMPLE_MARK", "parse_department"]

# The template's placeholder rows carry this word in a cell of their own.
SAMPLE_MARK = "示例"


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class _Table:
    """One raw table with its headers resolved to the contract's columns."""

    def __init__(self, raw: RawTable, findings: Findings) -> None:
        self.raw = raw
        self.spec = raw.spec
        self.findings = findings
        self.index = self._resolve_headers()
        self.ref = TableRef(
            raw.sheet,
            raw.name or raw.spec.table,
            {name: raw.first_col + i for name, i in self.index.items()},
            raw.header_row,
        )

    def _resolve_headers(self) -> dict[str, int]:
        raw = self.raw
        exact: dict[str, int] = {}
        loose: dict[str, int] = {}
        for i, header in enumerate(raw.headers):
            if _blank(header):
                continue
            text = str(header)
            exact.setdefault(text.strip(" \t\r\n"), i)
            loose.setdefault(clean_text(text).replace(" ", ""), i)
        index: dict[str, int] = {}
        for column in self.spec.columns:
            if column.name in exact:
                index[column.name] = exact[column.name]
            elif column.name in loose:
                i = loose[column.name]
                index[column.name] = i
                self.findings.warning(
                    "input_header_normalised",
                    f"表头“{raw.headers[i]}”含多余空格或全角字符，已按“{column.name}”读取：建议改为标准表头",
                    self.header_cell(i),
                )
            elif column.present:
                raise UnusableInput(
                    f"{self.header_cell(0)}：表格 {self.spec.table} 缺少列“{column.name}”："
                    f"请恢复该列（表头须为：{'、'.join(self.spec.headers)}）"
                )
        return index

    def header_cell(self, i: int) -> str:
        return f"{self.raw.sheet}!{column_letter(self.raw.first_col + i)}{self.raw.header_row}"

    def rows(self) -> Iterator[tuple[int, Sequence[Any]]]:
        """(sheet row, values) of the data rows; interior blank rows reported and skipped."""
        rows = self.raw.rows
        last = len(rows) - 1
        while last >= 0 and self._is_blank_row(rows[last]):
            last -= 1
        for i in range(last + 1):
            row = rows[i]
            r = self.raw.first_row + i
            if self._is_blank_row(row):
                self.findings.warning(
                    "input_blank_row",
                    f"表格 {self.spec.table} 第 {r} 行为空行，已跳过：建议删除空行",
                    f"{self.raw.sheet}!{r}:{r}",
                )
                continue
            if SAMPLE_MARK in row:
                self.findings.warning(
                    "input_sample_row",
                    f"表格 {self.spec.table} 第 {r} 行是模板中的示例行：请替换为本部门数据或删除",
                    f"{self.raw.sheet}!{r}:{r}",
                )
            yield r, row

    @staticmethod
    def _is_blank_row(row: Sequence[Any]) -> bool:
        # any() settles almost every row in C; only all-falsy rows need the exact test.
        return not any(row) and all(_blank(v) for v in row)

    def cells(self, r: int, row: Sequence[Any], coercer: Coercer) -> _Row:
        return _Row(self, r, row, coercer)


class _Row:
    """Typed access to one data row; records whether any required cell failed."""

    def __init__(self, table: _Table, r: int, row: Sequence[Any], coercer: Coercer) -> None:
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

    def _facts(self, name: str) -> tuple[str | None, bool]:
        col = self.table.ref.columns.get(name)
        if col is None:
            return None, False
        facts = self.table.raw.facts
        return facts.error_at(self.r, col), facts.merged_at(self.r, col)

    def _blank_required(self, name: str) -> bool:
        """For a blank cell: report it (error value, merged cell or missing) when required."""
        error, merged = self._facts(name)
        if error is not None:
            self.coercer._error_value(error, self.where(name), name)
            self.ok = False
            return True
        if self.table.spec.column(name).required:
            self.coercer.missing(self.where(name), name, merged=merged)
            self.ok = False
            return True
        return False

    def text(self, name: str) -> str:
        value = self.raw(name)
        if _blank(value):
            self._blank_required(name)
            return ""
        return self.coercer.text(value)

    def choice(self, name: str) -> str:
        value = self.raw(name)
        if _blank(value):
            self._blank_required(name)
            return ""
        got = self.coercer.choice(value, self.where(name), name, self.table.spec.column(name).choices)
        if got is None:
            self.ok = False
            return ""
        return got

    def number(self, name: str) -> Decimal | None:
        value = self.raw(name)
        if type(value) is float or type(value) is int:
            number = to_decimal(value)
            if self.table.spec.column(name).kind is Kind.AMOUNT and number < 0:
                return self._checked_amount(value, name)
            return number
        if _blank(value):
            self._blank_required(name)
            return None
        if isinstance(value, str) and value.strip() in DASHES:
            if self.table.spec.column(name).required:
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

    def _checked_amount(self, value: Any, name: str) -> Decimal | None:
        kind = self.table.spec.column(name).kind
        error, _ = self._facts(name) if _blank(value) else (None, False)
        if kind is Kind.AMOUNT:
            got = self.coercer.amount(value, self.where(name), name, error)
        else:
            got = self.coercer.number(value, self.where(name), name, error)
        if got is None:
            self.ok = False
        return got

    def value(self, name: str) -> tuple[Decimal | None, str]:
        value = self.raw(name)
        error = None
        if _blank(value):
            error, _ = self._facts(name)
            if error is None:
                return None, ""
        got = self.coercer.value(value, self.where(name), name, error)
        if error is not None or (isinstance(value, str) and value.strip() in EXCEL_ERRORS):
            self.ok = False
        return got

    def date(self, name: str) -> dt.date | None:
        value = self.raw(name)
        return self.coercer.date(value, self.where(name), name)


def _is_total(label: str) -> bool:
    return clean_text(label).replace(" ", "") in schema.TOTAL_LABELS


# -- tables ------------------------------------------------------------------------------------


def _info(table: _Table, findings: Findings) -> Info:
    items: dict[str, tuple[Any, str]] = {}
    for r, row in table.rows():
        cells = table.cells(r, row, Coercer(findings))
        key = clean_text(cells.coercer.text(cells.raw("项目"))).replace(" ", "")
        if key:
            items.setdefault(key, (cells.raw("内容"), cells.where("内容")))
    locations = {key: where for key, (_, where) in items.items()}
    coercer = Coercer(findings)
    header = table.header_cell(0)

    def text(key: str) -> str:
        value = items.get(key, (None, ""))[0]
        return "" if _blank(value) else coercer.text(value)

    department = text("部门名称")
    if SAMPLE_MARK in department:
        findings.warning(
            "input_sample_row",
            f"部门名称“{department}”仍是模板中的示例：请填写本部门全称",
            locations.get("部门名称", header),
        )
    if not department:
        findings.error(
            "info_missing",
            "基本信息缺少“部门名称”：请在项目列写“部门名称”并在内容列填写部门全称",
            locations.get("部门名称", header),
        )
    year_value, year_where = items.get("评价年度", (None, locations.get("评价年度", header)))
    year = 0
    parsed_year = None
    if type(year_value) is float or type(year_value) is int:
        parsed_year = to_decimal(year_value)
    elif isinstance(year_value, str):
        digits = clean_text(year_value).removesuffix("年度").removesuffix("年")
        parsed_year = Decimal(digits) if digits.isdigit() else None
    if parsed_year is not None and parsed_year == parsed_year.to_integral() and 2000 <= parsed_year <= 2100:
        year = int(parsed_year)
    else:
        findings.error(
            "info_year",
            f"基本信息的评价年度“{'' if year_value is None else year_value}”无效：请填写四位年份，如 2023",
            year_where or header,
        )

    def choice(key: str, choices: Sequence[str]) -> str:
        value = text(key)
        if not value:
            return choices[0]
        got = coercer.choice(value, locations[key], key, choices)
        return got if got is not None else choices[0]

    unit = choice("金额单位", schema.AMOUNT_UNITS)
    basis = choice("小微占比口径", schema.BASES)
    total_weight = Decimal(100)
    weight_value = items.get("指标总分", (None, ""))[0]
    if not _blank(weight_value):
        got = coercer.number(weight_value, locations["指标总分"], "指标总分")
        if got is not None and got > 0:
            total_weight = got
        elif got is not None:
            findings.error("info_total_weight", "指标总分须大于 0：请填写如 100", locations["指标总分"])
    return Info(
        department=department,
        year=year,
        amount_unit=unit,
        small_micro_basis=basis,
        preparer=text("填报人"),
        phone=text("联系电话"),
        report_date=text("报告日期"),
        total_weight=total_weight,
        locations=locations,
    )


def _budget(table: _Table, coercer: Coercer) -> Budget:
    lines: list[BudgetLine] = []
    declared: BudgetLine | None = None
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = cells.text("单位名称")
        is_total = _is_total(name)
        level = "" if is_total else cells.choice("单位级次")
        initial = cells.number("年初预算数")
        total = cells.number("全年预算数")
        executed = cells.number("执行数")
        spent = cells.number("支出数")
        note = cells.text("备注")
        if not cells.ok or total is None or executed is None or spent is None:
            continue
        line = BudgetLine(name, level, initial, total, executed, spent, note, cells.ref)
        if is_total:
            declared = line
        else:
            lines.append(line)
    return Budget(table.ref, lines, declared)


def _contracts(table: _Table, coercer: Coercer) -> ContractLedger:
    numbers: list[str] = []
    units: list[str] = []
    categories: list[str] = []
    amounts: list[Decimal] = []
    sizes: list[str] = []
    rows: list[int] = []
    category_choices = frozenset(schema.CATEGORIES)
    size_choices = frozenset(schema.SIZES)
    i_unit = table.index["单位名称"]
    i_cat = table.index["采购类别"]
    i_amount = table.index["合同金额"]
    i_size = table.index["供应商规模"]
    i_number = table.index.get("合同编号")
    i_date = table.index.get("签订日期")
    for r, row in table.rows():
        # The ledger can hold hundreds of thousands of rows: well-formed rows take this
        # path of type checks and set lookups; anything unusual goes through _Row.
        unit = row[i_unit]
        category = row[i_cat]
        amount = row[i_amount]
        size = row[i_size]
        if (
            type(amount) is float
            and amount >= 0
            and category in category_choices
            and size in size_choices
            and type(unit) is str
            and unit.strip()
            and (i_date is None or _blank(row[i_date]) or isinstance(row[i_date], dt.date))
        ):
            units.append(unit.strip())
            categories.append(category)
            amounts.append(Decimal(repr(amount)))
            sizes.append(size)
            numbers.append("" if i_number is None else coercer.text(row[i_number]))
            rows.append(r)
            continue
        cells = table.cells(r, row, coercer)
        unit_text = cells.text("单位名称")
        category_text = cells.choice("采购类别")
        value = cells.number("合同金额")
        size_text = cells.choice("供应商规模")
        if i_date is not None:
            cells.date("签订日期")
        if not cells.ok or value is None:
            continue
        units.append(unit_text)
        categories.append(category_text)
        amounts.append(value)
        sizes.append(size_text)
        numbers.append(cells.text("合同编号"))
        rows.append(r)
    return ContractLedger(table.ref, numbers, units, categories, amounts, sizes, rows)


def _procurement(table: _Table, coercer: Coercer) -> ProcurementSummary:
    lines: list[ProcurementLine] = []
    declared: ProcurementLine | None = None
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        label = cells.coercer.text(cells.raw("采购类别"))
        is_total = _is_total(label)
        category = label if is_total else cells.choice("采购类别")
        amount = cells.number("支出金额")
        sme = cells.number("授予中小企业合同金额")
        small = cells.number("其中授予小微企业合同金额")
        if not cells.ok or amount is None or sme is None or small is None:
            continue
        line = ProcurementLine(category, amount, sme, small, cells.ref)
        if is_total:
            declared = line
        else:
            lines.append(line)
    return ProcurementSummary(table.ref, lines, declared)


def _indicators(table: _Table, coercer: Coercer) -> list[Indicator]:
    indicators: list[Indicator] = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        level1 = cells.text("一级指标")
        level2 = cells.text("二级指标")
        level3 = cells.text("三级指标")
        weight = cells.number("分值")
        if weight is not None and weight < 0:
            coercer.findings.error("input_negative", "分值不能为负数：请填写该指标的分值", cells.where("分值"))
            cells.ok = False
        direction = cells.choice("指标方向")
        target, target_text = cells.value("目标值")
        actual, actual_text = cells.value("实际值")
        source = clean_text(cells.text("数据来源"))
        method = clean_text(cells.text("计分方法")).replace(" ", "")
        manual = cells.number("自评得分")
        reason = cells.text("偏差原因")
        if not cells.ok or weight is None:
            continue
        indicators.append(
            Indicator(
                level1,
                level2,
                level3,
                weight,
                direction,
                target,
                target_text,
                actual,
                actual_text,
                source,
                method,
                manual,
                reason,
                cells.ref,
            )
        )
    return indicators


def _rules(table: _Table, coercer: Coercer) -> list[RuleRow]:
    rules: list[RuleRow] = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        name = clean_text(cells.text("规则名称")).replace(" ", "")
        kind = cells.choice("规则类型")
        lower = cells.number("下限")
        upper = cells.number("上限")
        ratio = cells.number("得分比例")
        points = cells.number("每点扣分")
        if not cells.ok:
            continue
        if name in schema.BUILT_IN_METHODS:
            coercer.findings.error(
                "rule_reserved_name",
                f"规则名称“{name}”与内置计分方法重名：请换一个名称",
                cells.where("规则名称"),
            )
            continue
        rules.append(RuleRow(name, kind, lower, upper, ratio, points, cells.ref))
    return rules


def _narrative(table: _Table, coercer: Coercer) -> list[NarrativeItem]:
    items = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        section = cells.text("章节")
        if cells.ok:
            items.append(NarrativeItem(section, cells.text("内容")))
    return items


def _table(tables: Mapping[str, RawTable | None], spec: TableSpec, findings: Findings) -> _Table | None:
    raw = tables.get(spec.table)
    if raw is None:
        if spec.required:
            raise UnusableInput(
                f"缺少工作表“{spec.sheet}”（表格 {spec.table}）：请使用模板中的工作表，或把改名的工作表改回原名"
            )
        return None
    return _Table(raw, findings)


def parse_department(tables: Mapping[str, RawTable | None], findings: Findings) -> DepartmentData:
    """Parse every contract table; raises UnusableInput for a missing sheet or column."""
    resolved = {spec.table: _table(tables, spec, findings) for spec in schema.ALL_TABLES}

    def need(spec: TableSpec) -> _Table:
        table = resolved[spec.table]
        assert table is not None
        return table

    info = _info(need(schema.INFO), findings)
    coercer = Coercer(findings, info.amount_unit)
    narrative_table = resolved[schema.NARRATIVE.table]
    return DepartmentData(
        info=info,
        budget=_budget(need(schema.BUDGET), coercer),
        contracts=_contracts(need(schema.CONTRACTS), coercer),
        procurement=_procurement(need(schema.PROCUREMENT), coercer),
        indicators=_indicators(need(schema.INDICATORS), coercer),
        rules=_rules(need(schema.RULES), coercer),
        narrative=_narrative(narrative_table, coercer) if narrative_table else (),
    )
