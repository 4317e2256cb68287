"""``python -m addin``: the headless door's command line (DESIGN.md, "CLI").

Exit codes: 0 done, 1 data errors found, 2 unusable input; each failure is one Chinese line
a clerk can act on. Tracebacks only with --debug.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from .core import Evaluation
from .core.findings import REMEDY_RECALC, Finding
from .errors import AddinError, DataErrors, is_native_panic

__all__ = ["main", "run"]

INTERNAL_ERROR_EXIT = 3


def _out(text: str = "") -> None:
    print(text)


def _err(text: str) -> None:
    print(text, file=sys.stderr)


# The command line's wording of the door-dependent remedies (addin/core/findings.py).
_HINTS = {REMEDY_RECALC: "或加 --recalc 运行（需已安装 LibreOffice）"}


def _line(finding: Finding) -> str:
    return finding.advised(_HINTS).as_line()


def headline(ev: Evaluation) -> list[str]:
    """The figures a clerk checks first, one per line, as the web page's cards show them
    (addin/report/headline.py), then the findings."""
    from .report.headline import headline_figures

    info = ev.data.info
    lines = [f"{info.year}年度 {info.department}（金额单位：{info.amount_unit or '未知'}）"]
    if ev.withheld:
        lines.append("数据有错误：依赖出错数据的数字不予显示（见下方错误）")
    lines.extend(figure.as_line() for figure in headline_figures(ev))
    lines.extend(_line(finding) for finding in ev.findings)
    return lines


def _cmd_demo(args: argparse.Namespace) -> int:
    from .headless import demo

    result = demo(Path(args.output))
    for line in headline(result.evaluation):
        _out(line)
    _kept(result.backup)
    _out(f"示例工作簿已生成：{result.written}")
    return 0


def _kept(backup: Path | None) -> None:
    """The line that says where the file an output replaced was kept."""
    if backup is not None:
        _out(f"原有文件已备份为：{backup}")


def _cmd_generate(args: argparse.Namespace) -> int:
    from .headless import generate

    result = generate(
        Path(args.workbook),
        Path(args.output) if args.output else None,
        Path(args.data_from) if args.data_from else None,
        recalc=args.recalc,
    )
    for line in headline(result.evaluation):
        _out(line)
    _kept(result.backup)
    _out(f"报告已写入：{result.written}（{_sheets_text(result.sheets)}）")
    for note in result.notes:  # every sheet replaced, removed or left alone, by name
        _out(note)
    return 0


def _sheets_text(sheets: Sequence[str]) -> str:
    """工作表“自评报告”“校验结果”、“项目自评汇总”和 3 张项目支出绩效自评表“项目自评-1”至“项目自评-3”."""
    report = "".join(f"“{name}”" for name in sheets[:2])
    projects = list(sheets[3:])
    if not projects:
        return f"工作表{report}"
    span = f"“{projects[0]}”" if len(projects) == 1 else f"“{projects[0]}”至“{projects[-1]}”"
    return f"工作表{report}、“{sheets[2]}”和 {len(projects)} 张项目支出绩效自评表{span}"


def _cmd_check(args: argparse.Namespace) -> int:
    from .headless import evaluate_file

    ev = evaluate_file(Path(args.workbook), recalc=args.recalc)
    for finding in ev.findings:
        _out(_line(finding))
    errors, warnings = len(ev.findings.errors), len(ev.findings.warnings)
    _out(f"校验完成：{errors} 处错误，{warnings} 处警告。" + ("请修正错误后再生成报告。" if errors else ""))
    return 1 if errors else 0


def _cmd_summary(args: argparse.Namespace) -> int:
    from .headless import evaluate_file

    ev = evaluate_file(Path(args.workbook), recalc=args.recalc)
    if args.json:
        ev.findings.advise(_HINTS)
        _out(json.dumps(ev.as_json(), ensure_ascii=False, indent=2))
    else:
        for line in headline(ev):
            _out(line)
    return 0 if ev.ok else 1


def _cmd_share(args: argparse.Namespace) -> int:
    from .share import share_copy

    summary = share_copy(Path(args.workbook), Path(args.output))
    computed = summary.formulas_computed
    _out(
        f"已导出共享副本：{args.output}（移除宏：{'是' if summary.vba_removed else '无宏'}；"
        f"按钮等控件 {summary.controls_removed} 个；JX 公式转为数值 {summary.formulas_frozen} 个"
        + (f"，其中 {computed} 个没有保存的结果，已按工作簿中的数据重新计算" if computed else "")
        + (f"；{len(summary.formulas_kept)} 个未能转换，见下方警告" if summary.formulas_kept else "")
        + "）"
    )
    for line in summary.warnings():
        _out(line)
    _kept(summary.backup)
    return 0


def _cmd_docx(args: argparse.Namespace) -> int:
    from .docx_report import write_docx
    from .headless import evaluate_file

    ev = evaluate_file(Path(args.workbook))
    if not ev.ok:
        raise DataErrors(ev.findings)
    _kept(write_docx(ev, Path(args.output)))
    _out(f"Word 报告已导出：{args.output}")
    return 0


def _cmd_batch(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from .batch import batch, tally

    with tqdm(total=0, unit="个", desc="读取工作簿", file=sys.stderr, mininterval=0.2) as bar:

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        result = batch(
            Path(args.folder), Path(args.output), workers=args.workers, progress=progress, tracebacks=args.debug
        )
    rows = result.rows
    _kept(result.backup)
    for name, why in result.skipped:
        _out(f"已跳过 {name}：{why}")
    failed = [r for r in rows if r.failure]
    erroneous = [r for r in rows if not r.failure and r.errors]
    _out(f"已汇总 {tally(rows)}：{args.output}")
    for row in erroneous:
        _out(f"有错误、未计分 {row.file}：{row.errors} 处错误（运行 check 查看）")
    for row in rows:
        if row.duplicate_of:
            _out(
                f"重复 {row.file}：与 {row.duplicate_of} 同为“{row.department}”{row.year} 年度，"
                f"只按 {row.duplicate_of} 排名和统计等级：{row.kept_because}"
            )
    for note in dict.fromkeys(row.years_note for row in rows if row.years_note):
        _out(f"警告：{note}")
    for row in failed:
        _out(f"未能读取 {row.file}：{row.failure}")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .web.config import MIB, WebConfig, check_token
    from .web.server import serve

    env = WebConfig.from_env()
    config = WebConfig(
        token=check_token(args.token) or env.token,
        max_upload_bytes=int(args.max_upload_mb * MIB) if args.max_upload_mb is not None else env.max_upload_bytes,
        workers=args.workers if args.workers is not None else env.workers,
        time_limit=args.time_limit if args.time_limit is not None else env.time_limit,
        worker_memory_bytes=(
            int(args.worker_memory_mb * MIB) if args.worker_memory_mb is not None else env.worker_memory_bytes
        ),
        temp_dir=Path(args.temp_dir) if args.temp_dir else env.temp_dir,
        allow_origins=tuple(args.allow_origin) or env.allow_origins,
        upload_idle_timeout=(
            args.upload_idle_timeout if args.upload_idle_timeout is not None else env.upload_idle_timeout
        ),
    )
    if config.max_upload_bytes <= 0 or config.time_limit <= 0 or config.upload_idle_timeout <= 0:
        _err("--max-upload-mb、--time-limit 与 --upload-idle-timeout 须大于 0")
        return 2
    serve(config, host=args.host, port=args.port)
    return 0


def _cmd_template(args: argparse.Namespace) -> int:
    from .headless import build_templates

    for path, backup in build_templates(Path(args.output)):
        _kept(backup)
        _out(f"已生成：{path}")
    return 0


def _recalc_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--recalc",
        action="store_true",
        help="先用 LibreOffice 重新计算临时副本中的公式（适用于程序生成、未在 Excel/WPS 中保存过的文件）",
    )


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


# argparse's own messages (its gettext strings), as a clerk reads them.
_ARGPARSE_MESSAGES = (
    (re.compile(r"^the following arguments are required: (.*)$"), "缺少参数：{0}"),
    (re.compile(r"^unrecognized arguments: (.*)$"), "无法识别的参数：{0}"),
    (re.compile(r"^argument (.*?): invalid choice: (.*?) \(choose from (.*)\)$"), "参数 {0} 的值 {1} 无效，可选：{2}"),
    (re.compile(r"^argument (.*?): expected one argument$"), "参数 {0} 后面需要一个值"),
    (re.compile(r"^argument (.*?): invalid int value: (.*)$"), "参数 {0} 的值 {1} 应为整数"),
    (re.compile(r"^argument (.*?): invalid float value: (.*)$"), "参数 {0} 的值 {1} 应为数字"),
    (re.compile(r"^argument (.*?): ignored explicit argument (.*)$"), "参数 {0} 不接受值 {1}"),
)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words in Chinese: section titles, -h, "用法：" and its error
    messages (argparse prints them through gettext; the parser's API sets each here)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> NoReturn:
        for pattern, chinese in _ARGPARSE_MESSAGES:
            match = pattern.match(message)
            if match is not None:
                message = chinese.format(*match.groups())
                break
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{message}（加 -h 查看用法）\n")


_WORKBOOK = "部门的工作簿文件（.xlsx 或 .xlsm）"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="python -m addin",
        description="部门整体支出绩效自评：根据工作簿中的预算、采购和指标数据计算并生成自评报告。",
    )
    parser.add_argument("--debug", action="store_true", help="出错时显示完整的技术信息（traceback）")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    demo = sub.add_parser("demo", help="生成示例工作簿 example.xlsm（含参考报告的全部数据）并输出主要指标")
    demo.add_argument("-o", "--output", default=".", metavar="DIR", help="输出文件夹（默认当前文件夹）")
    demo.set_defaults(run=_cmd_demo)

    gen = sub.add_parser("generate", help="计算并把“自评报告”“校验结果”写入工作簿")
    gen.add_argument("workbook", metavar="WORKBOOK", help=_WORKBOOK)
    gen.add_argument("-o", "--output", metavar="OUT", help="另存为此文件（默认原地写入并保留备份）")
    gen.add_argument("--from", dest="data_from", metavar="DATA", help="从另一个工作簿读取数据，报告写入 WORKBOOK")
    _recalc_option(gen)
    gen.set_defaults(run=_cmd_generate)

    check = sub.add_parser("check", help="只校验数据，不写入；有错误时退出码为 1")
    check.add_argument("workbook", metavar="WORKBOOK", help=_WORKBOOK)
    _recalc_option(check)
    check.set_defaults(run=_cmd_check)

    summary = sub.add_parser("summary", help="输出全部指标（--json 为 JSON 格式）")
    summary.add_argument("workbook", metavar="WORKBOOK", help=_WORKBOOK)
    summary.add_argument("--json", action="store_true", help="以 JSON 输出，金额与比率为字符串")
    _recalc_option(summary)
    summary.set_defaults(run=_cmd_summary)
    share = sub.add_parser("share", help="导出不含宏的共享副本（.xlsx）：JX 公式转为数值，清除作者等个人信息")
    share.add_argument("workbook", metavar="WORKBOOK", help=_WORKBOOK)
    share.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="共享副本的文件名（.xlsx）")
    share.set_defaults(run=_cmd_share)

    word = sub.add_parser("docx", help="导出 Word 版自评报告")
    word.add_argument("workbook", metavar="WORKBOOK", help=_WORKBOOK)
    word.add_argument("-o", "--output", required=True, metavar="OUT.docx", help="Word 报告的文件名（.docx）")
    word.set_defaults(run=_cmd_docx)

    many = sub.add_parser("batch", help="汇总一个文件夹中的全部部门工作簿（并行读取，显示进度）")
    many.add_argument("folder", metavar="FOLDER", help="存放各部门工作簿的文件夹")
    many.add_argument("-o", "--output", required=True, metavar="OUT.xlsx", help="汇总工作簿的文件名（.xlsx）")
    many.add_argument("--workers", type=int, default=None, help="并行进程数（默认等于 CPU 核数）")
    many.set_defaults(run=_cmd_batch)

    web = sub.add_parser("serve", help="启动网页版（页面与 HTTP API），供无 Python 的电脑、WPS 和信创终端使用")
    web.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1；对局域网开放用 0.0.0.0）")
    web.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    web.add_argument(
        "--token", default=None, help="访问令牌：调用 /api/* 须带 Authorization: Bearer 令牌（或环境变量 JIXIAO_TOKEN）"
    )
    web.add_argument("--max-upload-mb", type=float, default=None, help="每次上传的大小上限，MiB（默认 50）")
    web.add_argument("--workers", type=int, default=None, help="计算进程数（默认等于 CPU 核数）")
    web.add_argument("--time-limit", type=float, default=None, help="每个文件的处理时间上限，秒（默认 120）")
    web.add_argument(
        "--worker-memory-mb", type=float, default=None, help="每个计算进程的内存上限，MiB（默认 2048；0 为不限）"
    )
    web.add_argument(
        "--temp-dir", default=None, help="上传文件在处理期间的临时文件夹（须已存在；处理完即删除上传的文件）"
    )
    web.add_argument(
        "--upload-idle-timeout",
        type=float,
        default=None,
        help="上传中途停顿超过此秒数即放弃该请求并删除已收到的部分（默认 60）",
    )
    web.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="允许跨域调用 API 的来源（如 WPS 加载项的地址），可重复",
    )
    web.set_defaults(run=_cmd_serve)

    template = sub.add_parser("template", help="由 macros/*.bas 和表格约定生成模板（及示例）工作簿")
    template.add_argument(
        "-o",
        "--output",
        default="workbook_templates",
        metavar="PATH",
        help="输出文件夹（写入模板和示例），或以 .xlsm 结尾的模板文件名（默认 workbook_templates）",
    )
    template.set_defaults(run=_cmd_template)
    return parser


def _quiet_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no file descriptor behind stdout (tests): nothing to quiet
        pass


def _short_run_collector() -> None:
    """A run of one command is short and allocates hundreds of thousands of small objects (a
    sheet per project, a row object per indicator), few of them in cycles: the collector's
    default (a young collection every 700 allocations, and older generations traversed as they
    fill) cost about 0.04 s of the 0.6 s of ``generate`` with 300 projects, and 0.01-0.02 s of
    ``summary`` on a 200,000-contract ledger (python-calamine's 200,000 row lists). The modules
    imported so far are frozen out of its traversals, young collections wait for 100,000
    allocations and older generations for many of them; cycles are still collected. Only for a
    process that is this one command (``run``): not for ``serve``, whose workers live long, nor
    for a caller of ``main`` that goes on after it (the tests)."""
    gc.freeze()
    gc.set_threshold(100_000, 50, 100)


def run() -> int:
    """The process entry (``python -m addin``, the ``jixiao`` script): ``main`` on the command
    line, in a process that ends with it."""
    return main(whole_process=True)


def main(argv: Sequence[str] | None = None, *, whole_process: bool = False) -> int:
    for stream in (sys.stdout, sys.stderr):
        reconfigure: Callable[..., None] | None = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="replace")
    arguments = list(sys.argv[1:] if argv is None else argv)
    # "请加 --debug 重新运行": a clerk appends it after the verb as often as before it.
    debug = "--debug" in arguments
    args = _parser().parse_args([a for a in arguments if a != "--debug"])
    args.debug = debug
    if whole_process and args.run is not _cmd_serve:
        _short_run_collector()
    try:
        code: int = args.run(args)
        return code
    except DataErrors as exc:
        if args.debug:
            raise
        errors = [f for f in exc.findings if f.severity.value == "error"]
        if len(errors) == 1:
            _err(f"数据有错误，未生成报告：{_line(errors[0])}")
        else:
            _err(f"数据有 {len(errors)} 处错误，未生成报告：")
            for finding in errors:
                _err(_line(finding))
        return exc.exit_code
    except AddinError as exc:
        if args.debug:
            raise
        _err(exc.message)
        return exc.exit_code
    except KeyboardInterrupt:
        _err("已取消。")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`summary | head`): nothing is wrong with the
        # work; stdout is pointed at devnull so Python's own flush at exit stays quiet too.
        _quiet_stdout()
        return 0
    except BaseException as exc:
        # A Rust panic in a native library derives from BaseException: it is an internal error too.
        if args.debug or not (isinstance(exc, Exception) or is_native_panic(exc)):
            raise
        _err("程序内部错误：文件未被修改。请加 --debug 重新运行，并把输出发给技术支持")
        return INTERNAL_ERROR_EXIT
