"""Receiving uploads: a private folder per request, and the multipart body streamed into it
under the upload limit.

The limit is checked before anything is stored: a Content-Length over it is refused before
the body is read, and the bytes are counted as they arrive (a chunked body declares no
length), so at most the limit ever reaches the disk. The folder and everything in it is
removed when the request is over, whether it ended in a response, an error or a client that
went away; if a worker is still busy with the files then, removal waits for it.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

__all__ = ["BadUpload", "RequestSpace", "Upload", "UploadTooLarge", "clean_filename", "receive_files"]

_NAME_LIMIT = 120
_cleanups: set[asyncio.Task[None]] = set()  # removals waiting for a job (kept from the GC)


class UploadTooLarge(Exception):
    """The body is over the upload limit (HTTP 413)."""


class BadUpload(Exception):
    """The body is not a usable upload (HTTP 400); ``args[0]`` is the Chinese line."""


@dataclass(frozen=True, slots=True)
class Upload:
    field: str
    filename: str  # the clerk's file name, base name only
    path: Path
    size: int


def clean_filename(name: str, default: str = "工作簿.xlsx") -> str:
    """The base name of a client-sent file name: no folders (C:\\fakepath\\…, ../), no control
    or reserved characters, at most 120 characters (keeping the extension)."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r'[\x00-\x1f\x7f<>:"|?*]', "", name).strip().strip(".")
    if not name:
        return default
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    if len(name) > _NAME_LIMIT:
        keep = _NAME_LIMIT - len(suffix) - 1
        name = stem[:keep] + ("." + suffix if suffix else "")
    return name


class RequestSpace:
    """The request's private folder (mode 0700) under ``root``."""

    def __init__(self, root: Path) -> None:
        self.path = Path(tempfile.mkdtemp(prefix="req-", dir=root))
        self._jobs: set[asyncio.Future[Any]] = set()
        self.handed_over = False

    def file(self, name: str) -> Path:
        """A new path in the folder for ``name`` (renamed ``name (2)`` when taken)."""
        target = self.path / name
        n = 1
        while target.exists():
            n += 1
            target = self.path / f"{Path(name).stem} ({n}){Path(name).suffix}"
        return target

    def folder(self, name: str) -> Path:
        path = self.path / name
        path.mkdir(exist_ok=True)
        return path

    def hand_over(self) -> None:
        """The folder now belongs to a streamed answer, which closes it when it ends."""
        self.handed_over = True

    def track(self, job: asyncio.Future[Any]) -> None:
        """Keep the folder until ``job`` (a worker's job on these files) is over."""
        self._jobs.add(job)

    def close(self) -> None:
        pending = [task for task in self._jobs if not task.done()]
        if not pending:
            shutil.rmtree(self.path, ignore_errors=True)
            return

        async def later() -> None:
            await asyncio.gather(*pending, return_exceptions=True)
            shutil.rmtree(self.path, ignore_errors=True)

        cleanup = asyncio.ensure_future(later())
        _cleanups.add(cleanup)
        cleanup.add_done_callback(_cleanups.discard)


@dataclass
class _Part:
    name: str = ""
    filename: str | None = None
    headers: dict[bytes, bytes] = field(default_factory=dict)
    handle: IO[bytes] | None = None
    path: Path | None = None
    size: int = 0
    skip: bool = False


class _Receiver:
    def __init__(self, space: RequestSpace, max_files: int) -> None:
        self.space = space
        self.max_files = max_files
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.files: list[Upload] = []
        self.opened: list[IO[bytes]] = []

    def on_part_begin(self) -> None:
        self.part = _Part()

    def on_header_field(self, data: bytes, start: int, end: int) -> None:
        self.header_name += data[start:end]

    def on_header_value(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def on_header_end(self) -> None:
        self.part.headers[self.header_name.lower()] = self.header_value
        self.header_name = self.header_value = b""

    def on_headers_finished(self) -> None:
        _, options = parse_options_header(self.part.headers.get(b"content-disposition", b""))
        self.part.name = options.get(b"name", b"").decode("utf-8", "replace")
        raw = options.get(b"filename")
        if self.part.name != "file":
            # Another field (the API reads only ``file``): its bytes are skipped, not stored.
            self.part.skip = True
            return
        if len(self.files) + 1 > self.max_files:
            raise BadUpload(f"一次最多上传 {self.max_files} 个文件：请分批上传")
        filename = clean_filename(raw.decode("utf-8", "replace") if raw is not None else "")
        self.part.filename = filename
        self.part.path = self.space.file(filename)
        # Written in the event loop: chunks are at most the socket's read size, and a page-cache
        # write of that size costs microseconds; a thread hop per chunk would cost more.
        self.part.handle = self.part.path.open("xb")
        self.opened.append(self.part.handle)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.handle is not None and not self.part.skip:
            self.part.handle.write(data[start:end])
            self.part.size += end - start

    def on_part_end(self) -> None:
        part = self.part
        if part.handle is not None and part.path is not None and part.filename is not None:
            part.handle.close()
            self.files.append(Upload(part.name, part.filename, part.path, part.size))

    def close(self) -> None:
        for handle in self.opened:
            handle.close()


async def receive_files(request: Request, space: RequestSpace, *, max_bytes: int, max_files: int) -> list[Upload]:
    """The uploaded files (the parts named ``file``), stored in ``space``.
    Raises UploadTooLarge past ``max_bytes`` of body, BadUpload for a body that is not
    multipart/form-data; a client that goes away raises starlette's ClientDisconnect."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > max_bytes:
                raise UploadTooLarge
        except ValueError:
            raise BadUpload("请求头 Content-Length 无效") from None
    kind, params = parse_options_header(request.headers.get("content-type", ""))
    boundary = params.get(b"boundary")
    if kind != b"multipart/form-data" or not boundary:
        raise BadUpload("请以 multipart/form-data 方式上传文件，字段名为 file（例如 curl -F file=@工作簿.xlsx）")
    receiver = _Receiver(space, max_files)
    callbacks: Any = {
        "on_part_begin": receiver.on_part_begin,
        "on_part_data": receiver.on_part_data,
        "on_part_end": receiver.on_part_end,
        "on_header_field": receiver.on_header_field,
        "on_header_value": receiver.on_header_value,
        "on_header_end": receiver.on_header_end,
        "on_headers_finished": receiver.on_headers_finished,
    }
    parser = MultipartParser(boundary, callbacks)
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise UploadTooLarge
            parser.write(chunk)
        parser.finalize()
    except FormParserError:
        raise BadUpload("上传的数据不完整或格式不正确：请重新上传") from None
    finally:
        receiver.close()
    return receiver.files
