"""The web door's ASGI application: the pages, their assets and the API of DESIGN.md.

    GET  /, /batch                 the pages (Chinese; every asset served from /static/)
    GET  /healthz                  liveness, answered by the event loop alone
    POST /api/summary              the ``summary --json`` object (200 also when ok is false)
    POST /api/preview              the page's view: summary, report sheets as HTML, cell excerpts
    POST /api/generate             the workbook with 自评报告 and 校验结果 (422 + findings on errors)
    POST /api/docx, /api/share     the Word report, the share copy
    POST /api/batch                the bureau summary workbook (several ``file`` fields or a zip);
                                   with ``Accept: application/x-ndjson``, progress lines first
    GET  /api/template, /api/example   the blank template, the example workbook

Uploads are multipart field ``file``. All CPU work runs in the worker pool; the event loop
only moves bytes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from importlib import resources
from pathlib import Path, PurePath
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from .. import __version__
from ..batch import DepartmentRow, mark_duplicates
from ..core.numbers import round_half_up
from . import jobs
from .config import MIB, WebConfig
from .http import SecurityHeaders, TokenGuard, download, error, ndjson
from .pool import JobFailed, WorkerPool
from .render import report_css
from .uploads import BadUpload, RequestSpace, Upload, UploadTooLarge, receive_files

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


def _static_files(config: WebConfig) -> dict[str, tuple[bytes, str]]:
    """The page assets, read once; the pages learn the upload limit and whether a token is
    needed from two data attributes (no inline script)."""
    files: dict[str, tuple[bytes, str]] = {}
    for entry in resources.files("addin.web").joinpath("static").iterdir():
        suffix = PurePath(entry.name).suffix
        if suffix not in _STATIC_TYPES:
            continue
        data = entry.read_bytes()
        if suffix == ".html":
            data = data.replace(b"__MAX_UPLOAD__", str(config.max_upload_bytes).encode())
            data = data.replace(b"__TOKEN_REQUIRED__", b"1" if config.token else b"0")
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
        self.static = _static_files(config)
        self.templates: dict[str, bytes] = {}
        self.templates_lock = asyncio.Lock()

    # -- lifecycle ----------------------------------------------------------------------------
    @contextlib.asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)
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
        try:
            files = await receive_files(request, space, max_bytes=self.config.max_upload_bytes, max_files=max_files)
            if not files:
                return error(400, missing)
            return await work(space, files)
        except UploadTooLarge:
            return error(413, self._limit_message())
        except BadUpload as exc:
            return error(400, str(exc.args[0]))
        except JobFailed as exc:
            return error(exc.status, exc.message, exc.findings)
        except ClientDisconnect:
            return Response(status_code=400)  # nobody is listening any more
        finally:
            if not space.handed_over:
                space.close()

    async def _job(self, space: RequestSpace, func: Callable[..., Any], *args: Any) -> Any:
        return await self.pool.run(func, *args, track=space.track)

    async def _json(self, request: Request, job: Callable[[str], dict[str, Any]]) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            return JSONResponse(await self._job(space, job, str(files[0].path)))

        return await self._with_upload(request, work)

    async def _file(
        self, request: Request, job: Callable[[str, str], bytes], name: Callable[[str, str], str]
    ) -> Response:
        """``job(upload, output)`` → a download named ``name(stem, suffix)`` of the clerk's file."""

        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            path = PurePath(files[0].filename)
            filename = name(path.stem or "工作簿", path.suffix)
            content = await self._job(space, job, str(files[0].path), str(space.file(filename)))
            return download(content, filename)

        return await self._with_upload(request, work)

    # -- API: one workbook --------------------------------------------------------------------
    async def summary(self, request: Request) -> Response:
        return await self._json(request, jobs.summary)

    async def preview(self, request: Request) -> Response:
        return await self._json(request, jobs.preview)

    async def generate(self, request: Request) -> Response:
        return await self._file(request, jobs.generate_workbook, lambda stem, suffix: f"{stem}-自评报告{suffix}")

    async def docx(self, request: Request) -> Response:
        return await self._file(request, jobs.docx, lambda stem, _: f"{stem}-自评报告.docx")

    async def share(self, request: Request) -> Response:
        return await self._file(request, jobs.share, lambda stem, _: f"{stem}-共享副本.xlsx")

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
        return download(self.templates[name], name)

    async def template(self, request: Request) -> Response:
        return await self._template(TEMPLATE_FILE)

    async def example(self, request: Request) -> Response:
        return await self._template(EXAMPLE_FILE)

    # -- API: batch ---------------------------------------------------------------------------
    async def batch(self, request: Request) -> Response:
        async def work(space: RequestSpace, files: list[Upload]) -> Response:
            paths: list[Path] = []
            for i, upload in enumerate(files):
                if upload.filename.lower().endswith(".zip"):
                    folder = str(space.folder(f"zip-{i}"))
                    limit = 4 * self.config.max_upload_bytes
                    extracted, _ = await self._job(space, jobs.unzip, str(upload.path), folder, limit)
                    paths.extend(Path(p) for p in extracted)
                else:
                    paths.append(upload.path)
            single_zip = len(files) == 1 and files[0].filename.lower().endswith(".zip")
            name = f"{PurePath(files[0].filename).stem}-汇总.xlsx" if single_zip else "部门整体支出绩效自评汇总.xlsx"
            if "application/x-ndjson" in request.headers.get("accept", ""):
                space.hand_over()
                return StreamingResponse(self._batch_stream(space, paths, name), media_type="application/x-ndjson")
            rows = await asyncio.gather(*(self._row(space, p) for p in paths))
            content = await self._job(space, jobs.batch_summary, list(rows), str(space.file(name)))
            return download(content, name)

        return await self._with_upload(
            request,
            work,
            max_files=self.config.max_batch_files,
            missing="未收到文件：请以字段名 file 上传多个工作簿，或一个包含工作簿的 zip 文件",
        )

    async def _row(self, space: RequestSpace, path: Path) -> DepartmentRow:
        """A file whose worker died or timed out is listed with the reason, like one that
        could not be read; the others go on."""
        try:
            row: DepartmentRow = await self._job(space, jobs.batch_row, str(path))
        except JobFailed as exc:
            return DepartmentRow(path.name, failure=exc.message)
        return row

    async def _batch_stream(self, space: RequestSpace, paths: list[Path], name: str) -> AsyncIterator[bytes]:
        tasks: list[asyncio.Task[DepartmentRow]] = []
        try:
            total = len(paths)
            yield ndjson({"event": "start", "total": total})
            tasks = [asyncio.ensure_future(self._row(space, p)) for p in paths]
            for done, next_row in enumerate(asyncio.as_completed(tasks), start=1):
                row = await next_row
                yield ndjson({"event": "progress", "done": done, "total": total, "file": row.file})
            # Copies of one department and year are ranked once; uploads carry no modification
            # time, so the first by file name is kept.
            rows = mark_duplicates([task.result() for task in tasks], lambda _: 0.0)
            try:
                content = await self._job(space, jobs.batch_summary, rows, str(space.file(name)))
            except JobFailed as exc:
                yield ndjson({"event": "error", "error": exc.message, "findings": exc.findings})
                return
            yield ndjson(
                {
                    "event": "done",
                    "filename": name,
                    "content": base64.b64encode(content).decode("ascii"),
                    "departments": [_row_json(r) for r in rows],
                }
            )
        finally:
            for task in tasks:
                task.cancel()  # a client that left: files not yet started are not started
            space.close()


def _row_json(row: DepartmentRow) -> dict[str, Any]:
    return {
        "file": row.file,
        "department": row.department,
        "score": None if row.score is None else str(round_half_up(row.score, 2)),  # 四舍五入, as printed
        "grade": row.grade,
        "errors": row.errors,
        "warnings": row.warnings,
        "failure": row.failure,
        "duplicate_of": row.duplicate_of,
    }


async def _not_found(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    message = {404: "没有这个地址：请检查网址", 405: "该地址不支持这种请求方法（例如上传须用 POST）"}
    return error(status, message.get(status, "请求无法处理"))


async def _internal(request: Request, exc: Exception) -> Response:
    return error(500, f"程序内部错误（{type(exc).__name__}）：文件未被保存。请联系管理员或技术支持")


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
                expose_headers=["Content-Disposition"],
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
