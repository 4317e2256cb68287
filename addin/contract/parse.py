"""Raw contract tables → the typed model of the core, with a finding for every doubt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
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
    RuleRow,
)
from ..core.numbers import to_decimal
from ..errors import UnusableInput
from . import schema
from .coerce import Coercer, clean_text
from .raw import RawTable
from .rows import SAMPLE_MARK, Cells, ContractTable, is_blank
from .schema import TableSpec

__all__ = ["SAMPLE_MARK", "indicator_row", "parse_department"]


def _is_total(label: str) -> bool:
    return clean_text(label).replace(" ", "") in schema.TOTAL_LABELS


# -- tables ------------------------------------------------------------------------------------


def _info(table: ContractTable, findings: Findings) -> Info:
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
        return "" if is_blank(value) else coercer.text(value)

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
    if not is_blank(weight_value):
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


def _budget(table: ContractTable, coercer: Coercer) -> Budget:
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


def _contracts(table: ContractTable, coercer: Coercer) -> ContractLedger:
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
            and (i_date is None or is_blank(row[i_date]) or isinstance(row[i_date], dt.date))
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


def _procurement(table: ContractTable, coercer: Coercer) -> ProcurementSummary:
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


def indicator_row(
    cells: Cells, *, target: str = "目标值", actual: str = "实际值", reason: str = "偏差原因"
) -> Indicator | None:
    """One indicator row; the department's table and the projects' (年度指标值, 实际完成值,
    偏差原因分析及改进措施) name the same fields differently. None when the row is unusable."""
    level1 = cells.text("一级指标")
    level2 = cells.text("二级指标")
    level3 = cells.text("三级指标")
    weight = cells.number("分值")
    if weight is not None and weight < 0:
        cells.coercer.findings.error("input_negative", "分值不能为负数：请填写该指标的分值", cells.where("分值"))
        cells.ok = False
    direction = cells.choice("指标方向")
    target_value, target_text = cells.value(target)
    actual_value, actual_text = cells.value(actual)
    source = clean_text(cells.text("数据来源")) if "数据来源" in cells.table.index else ""
    method = clean_text(cells.text("计分方法")).replace(" ", "")
    manual = cells.number("自评得分")
    deviation = cells.text(reason)
    if not cells.ok or weight is None:
        return None
    return Indicator(
        level1,
        level2,
        level3,
        weight,
        direction,
        target_value,
        target_text,
        actual_value,
        actual_text,
        source,
        method,
        manual,
        deviation,
        cells.ref,
    )


def _indicators(table: ContractTable, coercer: Coercer) -> list[Indicator]:
    indicators: list[Indicator] = []
    for r, row in table.rows():
        indicator = indicator_row(table.cells(r, row, coercer))
        if indicator is not None:
            indicators.append(indicator)
    return indicators


def _rules(table: ContractTable, coercer: Coercer) -> list[RuleRow]:
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


def _narrative(table: ContractTable, coercer: Coercer) -> list[NarrativeItem]:
    items = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        section = cells.text("章节")
        if cells.ok:
            items.append(NarrativeItem(section, cells.text("内容")))
    return items


def _table(tables: Mapping[str, RawTable | None], spec: TableSpec, findings: Findings) -> ContractTable | None:
    raw = tables.get(spec.table)
    if raw is None:
        if spec.required:
            raise UnusableInput(
                f"缺少工作表“{spec.sheet}”（表格 {spec.table}）：请使用模板中的工作表，或把改名的工作表改回原名"
            )
        return None
    return ContractTable(raw, findings)


def parse_department(tables: Mapping[str, RawTable | None], findings: Findings) -> DepartmentData:
    """Parse every contract table; raises UnusableInput for a missing sheet or column."""
    resolved = {spec.table: _table(tables, spec, findings) for spec in schema.ALL_TABLES}

    def need(spec: TableSpec) -> ContractTable:
        table = resolved[spec.table]
        assert table is not None
        return table

    info = _info(need(schema.INFO), findings)
    coercer = Coercer(findings, info.amount_unit)
    narrative_table = resolved[schema.NARRATIVE.table]
    from .projects import parse_projects  # the project tables build on this module's row readers

    return DepartmentData(
        info=info,
        budget=_budget(need(schema.BUDGET), coercer),
        contracts=_contracts(need(schema.CONTRACTS), coercer),
        procurement=_procurement(need(schema.PROCUREMENT), coercer),
        indicators=_indicators(need(schema.INDICATORS), coercer),
        rules=_rules(need(schema.RULES), coercer),
        narrative=_narrative(narrative_table, coercer) if narrative_table else (),
        projects=parse_projects(resolved, coercer),
    )
