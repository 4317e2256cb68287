"""The headless door: read a workbook file, evaluate it, write the report back safely."""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from .contract.file_reader import read_tables
from .contract.parse import parse_department
from .contract.raw import RawTable
from .core import Evaluation, Findings, evaluate
from .errors import DataErrors, UnusableInput
from .package.archive import check_workbook_file, open_package
from .package.save import atomic_write, backup, ensure_writable, not_an_input
from .package.zipcopy import ZipLayoutError

__all__ = [
    "GenerateResult",
    "build_templates",
    "demo",
    "evaluate_file",
    "evaluate_with_tables",
    "generate",
    "write_report",
]


def evaluate_file(path: Path, *, recalc: bool = False) -> Evaluation:
    """Every figure and finding of the workbook at ``path``; raises UnusableInput.

    ``recalc``: read a copy recalculated by LibreOffice (``addin.recalc``), with a warning
    saying so; the file itself is not touched."""
    return evaluate_with_tables(path, recalc=recalc)[0]


def evaluate_with_tables(path: Path, *, recalc: bool = False) -> tuple[Evaluation, dict[str, RawTable | None]]:
    """``evaluate_file`` plus the tables as read (keyed by table name, None where absent), for
    a door that shows the clerk's own cells around a finding's location."""
    if recalc:
        from .recalc import RECALC_NOTE, recalculated

        check_workbook_file(path)
        with recalculated(path) as copy:
            findings = Findings()
            findings.warning("input_recalculated", RECALC_NOTE, "")
            tables = read_tables(copy)
            return evaluate(parse_department(tables, findings), findings), tables
    findings = Findings()
    tables = read_tables(path)
    return evaluate(parse_department(tables, findings), findings), tables


def write_report(
    source: Path, destination: Path, ev: Evaluation, *, keep_existing: bool = True
) -> tuple[Path | None, list[str], list[str]]:
    """``destination`` = ``source`` with 自评报告 and 校验结果 added or replaced, and with
    项目自评汇总 and one 项目自评-<序号> per project; sheets of an earlier run that are no longer
    wanted are removed. Only the product's own sheets (``report.ownership``) are replaced or
    removed: a sheet of the clerk's of the same name is kept, and ours is written beside it with
    a warning. Atomic. An existing ``destination`` with other bytes is kept as a backup first
    (``keep_existing``); returns that backup, the names the sheets were written under and the
    sheets removed."""
    # Imported here: summary and check never write, and need not load the writer.
    from .package.inject import inject_sheets, marked_sheets
    from .package.package import Package
    from .report.content import report_layouts
    from .report.ownership import plan_sheets, renamed, report_displaced, wanted_sheets

    size = source.stat().st_size
    with source.open("rb") as stream, open_package(source) as package:
        pkg = Package(package)
        existing = [sheet.name for sheet in pkg.sheets]
        plan = plan_sheets(existing, marked_sheets(pkg.workbook, existing), wanted_sheets(ev))
        report_displaced(plan, ev.findings)  # before the layouts: 校验结果 lists them too
        layouts = renamed(report_layouts(ev), plan.names)
        try:
            saved = atomic_write(
                destination,
                lambda out: inject_sheets(package, stream, size, out, layouts, plan.stale),
                keep_existing=keep_existing,
            )
            return saved, [layout.name for layout in layouts], list(plan.stale)
        except ZipLayoutError:
            raise UnusableInput(
                f"“{source.name}”使用了不常见的压缩格式（ZIP64）：请在 Excel 中另存为 .xlsx/.xlsm 后再试"
            ) from None


@dataclass(frozen=True, slots=True)
class GenerateResult:
    evaluation: Evaluation
    written: Path
    backup: Path | None
    sheets: tuple[str, ...] = ()  # the names the report's sheets were written under, in order
    removed: tuple[str, ...] = ()  # sheets of an earlier run taken out (projects no longer listed)


def generate(
    workbook: Path, output: Path | None = None, data_from: Path | None = None, *, recalc: bool = False
) -> GenerateResult:
    """Compute from ``data_from`` (default: the workbook itself) and write the report sheets
    into ``output`` (default: the workbook, in place, after a backup). Nothing is written
    when the data have errors."""
    check_workbook_file(workbook)
    destination = output or workbook
    if destination.suffix.lower() != workbook.suffix.lower():
        raise UnusableInput(
            f"输出文件“{destination.name}”的扩展名应与“{workbook.name}”一致（{workbook.suffix}）：请修改 -o 的文件名"
        )
    if data_from is not None:
        not_an_input(destination, [data_from], "数据来源工作簿（--from）")
    ev = evaluate_file(data_from or workbook, recalc=recalc)
    if not ev.ok:
        raise DataErrors(ev.findings)
    ensure_writable(destination)
    if _same_file(destination, workbook):
        saved: Path | None = backup(workbook)  # in place: always a backup, as the clerk expects
        _, sheets, removed = write_report(workbook, destination, ev, keep_existing=False)
    else:
        saved, sheets, removed = write_report(workbook, destination, ev)  # an existing -o file is kept if it differs
    return GenerateResult(ev, destination, saved, tuple(sheets), tuple(removed))


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()


def demo(folder: Path) -> GenerateResult:
    """Build the example workbook in ``folder`` and write its report into it."""
    from .example.build import build_example

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "example.xlsm"
    ensure_writable(target)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".example-") as tmp:
        source = Path(tmp) / "example.xlsm"
        build_example(source)
        ev = evaluate_file(source)
        if not ev.ok:
            raise DataErrors(ev.findings)
        saved, sheets, _ = write_report(source, target, ev)
    return GenerateResult(ev, target, saved, tuple(sheets))


def build_templates(output: Path) -> list[tuple[Path, Path | None]]:
    """The template, and beside it the example workbook with its report (what demo writes):
    each file written with the backup kept of what it replaced (None when nothing changed).

    ``output`` ending in .xlsm names the template alone."""
    from .workbook.template import EXAMPLE_NAME, TEMPLATE_NAME

    if output.suffix.lower() == ".xlsm":
        ensure_writable(output)
        return [(output, atomic_write(output, lambda out: _build_into(out, example=False)))]
    output.mkdir(parents=True, exist_ok=True)
    template = output / TEMPLATE_NAME
    named = output / EXAMPLE_NAME
    ensure_writable(template)
    ensure_writable(named)
    written = [(template, atomic_write(template, lambda out: _build_into(out, example=False)))]
    with tempfile.TemporaryDirectory(dir=output, prefix=".example-") as tmp:
        example = demo(Path(tmp)).written
        written.append((named, atomic_write(named, lambda out: _copy_into(example, out))))
    return written


def _copy_into(path: Path, out: BinaryIO) -> None:
    with path.open("rb") as source:
        shutil.copyfileobj(source, out)


def _build_into(out: BinaryIO, *, example: bool) -> None:
    from .workbook.template import build_template

    with tempfile.TemporaryDirectory(prefix="jixiao-template-") as tmp:
        path = Path(tmp) / "built.xlsm"
        build_template(path, example=example)
        out.write(path.read_bytes())
