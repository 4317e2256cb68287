"""Raw contract tables → the typed model of the core, with a finding for every doubt."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal

from ..core.amount_pair import amount_pair
from ..core.findings import Findings
from ..core.model import (
    Budget,
    BudgetLine,
    ContractLedger,
    DepartmentData,
    NarrativeItem,
    ProcurementLine,
    ProcurementSummary,
)
from ..core.numbers import shown_decimal
from ..errors import UnusableInput
from . import schema
from .clean_ledger import clean_ledger
from .coerce import Coercer, clean_text
from .indicators import fill_merged, read_scoring
from .info import read_info
from .labels import SAMPLE_MARK, is_blank, is_sub_item, is_total_label, subtotal_of
from .merged_units import MergedUnits
from .projects import read_projects
from .raw import RawTable
from .repeats import repeated_identifiers
from .rows import Cells, ContractTable
from .schema import TableSpec
from .subtotals import SubtotalGroups

__all__ = ["SAMPLE_MARK", "parse_department"]


# -- tables ------------------------------------------------------------------------------------


def _sub_item(table: ContractTable, where: str, label: str, findings: Findings) -> None:
    """A 其中 row is a breakdown of a row above or of the total: counting it as a unit or a
    category would count its amounts twice (DESIGN.md, "Reading what clerks really type")."""
    findings.warning(
        "input_sub_item_row",
        f"“{label.strip()}”是“其中”分项行，是上方某行或合计的组成部分，不是单独的"
        f"{'类别' if table.spec is schema.PROCUREMENT else '单位'}，未计入合计："
        "如确为单独的一行，请去掉“其中”二字",
        where,
    )


_BUDGET_AMOUNTS = ("年初预算数", "全年预算数", "执行数", "支出数")


def _declared(cells: Cells, columns: Sequence[str]) -> dict[str, tuple[Decimal, str]]:
    """The amounts a 小计 row states, with their cells (blank ones are not declared)."""
    found = {}
    for column in columns:
        if column in cells.table.index and not is_blank(cells.raw(column)):
            value = cells.number(column)
            if value is not None:
                found[column] = (value, cells.where(column))
    return found


# What a blank 单位名称 may be: the second part of a unit split over rows, whose name cell a
# reader that sees no merged ranges (the Excel door) reads blank. Summing works in every door.
_PARTS_ADVICE = "如该行与上方的行是同一单位的几部分（如基本支出、项目支出分行填写），请把它们合计为一行"


def _budget(table: ContractTable, coercer: Coercer) -> Budget:
    lines: list[BudgetLine] = []
    declared: BudgetLine | None = None
    parts: list[tuple[Decimal, str, str]] = []
    groups = SubtotalGroups(table.spec.table, "单位级次")
    merged = MergedUnits()
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        part_of = merged.part_of(cells)
        name = lines[part_of[0]].name if part_of is not None else cells.coercer.text(cells.raw("单位名称"))
        unit = subtotal_of(name)
        if unit is not None:
            level = clean_text(cells.coercer.text(cells.raw("单位级次"))) if "单位级次" in table.index else ""
            groups.add_subtotal(name, unit, r, _declared(cells, _BUDGET_AMOUNTS), level)
            continue
        if part_of is None and cells.misplaced_total(("单位名称",)):
            continue
        name = name if part_of is not None else cells.text("单位名称", _PARTS_ADVICE)
        if is_sub_item(name):
            _sub_item(table, cells.where("单位名称"), name, coercer.findings)
            part = cells.number("全年预算数")
            if part is not None:
                parts.append((part, name, cells.where("全年预算数")))
            continue
        is_total = is_total_label(name)
        level = "" if is_total or part_of is not None else cells.choice("单位级次")
        initial = cells.number("年初预算数")
        total = cells.number("全年预算数")
        executed = cells.number("执行数")
        spent = cells.number("支出数")
        note = cells.text("备注")
        if not cells.ok or total is None or executed is None:
            continue
        line = BudgetLine(name, level, initial, total, executed, spent, note, cells.ref)
        if is_total:
            declared = line
        elif part_of is not None:
            merged.add(lines, part_of[0], part_of[1], line)
            amounts = dict(zip(_BUDGET_AMOUNTS, (initial, total, executed, spent), strict=True))
            groups.add_row(r, name, amounts, lines[part_of[0]].level)
        else:
            merged.read(r, len(lines))
            lines.append(line)
            amounts = dict(zip(_BUDGET_AMOUNTS, (initial, total, executed, spent), strict=True))
            groups.add_row(r, name, amounts, level or "")
    groups.check(coercer.findings, table.raw.sheet)
    merged.report(lines, table.raw.sheet, coercer.amount_unit, coercer.findings)
    whole = sum((line.total for line in lines), Decimal(0))
    for part, name, where in parts:
        if lines and part > whole:
            shown = amount_pair(part, whole, coercer.amount_unit)
            coercer.findings.error(
                "input_sub_item_exceeds",
                f"“{name}”的全年预算数 {shown.first}大于各单位全年预算数之和 {shown.second}，"
                "不可能是其中的一部分：请核对该行，或去掉“其中”二字作为单独的单位填写",
                where,
            )
    return Budget(table.ref, lines, declared)


def _contracts(table: ContractTable, coercer: Coercer) -> ContractLedger:
    # A unit's contracts listed under its name merged over them: each row is that unit's
    # contract (as merged 一级指标 are filled down), one warning per merged range. A merged
    # cell reads blank: only then are the sheet's merged ranges looked up (a ledger is long).
    i_unit = table.index["单位名称"]
    names = [row[i_unit] for row in table.raw.rows]
    taken = {i_unit: names}  # the column, for the column-wise reader, while the rows are as read
    if None in names or "" in names:
        fill_merged(table, ("单位名称",))
        taken = {}
    # Every row plain (the common ledger): read column-wise; else row by row, with findings.
    ledger = clean_ledger(table, taken)
    if ledger is None:
        ledger = _contract_rows(table, coercer)
    if "合同编号" in table.index:
        where = table.ref.cell
        rows = ledger.rows
        repeated_identifiers(ledger.numbers, lambda i: where("合同编号", rows[i]), "合同编号", "合同", coercer.findings)
    return ledger


def _contract_rows(table: ContractTable, coercer: Coercer) -> ContractLedger:
    """The ledger read row by row: rows that are not plain contracts (合计, 小计, sub-items,
    cells in doubt) are read through ``Cells`` with their findings, 小计 and 合计 rows checked."""
    groups = SubtotalGroups(table.spec.table, "采购类别")
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
    declared: Decimal | None = None
    declared_where = ""
    ceiling = float(coercer.amount_ceiling)  # beyond it (or infinite): read through Cells, an error
    amount_col = table.ref.columns["合同金额"]
    percent_rows = {r for r, c in table.raw.percent_cells if c == amount_col}  # read through Cells: an error
    for r, row in table.rows():
        # The ledger can hold hundreds of thousands of rows: well-formed rows take this
        # path of type checks and set lookups; anything unusual goes through _Row.
        unit = row[i_unit]
        category = row[i_cat]
        amount = row[i_amount]
        size = row[i_size]
        if (
            type(amount) is float
            and 0 <= amount < ceiling
            and r not in percent_rows
            and category in category_choices
            and size in size_choices
            and type(unit) is str
            and unit.strip()
            and unit == unit.strip()
            and "(" not in unit  # half-width brackets are read through Cells.text (a warning)
            and (i_date is None or is_blank(row[i_date]) or isinstance(row[i_date], dt.date))
        ):
            units.append(unit.strip())
            categories.append(category)
            amounts.append(shown_decimal(amount))
            sizes.append(size)
            number = "" if i_number is None else row[i_number]
            numbers.append(number.strip() if type(number) is str else coercer.text(number))
            rows.append(r)
            continue
        label = row[i_number] if i_number is not None and not is_blank(row[i_number]) else row[i_unit]
        named = subtotal_of(label) if isinstance(label, str) else None
        if named is not None:
            # Rows collected so far are the group above it (their positions in ``amounts``).
            groups.units, groups.rows, groups.kinds = units, rows, categories
            groups.add_subtotal(str(label), named, r, _declared(table.cells(r, row, coercer), ("合同金额",)))
            continue
        if isinstance(label, str) and is_sub_item(label):
            _sub_item(table, table.cells(r, row, coercer).where("单位名称"), label, coercer.findings)
            continue
        if isinstance(label, str) and is_total_label(label):
            declared = (cells_total := table.cells(r, row, coercer)).number("合同金额")
            declared_where = cells_total.where("合同金额")
            continue
        cells = table.cells(r, row, coercer)
        if cells.misplaced_total(("合同编号", "单位名称")):
            continue
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
    if declared is not None:
        _check_declared_total(declared, declared_where, sum(amounts, Decimal(0)), coercer)
    groups.units, groups.rows, groups.kinds = units, rows, categories
    groups.check(coercer.findings, table.raw.sheet, lambda column: amounts)
    return ContractLedger(table.ref, numbers, units, categories, amounts, sizes, rows)


def _check_declared_total(declared: Decimal, where: str, summed: Decimal, coercer: Coercer) -> None:
    """A 合计/汇总 row of the ledger is the clerk's own total: it must equal the contracts' sum."""
    if declared != summed:
        shown = amount_pair(declared, summed, coercer.amount_unit)
        coercer.findings.error(
            "contracts_total_mismatch",
            f"采购合同的合计行金额 {shown.first}与各合同金额之和 {shown.second}不一致"
            f"（相差 {shown.difference}）：请核对合计行或合同明细",
            where,
        )


def _procurement(table: ContractTable, coercer: Coercer) -> ProcurementSummary:
    lines: list[ProcurementLine] = []
    declared: ProcurementLine | None = None
    groups = SubtotalGroups(table.spec.table, "采购类别")
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        label = cells.coercer.text(cells.raw("采购类别"))
        named = subtotal_of(label)
        if named is not None:
            groups.add_subtotal(label, named, r, _declared(cells, _PROCUREMENT_AMOUNTS))
            continue
        if is_sub_item(label):
            _sub_item(table, cells.where("采购类别"), label, coercer.findings)
            continue
        is_total = is_total_label(label)
        category = label if is_total else cells.choice("采购类别")
        amount = cells.number("支出金额")
        sme = cells.number("授予中小企业合同金额")
        small = cells.number("其中授予小微企业合同金额")
        if not cells.ok or amount is None:
            continue
        line = ProcurementLine(category, amount, sme, small, cells.ref)
        if is_total:
            declared = line
        else:
            lines.append(line)
            groups.add_row(r, category, dict(zip(_PROCUREMENT_AMOUNTS, (amount, sme, small), strict=True)), category)
    groups.check(coercer.findings, table.raw.sheet)
    categories = [line.category for line in lines]
    repeated_identifiers(categories, lambda i: lines[i].where.cell("采购类别"), "采购类别", "类别", coercer.findings)
    return ProcurementSummary(table.ref, lines, declared)


_PROCUREMENT_AMOUNTS = ("支出金额", "授予中小企业合同金额", "其中授予小微企业合同金额")


def _narrative(table: ContractTable, coercer: Coercer) -> list[NarrativeItem]:
    items = []
    for r, row in table.rows():
        cells = table.cells(r, row, coercer)
        section = clean_text(cells.text("章节")).replace(" ", "")
        if not cells.ok:
            continue
        if section not in schema.NARRATIVE_SECTIONS:
            coercer.findings.warning(
                "narrative_other_section",
                f"章节“{section}”不是报告的固定章节，该段落放在 Word 报告末尾的“{schema.OTHER_SECTION}”中："
                f"如应归入某一章节，请改为 {'、'.join(schema.NARRATIVE_SECTIONS)} 之一",
                cells.where("章节"),
            )
        items.append(NarrativeItem(section, cells.text("内容")))
    return items


def missing_sheet_message(spec: TableSpec) -> str:
    """A required sheet absent: what the clerk knows (the sheet's name, its header row) and
    what to do; the Excel table name only last, for whoever rebuilds it by hand."""
    return (
        f"缺少工作表“{spec.sheet}”（表头为：{'、'.join(spec.headers)}）：请从空白模板（部门整体支出绩效自评模板.xlsm）"
        f"把工作表“{spec.sheet}”复制到本工作簿（右键工作表标签→移动或复制→勾选“建立副本”）后填写；"
        f"如本工作簿中已有这张表但改了名，请把工作表名改回“{spec.sheet}”（Excel 表格名称 {spec.table}）"
    )


def _table(
    tables: Mapping[str, RawTable | None], spec: TableSpec, findings: Findings, amount_unit: str = ""
) -> ContractTable | None:
    raw = tables.get(spec.table)
    if raw is None:
        if spec.required:
            raise UnusableInput(missing_sheet_message(spec))
        return None
    return ContractTable(raw, findings, amount_unit)


def parse_department(tables: Mapping[str, RawTable | None], findings: Findings) -> DepartmentData:
    """Parse every contract table; raises UnusableInput for a missing sheet or column."""
    info_table = _table(tables, schema.INFO, findings)
    assert info_table is not None
    info = read_info(info_table, findings)
    # Headers may carry the unit ("全年预算数（万元）"): resolved once 金额单位 is known.
    resolved = {spec.table: _table(tables, spec, findings, info.amount_unit) for spec in schema.ALL_TABLES[1:]}

    def need(spec: TableSpec) -> ContractTable:
        table = resolved[spec.table]
        assert table is not None
        return table

    coercer = Coercer(findings, info.amount_unit)
    narrative_table = resolved[schema.NARRATIVE.table]
    # The projects' indicators are read with the department's: one pass over percent points, so
    # a rule is read the same way for every table that uses it.
    project_tables = read_projects(resolved, coercer, info.amount_unit)
    others = []
    if project_tables is not None and project_tables.indicator_table is not None:
        inds = [p.indicator for p in project_tables.data.indicators]
        others.append((project_tables.indicator_table, inds, project_tables.units))
    indicators, rules, read, unusable = read_scoring(
        need(schema.INDICATORS), need(schema.RULES), coercer, info.amount_unit, others
    )
    projects = None
    if project_tables is not None:
        projects = project_tables.with_indicators(read[0]) if others else project_tables.data
    return DepartmentData(
        info=info,
        budget=_budget(need(schema.BUDGET), coercer),
        contracts=_contracts(need(schema.CONTRACTS), coercer),
        procurement=_procurement(need(schema.PROCUREMENT), coercer),
        indicators=indicators,
        rules=rules,
        narrative=_narrative(narrative_table, coercer) if narrative_table else (),
        projects=projects,
        unusable_rules=unusable,
        indicator_table=need(schema.INDICATORS).ref,
    )
