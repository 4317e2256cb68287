"""The template and example workbooks: reproducible, their VBA readable by independent tools,
their buttons bound, their macros running the right Python entry point."""

from __future__ import annotations

import html
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from oletools.olevba import VBA_Parser
from pyopenvba.interpreter import HostBridge, Interpreter

import addin.buttons
from addin.contract import schema
from addin.contract.labels import SAMPLE_MARK
from addin.headless import build_templates, evaluate_file
from addin.jx_values import FormulaValues
from addin.workbook.template import EXAMPLE_NAME, TEMPLATE_NAME, TEMPLATE_TABLES, evaluate_tables
from addin.workbook.vba import MACRO_NAMES, macro_sources

from ..libreoffice import convert, pdf_text

COMMITTED = Path(__file__).resolve().parents[2] / "workbook_templates"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("templates")
    build_templates(folder)
    return folder


@pytest.mark.parametrize("name", [TEMPLATE_NAME, EXAMPLE_NAME])
def test_rebuilding_gives_the_committed_bytes(name: str, rebuilt: Path) -> None:
    committed = COMMITTED / name
    assert committed.is_file(), f"{name} is not committed: run python -m addin template"
    assert (rebuilt / name).read_bytes() == committed.read_bytes(), (
        f"{name} is stale: run `python -m addin template` and commit workbook_templates/"
    )


def _normalise(code: str) -> str:
    return "\n".join(line.rstrip() for line in code.replace("\r\n", "\n").strip().split("\n"))


@pytest.mark.parametrize("name", [TEMPLATE_NAME, EXAMPLE_NAME])
def test_olevba_reads_every_module_of_macros_back(name: str, rebuilt: Path) -> None:
    parser = VBA_Parser(str(rebuilt / name))
    try:
        modules = {Path(stream).name: code for _, stream, _, code in parser.extract_macros()}
    finally:
        parser.close()
    for module, source in macro_sources().items():
        assert module in modules, sorted(modules)
        assert _normalise(modules[module]) == _normalise(source)


def test_vba_is_ascii_only() -> None:
    for source in macro_sources().values():
        assert source.isascii()


class RecordingHost(HostBridge):
    """A host that offers RunPython (as xlwings' module does) and records each call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def has_global_member(self, name: str) -> bool:
        return name.lower() == "runpython"

    def call_global(self, name: str, args: list[object], named: dict[str, object]) -> object:
        assert name.lower() == "runpython"
        self.calls.append(str(args[0]))
        return None


ENTRY_POINTS = {
    "GenerateReport": "generate_report",
    "CheckInputs": "check_inputs",
    "ExportShareCopy": "export_share_copy",
    "ExportDocx": "export_docx",
}


@pytest.mark.parametrize("macro", sorted(ENTRY_POINTS))
def test_each_macro_runs_and_calls_its_entry_point(macro: str) -> None:
    host = RecordingHost()
    vba = Interpreter(host=host)
    for name, source in macro_sources().items():
        vba.add_module(source, name=name)
    vba.run(macro, [])
    entry = ENTRY_POINTS[macro]
    assert host.calls == [f"import addin.buttons; addin.buttons.{entry}()"]
    assert callable(getattr(addin.buttons, entry))
    assert macro in MACRO_NAMES.values()


@pytest.fixture(scope="module")
def libreoffice_ods(rebuilt: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("ods")
    return convert(rebuilt / TEMPLATE_NAME, "ods", out)


def test_libreoffice_imports_each_module_and_binds_each_button(libreoffice_ods: Path) -> None:
    with zipfile.ZipFile(libreoffice_ods) as ods:
        names = ods.namelist()
        content = ods.read("content.xml").decode("utf-8")
        basic = {
            Path(n).stem: ods.read(n).decode("utf-8")
            for n in names
            if n.startswith("Basic/") and n.endswith(".xml") and "script-l" not in n
        }
    for module in macro_sources():
        assert module in basic, sorted(basic)
    buttons = re.findall(r'<form:button [^>]*form:label="([^"]+)".*?</form:button>', content, re.S)
    assert sorted(buttons) == sorted(MACRO_NAMES)
    for caption, macro in MACRO_NAMES.items():
        block = re.search(rf'form:label="{caption}".*?</form:button>', content, re.S)
        assert block is not None
        bound = re.search(r"vnd\.sun\.star\.script:\w+\.(\w+)\.(\w+)\?", block.group(0))
        assert bound is not None, caption
        module, sub = bound.groups()
        assert sub == macro and re.search(rf"Sub {sub}\b", basic[module]), (caption, module, sub)


def test_tables_validations_and_formats_survive_libreoffice(rebuilt: Path, tmp_path: Path) -> None:
    resaved = convert(rebuilt / TEMPLATE_NAME, "xlsx", tmp_path)
    wb = openpyxl.load_workbook(resaved)
    tables = {name for ws in wb.worksheets for name in ws.tables}
    assert {spec.table for spec in schema.ALL_TABLES} <= tables
    budget = wb["预算执行"]
    assert budget["D4"].number_format == "#,##0.00####"  # the cents, and any decimals typed beyond them
    lists = {dv.formula1 for ws in wb.worksheets for dv in ws.data_validations.dataValidation}
    for choices in (
        schema.LEVELS,
        schema.CATEGORIES,
        schema.SIZES,
        schema.DIRECTIONS,
        schema.AMOUNT_UNITS,
        schema.BASES,
        schema.EXECUTION_BASES,
        schema.RULE_KINDS,
        schema.BUILT_IN_METHODS,
    ):
        assert any(all(c in (formula or "") for c in choices) for formula in lists), choices


def test_the_template_has_one_sample_row_per_table_and_the_conf_sheet(rebuilt: Path) -> None:
    wb = openpyxl.load_workbook(rebuilt / TEMPLATE_NAME)
    assert wb.sheetnames[0] == "使用说明" and wb.sheetnames[-1] == "xlwings.conf"
    assert [wb["xlwings.conf"]["A1"].value, wb["xlwings.conf"]["B1"].value] == ["UDF Modules", "addin.udfs"]
    for spec in schema.ALL_TABLES:
        if spec.table == "tblInfo":
            continue
        table = next(ws.tables[spec.table] for ws in wb.worksheets if spec.table in ws.tables)
        first, last = table.ref.split(":")
        assert int(re.sub(r"\D", "", last)) - int(re.sub(r"\D", "", first)) == 1, spec.table


def test_check_on_the_template_says_what_to_replace(rebuilt: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "addin", "check", str(rebuilt / TEMPLATE_NAME)], capture_output=True, text=True
    )
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    assert "示例行" in result.stdout and "仍是模板中的示例" in result.stdout


def test_every_tables_sample_row_is_recognised_and_an_error(rebuilt: Path) -> None:
    """Each table of the template carries a sample row (tblInfo its sample 部门名称); left in
    place it is an error located on its own sheet, and it is recognised by its content too
    when the clerk cleared a separate 示例 mark (备注) but kept the row."""
    evaluation = evaluate_file(rebuilt / TEMPLATE_NAME)
    sheets = {f.location.split("!")[0] for f in evaluation.findings.errors if f.code == "input_sample_row"}
    assert sheets == {spec.sheet for spec in schema.ALL_TABLES}
    unmarked = {
        name: [[None if v == SAMPLE_MARK and i == len(row) - 1 else v for i, v in enumerate(row)] for row in rows]
        for name, rows in TEMPLATE_TABLES.items()
    }
    found = evaluate_tables(unmarked).findings.errors
    assert {f.location.split("!")[0] for f in found if f.code == "input_sample_row"} == sheets


def test_the_quick_checks_cache_what_the_functions_compute(rebuilt: Path) -> None:
    """使用说明's JX_* formulas carry the values the functions give over the workbook's own
    tables (Excel shows them before any recalculation); the example's 自评总分 is 97.96."""
    for name in (TEMPLATE_NAME, EXAMPLE_NAME):
        path = rebuilt / name
        with zipfile.ZipFile(path) as z:
            xml = z.read("xl/worksheets/sheet1.xml").decode()
            cached = re.findall(r"<c ([^>]*)><f>([^<]*JX_[^<]*)</f><v>([^<]*)</v>", xml)
            values = FormulaValues(path, z)
            try:
                assert len(cached) == 4, name
                for attributes, formula, value in cached:
                    computed = values.compute("使用说明", html.unescape(formula))
                    shown = html.unescape(value) if 't="str"' in attributes else float(value)
                    assert shown == computed, (name, formula, shown, computed)
            finally:
                values.close()
        if name == EXAMPLE_NAME:
            assert [float(v) for _, f, v in cached if "JX_TOTAL_SCORE" in f] == [97.96]


def test_the_new_columns_and_rows_of_the_real_report_forms(rebuilt: Path) -> None:
    wb = openpyxl.load_workbook(rebuilt / TEMPLATE_NAME)
    info = {row[0]: row[1] for row in wb["基本信息"].iter_rows(min_row=4, max_col=2, values_only=True) if row[0]}
    assert info["执行率口径"] == "全年预算数"
    for sheet, column, criteria in (
        ("绩效指标", "得分系数", (None, "0", "1")),  # between: the default operator
        ("计分规则", "每档", ("greaterThan", "0")),
    ):
        ws = wb[sheet]
        letter = next(c.column_letter for c in ws[3] if c.value == column)
        checks = [dv for dv in ws.data_validations.dataValidation if f"{letter}4" in dv.sqref]
        assert [(dv.type, dv.operator, dv.formula1) for dv in checks] == [("decimal", criteria[0], criteria[1])]
        if len(criteria) == 3:
            assert checks[0].formula2 == criteria[2]


def test_amount_columns_show_a_yuan_department_amounts_whole_and_typed_decimals(rebuilt: Path, tmp_path: Path) -> None:
    """Every amount column of the template holds a 元 amount of 13 digits (and its cents) as
    Excel measures it, shows the decimals a 亿元 department types (0.001434, not 0.00), and
    LibreOffice prints both as typed, never ###."""
    from decimal import Decimal

    from addin.report.fit import shown_width

    wb = openpyxl.load_workbook(rebuilt / TEMPLATE_NAME)
    need = shown_width(Decimal("9999999999999.99"), "#,##0.00")
    typed = {"预算执行": 6850000000, "采购合同": 0.001434}
    for spec in schema.ALL_TABLES:
        ws = next(ws for ws in wb.worksheets if spec.table in ws.tables)
        widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
        for c, name in enumerate(spec.headers, start=1):
            if spec.column(name).kind is not schema.Kind.AMOUNT:
                continue
            letter = openpyxl.utils.get_column_letter(c)
            assert widths[c] >= need, (ws.title, name)
            assert ws[f"{letter}4"].number_format == "#,##0.00####", (ws.title, name)
            if ws.title in typed:
                ws[f"{letter}4"].value = typed[ws.title]
    for name in wb.sheetnames:
        if name not in typed:
            del wb[name]
    source = tmp_path / "amounts.xlsx"
    wb.save(source)
    text = "".join(pdf_text(convert(source, "pdf", tmp_path)).split())
    assert "###" not in text
    assert text.count("6,850,000,000.00") >= 3 and "0.001434" in text
