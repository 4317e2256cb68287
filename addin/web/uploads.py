"""Receiving uploads: a private folder per request, and the multipart body streamed into it
under the upload limit.

The limit is checked before anything is stored: a Content-Length over it is refused before
the body is read, and the bytes are counted as they arrive (a chunked body declares no
length), so at most the limit ever reaches the disk. A body that stops arriving (a client
that sent its head and part of the body, then nothing) is given up after an idle time, so it
holds neither a connection nor a folder for ever. The folder and everything in it is removed
when the request is over, whether it ended in a response, an error or a client that went
away; if a worker is still busy with the files then, removal waits for it.

On disk each file has a short name of ours (``upload-1.xlsm``: a clerk's file name may be
longer than the file system allows, 255 bytes, about 80 Chinese characters); the clerk's
name is kept beside it for the messages and the download's header (``Upload.filename``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import IO, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

__all__ = [
    "BadUpload",
    "RequestSpace",
    "Upload",
    "UploadStalled",
    "UploadTooLarge",
    "clean_filename",
    "disk_suffix",
    "named",
    "receive_files",
    "stem_of",
]

_NAME_LIMIT = 120
_SUFFIX = re.compile(r"\.[a-z0-9]{1,5}")
_cleanups: set[asyncio.Task[None]] = set()  # removals waiting for a job (kept from the GC)


class UploadTooLarge(Exception):
    """The body is over the upload limit (HTTP 413)."""


class UploadStalled(Exception):
    """No byte of the body arrived for the idle time (HTTP 408)."""


class BadUpload(Exception):
    """The body is not a usable upload (HTTP 400); ``args[0]`` is the Chinese line."""


@dataclass(frozen=True, slots=True)
class Upload:
    field: str
    filename: str  # the clerk's file name, base name only (messages, download names)
    path: Path  # where the bytes are: a short name of ours in the request's folder
    size: int
    modified: float | None = None  # the file's modification time (s since the epoch) if the client sent it


def named(message: str, files: list[Upload]) -> str:
    """A worker's message with our name of each file on disk (upload-1.xlsx) replaced by the
    clerk's name for it."""
    for upload in files:
        message = message.replace(upload.path.name, upload.filename)
    return message


def disk_suffix(name: str) -> str:
    """The extension a file keeps on disk (lower case, at most 5 letters or digits), so the
    reader knows an .ods from an .xlsx; "" for anything else."""
    suffix = PurePath(name).suffix.lower()
    return suffix if _SUFFIX.fullmatch(suffix) else ""


_KNOWN_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls", ".xltx", ".xltm", ".xlsb", ".et", ".ods", ".csv", ".zip"})


def stem_of(filename: str) -> str:
    """The clerk's file name without its extension, for download names ("dept-a.xlsm" →
    "dept-a"; a name without a known extension is kept whole: "报告v1.2" stays)."""
    path = PurePath(filename)
    stem = path.stem if path.suffix.lower() in _KNOWN_SUFFIXES else filename
    return stem or "工作簿"


def clean_filename(name: str, default: str = "工作簿.xlsx") -> str:
    """The base name of a client-sent file name, for messages and download names (never a
    path on disk): no folders (C:\\fakepath\\…, ../), no control or reserved characters, at
    most 120 characters (keeping the extension). Browsers send a ``"`` in a name as ``%22``
    (and line breaks as %0D/%0A, HTML's form encoding): it is read back as the clerk typed it."""
    name = name.replace("%22", '"').replace("%0D", "").replace("%0A", "")
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f<>:|?*]", "", name).strip().strip(".")
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

    def file(self, stem: str, suffix: str = "") -> Path:
        """A new path in the folder: ``stem`` + ``suffix``, numbered (``stem-2``) when taken.
        ``stem`` is ours (ASCII, short), never a clerk's file name."""
        target = self.path / f"{stem}{suffix}"
        n = 1
        while target.exists():
            n += 1
            target = self.path / f"{stem}-{n}{suffix}"
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
    value: bytes = b""  # a ``modified`` field's text


# A ``modified`` field sent just before a ``file`` part: the file's modification time in
# milliseconds since the epoch (a browser's File.lastModified). Multipart carries no date of its
# own, and the batch ranks the most recent of a department's copies (batch_rows.mark_duplicates).
_MODIFIED = "modified"
_MODIFIED_MAX = 20


def _milliseconds(text: bytes) -> float | None:
    try:
        value = int(text.strip())
    except ValueError:
        return None
    return value / 1000 if 0 < value < 10**14 else None


class _Receiver:
    def __init__(self, space: RequestSpace, max_files: int) -> None:
        self.space = space
        self.max_files = max_files
        self.part = _Part()
        self.header_name = b""
        self.header_value = b""
        self.files: list[Upload] = []
        self.opened: list[IO[bytes]] = []
        self.modified: float | None = None  # from the last ``modified`` field, for the next file

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
            # Another field (the API reads only ``file`` and a short ``modified``): skipped, not stored.
            self.part.skip = True
            return
        if len(self.files) + 1 > self.max_files:
            raise BadUpload(f"一次最多上传 {self.max_files} 个文件：请分批上传")
        filename = clean_filename(raw.decode("utf-8", "replace") if raw is not None else "")
        self.part.filename = filename
        self.part.path = self.space.file(f"upload-{len(self.files) + 1}", disk_suffix(filename))
        # Written in the event loop: chunks are at most the socket's read size, and a page-cache
        # write of that size costs microseconds; a thread hop per chunk would cost more.
        self.part.handle = self.part.path.open("xb")
        self.opened.append(self.part.handle)

    def on_part_data(self, data: bytes, start: int, end: int) -> None:
        if self.part.handle is not None and not self.part.skip:
            self.part.handle.write(data[start:end])
            self.part.size += end - start
        elif self.part.name == _MODIFIED and len(self.part.value) <= _MODIFIED_MAX:
            self.part.value += data[start:end][: _MODIFIED_MAX + 1]

    def on_part_end(self) -> None:
        part = self.part
        if part.name == _MODIFIED:
            self.modified = _milliseconds(part.value) if len(part.value) <= _MODIFIED_MAX else None
        if part.handle is not None and part.path is not None and part.filename is not None:
            part.handle.close()
            self.files.append(Upload(part.name, part.filename, part.path, part.size, self.modified))
            self.modified = None

    def close(self) -> None:
        for handle in self.opened:
            handle.close()


async def receive_files(
    request: Request, space: RequestSpace, *, max_bytes: int, max_files: int, idle_timeout: float
) -> list[Upload]:
    """The uploaded files (the parts named ``file``), stored in ``space``.
    Raises UploadTooLarge past ``max_bytes`` of body, UploadStalled when no byte arrives for
    ``idle_timeout`` seconds, BadUpload for a body that is not multipart/form-data; a client
    that goes away raises starlette's ClientDisconnect."""
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
    chunks = request.stream().__aiter__()
    try:
        while True:
            try:
                chunk = await asyncio.wait_for(chunks.__anext__(), idle_timeout)
            except StopAsyncIteration:
                break
            except TimeoutError:
                raise UploadStalled from None
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
