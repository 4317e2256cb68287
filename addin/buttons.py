"""Entry points of the template's buttons (RunPython), through xlwings.

Each takes an optional xlwings ``book`` (default: the workbook whose button was clicked) and
never lets a traceback reach the clerk: a failure is one Chinese message box and the
校验结果 sheet. Input sheets are only ever read.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .contract.parse import parse_department
from .contract.schema import CHECKS_SHEET, PROJECTS_SUMMARY_SHEET, REPORT_SHEET
from .core import Evaluation, Findings, evaluate
from .core.findings import Finding, Severity
from .core.numbers import format_amount, format_percent
from .errors import AddinError, UnusableInput
from .excel.reader import read_tables
from .excel.session import alert, excel_session
from .excel.writer import write_layout
from .report.content import checks_layout, report_layouts
from .report.layout import SheetLayout
from .report.ownership import (
    SheetPlan,
    marker_name,
    marker_target,
    owned_sheets,
    plan_notes,
    plan_sheets,
    renamed,
    report_displaced,
    sheet_notes,
    sheet_of_marker,
    wanted_sheets,
)

if TYPE_CHECKING:
    import xlwings as xw

__all__ = ["check_inputs", "export_docx", "export_share_copy", "generate_report"]

Progress = Callable[[str], None]
log = logging.getLogger(__name__)


def _caller(book: xw.Book | None) -> xw.Book:
    if book is not None:
        return book
    import xlwings as xw

    return xw.Book.caller()


def _evaluate(book: Any, progress: Progress) -> Evaluation:
    progress("正在读取数据……")
    findings = Findings()
    data = parse_department(read_tables(book), findings)
    progress("正在计算……")
    return evaluate(data, findings)


def _fresh_sheet(book: Any, name: str) -> Any:
    """An empty sheet called ``name``: an old one is replaced where it stood, a new one goes last."""
    names = [sheet.name for sheet in book.sheets]
    sheets = book.sheets
    if name not in names:
        return sheets.add(name, after=sheets[len(sheets) - 1])
    index = names.index(name)
    sheets[name].delete()
    if index == 0:
        return sheets.add(name, before=sheets[0])
    return sheets.add(name, after=sheets[index - 1])


def _write(book: Any, layout: SheetLayout) -> Any:
    """Write ``layout`` into a fresh sheet of its name (one of ours, or a free name: see
    ``_plan``) and mark the sheet as the product's own."""
    sheet = _fresh_sheet(book, layout.name)
    write_layout(sheet, layout)
    with contextlib.suppress(Exception):  # an engine without names: the sheet is written all the same
        sheet.names.add(marker_name(layout.name), "=" + marker_target(layout.name))
    return sheet


def _ours(book: Any) -> tuple[set[str], list[str]]:
    """The sheets that are ours by their marker, and the marked ones that are not (copies,
    renamed sheets): one pass over the workbook's names (``report.ownership.owned_sheets``)."""
    found: list[tuple[str, str]] = []
    with contextlib.suppress(Exception):
        for name in book.names:
            marker = sheet_of_marker(name.name)
            if marker is not None:
                found.append(marker)
    return owned_sheets(found)


def _plan(book: Any, wanted: list[str], findings: Findings) -> SheetPlan:
    """Names for our sheets that leave every sheet of the clerk's alone (warned about)."""
    ours, copies = _ours(book)
    plan = plan_sheets([sheet.name for sheet in book.sheets], ours, wanted, copies)
    report_displaced(plan, findings)
    return plan


def _write_checks(book: Any, findings: list[Finding]) -> tuple[Any, str]:
    """校验结果 alone (校验数据, or a run that stopped): under a name the clerk's sheets leave free.
    Returns the sheet and what the message says about the sheet it replaced (nothing else is
    removed here: the other sheets of an earlier run stay until a report is generated)."""
    found = Findings()
    found.extend(findings)
    plan = _plan(book, [CHECKS_SHEET], found)
    alone = dataclasses.replace(plan, stale=[], copies=[])
    layout = checks_layout(list(found), sheet_notes(alone))
    return _write(book, renamed([layout], plan.names)[0]), "".join(plan_notes(alone))


def _report_failure(book: Any, findings: list[Finding], message: str) -> None:
    sheet, notes = _write_checks(book, findings)
    _activate(sheet)
    alert(book.app, message + notes, critical=True)


def _activate(sheet: Any) -> None:
    with contextlib.suppress(Exception):  # an engine that cannot activate: the sheet is there all the same
        sheet.activate()


def _guarded(job: Callable[[Any, Progress], None]) -> Callable[[xw.Book | None], None]:
    def run(book: xw.Book | None = None) -> None:
        target = _caller(book)
        with excel_session(target.app) as progress:
            try:
                job(target, progress)
            except UnusableInput as exc:
                _report_failure(target, [Finding(Severity.ERROR, "input_unusable", exc.message)], exc.message)
            except AddinError as exc:
                alert(target.app, exc.message, critical=True)
            except Exception:
                where = _log_crash()
                alert(
                    target.app,
                    f"程序内部错误，输入数据未被修改。详细信息已记录在：{where}。请把该文件发给技术支持。",
                    critical=True,
                )

    run.__name__ = job.__name__
    run.__doc__ = job.__doc__
    return run


def _log_crash() -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = Path(tempfile.gettempdir()) / f"jixiao-error-{stamp}.log"
    path.write_text(traceback.format_exc(), encoding="utf-8")
    log.exception("button failed")
    return path


def _generate(book: Any, progress: Progress) -> None:
    """生成报告: compute from the sheets and write 自评报告 and 校验结果, and with projects
    项目自评汇总 and each project's 项目支出绩效自评表 (one button writes both)."""
    ev = _evaluate(book, progress)
    if not ev.ok:
        errors = len(ev.findings.errors)
        _report_failure(
            book,
            list(ev.findings),
            f"数据有 {errors} 处错误，未生成报告。请查看“{CHECKS_SHEET}”工作表，点击“位置”可跳到出错的单元格。",
        )
        return
    progress("正在写入报告……")
    plan = _plan(book, wanted_sheets(ev), ev.findings)
    notes = plan_notes(plan)  # every sheet replaced, removed or left alone, said in the message
    layouts = renamed(report_layouts(ev, sheet_notes(plan)), plan.names)  # the same sheets as every door writes
    for stale in plan.stale:  # ours from an earlier run, no longer wanted (never a clerk's sheet)
        book.sheets[stale].delete()
    written = []
    for done, layout in enumerate(layouts):
        if done >= 3:
            progress(f"正在写入项目自评表（{done - 2}/{len(layouts) - 3}）……")
        written.append(_write(book, layout))
    _activate(written[0])
    score = ev.score
    warnings = len(ev.findings.warnings)
    summary = f"报告已生成：自评得分 {format_amount(score.total)} 分，评价等级“{score.grade}”。" if score.total else ""
    projects = ev.projects
    if projects.projects:
        summary += (
            f"已生成 {len(projects.projects)} 个项目的项目支出绩效自评表（项目绩效自评完成率 "
            f"{format_percent(projects.completion_rate, 2)}），汇总见“{PROJECTS_SUMMARY_SHEET}”。"
        )
    if warnings:
        summary += f"有 {warnings} 处警告，见“{CHECKS_SHEET}”工作表。"
    alert(book.app, (summary or f"报告已写入“{REPORT_SHEET}”工作表。") + "".join(notes))


def _check(book: Any, progress: Progress) -> None:
    """校验数据: validate only and list the findings in 校验结果."""
    ev = _evaluate(book, progress)
    sheet, notes = _write_checks(book, list(ev.findings))
    _activate(sheet)
    errors, warnings = len(ev.findings.errors), len(ev.findings.warnings)
    text = f"校验完成：{errors} 处错误，{warnings} 处警告。"
    alert(book.app, text + ("请修正错误后再生成报告。" if errors else "") + notes, critical=bool(errors))


def _saved_path(book: Any) -> Path:
    path = Path(book.fullname)
    if not path.is_file():
        raise UnusableInput("请先保存工作簿（文件→保存），再导出。")
    return path


def _share(book: Any, progress: Progress) -> None:
    """导出共享副本: a macro-free .xlsx beside the workbook, for colleagues without the add-in."""
    from .share import share_copy

    source = _saved_path(book)
    target = source.with_name(f"{source.stem}-共享副本.xlsx")
    progress("正在导出共享副本……")
    summary = share_copy(source, target)
    text = f"已导出共享副本（无宏、公式已转为数值）：{target}。导出的是最近一次保存的内容。"
    text += "".join(f"{line}。" for line in summary.warnings())
    if summary.backup is not None:
        text += f"原有的副本已备份为：{summary.backup.name}。"
    alert(book.app, text, critical=bool(summary.formulas_kept))


def _docx(book: Any, progress: Progress) -> None:
    """导出Word报告: the narrative report as .docx beside the workbook."""
    from .docx_report import write_docx

    ev = _evaluate(book, progress)
    if not ev.ok:
        _report_failure(book, list(ev.findings), f"数据有 {len(ev.findings.errors)} 处错误，未导出 Word 报告。")
        return
    source = _saved_path(book)
    target = source.with_name(f"{source.stem}-自评报告.docx")
    progress("正在生成 Word 报告……")
    kept = write_docx(ev, target)
    # The clerk may have edited the earlier report in Word: it is kept, and said so.
    extra = f"原有的报告已备份为：{kept.name}。" if kept is not None else ""
    alert(book.app, f"Word 报告已导出：{target}。{extra}")


generate_report = _guarded(_generate)
check_inputs = _guarded(_check)
export_share_copy = _guarded(_share)
export_docx = _guarded(_docx)
