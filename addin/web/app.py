"""The web door's ASGI application: the pages, their assets and the API of DESIGN.md.

    GET  /, /batch                 the pages (Chinese; every asset served from /static/)
    GET  /healthz                  liveness, answered by the event loop alone
    POST /api/summary              the ``summary --json`` object (200 also when ok is false)
    POST /api/preview              the page's view: summary, report sheets as HTML, cell excerpts
    POST /api/generate             the workbook with 自评报告 and 校验结果 (422 + findings on errors)
    POST /api/docx                 the Word report
    POST /api/share                the share copy; header X-Jixiao-Warnings: what the command
                                   line says with it (JSON list, percent-encoded);
                                   ``?regenerate=1`` writes the report from the data first
    POST /api/batch                the bureau summary workbook (several ``file`` fields or a zip);
                                   with ``Accept: application/x-ndjson``, progress lines first
    GET  /api/template, /api/example   the blank template, the example workbook

Uploads are multipart field ``file``. ``?recalc=1`` on summary, preview, generate, docx and a regenerating share
first recalculates the workbook's formulas with LibreOffice, when the server has it. All CPU
work runs in the worker pool; the event loop only moves bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import PurePath
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import __version__
from ..core.findings import REMEDY_RECALC
from ..recalc import find_soffice
from . import jobs
from .batch import BatchRun, summary_names
from .config import MIB, WebConfig
from .http import WARNINGS_HEADER, SecurityHeaders, TokenGuard, ascii_name, download, error, warnings_header
from .pool import JobFailed, WorkerPool
from .render import report_css
from .uploads import (
    BadUpload,
    RequestSpace,
    Upload,
    UploadStalled,
    UploadTooLarge,
    named,
    receive_files,
    stem_of,
)

__all__ = ["create_app"]

_STATIC_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
}
TEMPLATE_FILE = "部门整体支出绩效自评模板.xlsm"
EXAMPLE_FILE = "部门整体支出绩效自评示例.xlsm"
_ASCII_NAMES = {TEMPLATE_FILE: "template.xlsm", EXAMPLE_FILE: "example.xlsm"}
# The web door's wording of the door-dependent remedies (addin/core/findings.py).
_RECALC_HINT = "或勾选页面上的“服务器重新计算公式”后重新上传（调用 API 时加参数 ?recalc=1）"


def _static_files(config: WebConfig, recalc: bool) -> dict[str, tuple[bytes, str]]:
    """The page assets, read once; the pages learn the upload limit, whether a token is
    needed and whether the server can recalculate formulas from data attributes (no inline
    script)."""
    files: dict[str, tuple[bytes, str]] = {}
    for entry in resources.files("addin.web").joinpath("static").iterdir():
        suffix = PurePath(entry.name).suffix
        if suffix not in _STATIC_TYPES:
            continue
        data = entry.read_bytes()
        if suffix == ".html":
            data = data.replace(b"__MAX_UPLOAD__", str(config.max_upload_bytes).encode())
            data = data.replace(b"__TOKEN_REQUIRED__", b"1" if config.token else b"0")
            data = data.replace(b"__RECALC__", b"1" if recalc else b"0")
            data = data.replace(b"__VERSION__", __version__.encode())
        files[entry.name] = (data, _STATIC_TYPES[suffix])
    files["report.css"] = (report_css().encode("utf-8"), _STATIC_TYPES[".css"])
    return files


class _Door:
    """The handlers, around one pool and one temp folder."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        self.pool = WorkerPool(config.pool_size, memory_bytes=config.worker_memory_bytes, time_limit=config.time_limit)
        self.root = config.upload_root
        self.recalc_available = find_soffice() is not None
        self.hints = {REMEDY_RECALC: _RECALC_HINT} if self.recalc_available else {}
        self.static = _static_files(config, self.recalc_available)
        self.templates: dict[str, bytes] = {}
        self.templates_lock = asyncio.Lock()

    # -- lifecycle ----------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.config.prepare_upload_root()
        self.pool.start()
        try:
            yield
        finally:
            self.pool.close()

    # -- pages and assets ---------------------------------------------------------------------
    def _asset(self, name: str) -> Response:
        found = self.static.get(name)
        if found is None:
            raise HTTPException(404)
        data, media = found
        return Response(data, media_type=media, headers={"Cache-Control": "no-cache"})

    async def index(self, request: Request) -> Response:
        return self._asset("index.html")

    async def batch_page(self, request: Request) -> Response:
        return self._asset("batch.html")

    async def asset(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name.endswith(".html"):
            raise HTTPException(404)
        return self._asset(name)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "version": __version__, "workers": self.pool.size})

    # -- uploads ------------------------------------------------------------------------------
    def _limit_message(self) -> str:
        return (
            f"上传的文件超过 {self.config.max_upload_bytes / MIB:g} MiB 的限制，未处理："
            "请删除工作簿中无关的大图片或工作表后再试，或请管理员调高上传限制"
        )

    def _recalc(self, request: Request) -> bool:
        """Whether the request asks for recalculation (``?recalc=1``); BadUpload when the
        server cannot do it."""
        if request.query_params.get("recalc", "").lower() not in ("1", "true", "yes", "on"):
            return False
        if not self.recalc_available:
            raise BadUpload("服务器未安装 LibreOffice，无法重新计算公式：请用 Excel 或 WPS 打开该文件并保存后重新上传")
        return True

    async def _with_upload(
        self,
        request: Request,
        work: Callable[[RequestSpace, list[Upload]], Awaitable[Response]],
        *,
        max_files: int = 1,
        missing: str = "未收到文件：请以字段名 file 上传一个 .xlsx 或 .xlsm 工作簿",
    ) -> Response:
        """Receive the upload into a fresh request folder, run ``work`` on it, answer every
        failure as the API's JSON error; the folder goes when the request does (or with the
        streamed answer that ``work`` handed it to, see RequestSpace.hand_over)."""
        space = RequestSpace(self.root)
        files: list[Upload] = []
        try:
            files = await receive_files(
                request,
                space,
                max_bytes=self.config.max_upload_bytes,
                max_files=max_files,
                idle_timeout=self.config.upload_idle_timeout,
            )
            if not files:
                return error(400, missing)
            return await work(space, files)
        except UploadTooLarge:
            return error(413, self._limit_message())
        except UploadStalled:
            idle = self.config.upload_idle_timeout
            message = f"上传中断：超过 {idle:g} 秒没有收到数据，已放弃本次上传。请检查网络后重新上传"
            return error(408, message, headers={"Connection": "close"})
        except BadUpload as exc:
            return error(400, str(exc.args[0]))
        except JobFailed as exc:
            return error(exc.status, named(exc.message, files), exc.findings)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening any more
        finally:
            if not space.handed_over:
                space.close()

    async def _job(self, space: RequestSpace, func: Callable[..., Any], *args: Any) -> Any:
        return await self.pool.run(func, *args, track=space.track)

    async def _json(self, request: Request, job: Callable[..., dict[str, Any]]) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            recalc = self._recalc(request)
            return JSONResponse(await self._job(space, job, str(files[0].path), recalc, self.hints))

        return await self._with_upload(request, work)

    # -- API: one workbook --------------------------------------------------------------------
    async def summary(self, request: Request) -> Response:
        return await self._json(request, jobs.summary)

    async def preview(self, request: Request) -> Response:
        return await self._json(request, jobs.preview)

    async def generate(self, request: Request) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            recalc = self._recalc(request)
            folder = str(space.folder("output"))
            content, suffix = await self._job(
                space, jobs.generate_workbook, str(files[0].path), folder, recalc, self.hints
            )
            stem = stem_of(files[0].filename)
            return download(content, f"{stem}-自评报告{suffix}", ascii_name(stem, "report", suffix))

        return await self._with_upload(request, work)

    async def docx(self, request: Request) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            recalc = self._recalc(request)
            output = str(space.file("report", ".docx"))
            content = await self._job(space, jobs.docx, str(files[0].path), output, recalc, self.hints)
            stem = stem_of(files[0].filename)
            return download(content, f"{stem}-自评报告.docx", ascii_name(stem, "report", ".docx"))

        return await self._with_upload(request, work)

    async def share(self, request: Request) -> Response:
        """The copy, with what the command line says about it in ``X-Jixiao-Warnings``
        (``warnings_header``); ``?regenerate=1`` writes the report from the data first."""

        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            regenerate = request.query_params.get("regenerate") == "1"
            recalc = self._recalc(request)
            output = str(space.file("share", ".xlsx"))
            content, warnings = await self._job(
                space, jobs.share, str(files[0].path), output, regenerate, recalc, self.hints
            )
            stem = stem_of(files[0].filename)
            response = download(content, f"{stem}-共享副本.xlsx", ascii_name(stem, "share", ".xlsx"))
            response.headers[WARNINGS_HEADER] = warnings_header(warnings)
            return response

        return await self._with_upload(request, work)

    # -- API: templates -----------------------------------------------------------------------
    async def _template(self, name: str) -> Response:
        async with self.templates_lock:
            if not self.templates:
                space = RequestSpace(self.root)
                try:
                    self.templates = await self._job(space, jobs.templates, str(space.path))
                except JobFailed as exc:
                    return error(exc.status, exc.message)
                finally:
                    space.close()
        return download(self.templates[name], name, _ASCII_NAMES[name])

    async def template(self, request: Request) -> Response:
        return await self._template(TEMPLATE_FILE)

    async def example(self, request: Request) -> Response:
        return await self._template(EXAMPLE_FILE)

    # -- API: batch ---------------------------------------------------------------------------
    async def batch(self, request: Request) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            run = BatchRun(space, self._job, 4 * self.config.max_upload_bytes)
            items = await run.items(files)
            name, fallback = summary_names(files)
            if "application/x-ndjson" in request.headers.get("accept", ""):
                space.hand_over()
                return StreamingResponse(run.stream(items, name, fallback), media_type="application/x-ndjson")
            content = await run.summary(await run.rows(items))
            return download(content, name, fallback)

        return await self._with_upload(
            request,
            work,
            max_files=self.config.max_batch_files,
            missing="未收到文件：请以字段名 file 上传多个工作簿，或一个包含工作簿的 zip 文件",
        )


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)  # a HEAD answer carries no body
    message = {404: "没有这个地址：请检查网址", 405: "该地址不支持这种请求方法（例如上传须用 POST）"}
    return error(status, message.get(status, "请求无法处理"), headers=headers)


async def _internal(request: Request, exc: Exception) -> Response:
    # The clerk reads one Chinese line; uvicorn logs the traceback for the operator.
    return error(500, "程序内部错误：文件未被保存。请联系管理员或技术支持（详情见服务日志）")


def create_app(config: WebConfig | None = None) -> Starlette:
    """The ASGI app; with no ``config``, settings come from the environment (see config.py),
    so ``uvicorn --factory addin.web:create_app`` runs it as ``serve`` would."""
    door = _Door(config or WebConfig.from_env())
    routes = [
        Route("/", door.index),
        Route("/batch", door.batch_page),
        Route("/static/{name}", door.asset),
        Route("/healthz", door.healthz),
        Route("/api/summary", door.summary, methods=["POST"]),
        Route("/api/preview", door.preview, methods=["POST"]),
        Route("/api/generate", door.generate, methods=["POST"]),
        Route("/api/docx", door.docx, methods=["POST"]),
        Route("/api/share", door.share, methods=["POST"]),
        Route("/api/batch", door.batch, methods=["POST"]),
        Route("/api/template", door.template),
        Route("/api/example", door.example),
    ]
    middleware = [Middleware(SecurityHeaders)]
    if door.config.allow_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(door.config.allow_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["Authorization", "Content-Type"],
                expose_headers=["Content-Disposition", WARNINGS_HEADER],
            )
        )
    middleware.append(Middleware(TokenGuard, token=door.config.token))
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: _not_found, Exception: _internal},
        lifespan=door.lifespan,
    )
    app.state.door = door
    return app
