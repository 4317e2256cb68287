"""HTTP pieces of the web door: error and download responses, security headers, the token.

Every error is JSON ``{"error": "<one Chinese line>", "findings": [...]}`` (DESIGN.md, "Web
door"); nothing from a traceback reaches a response. Downloads carry the clerk's file name,
in ``filename*`` (RFC 5987, UTF-8) with an ASCII ``filename`` for old clients.
"""

from __future__ import annotations

import hmac
import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any
from urllib.parse import quote

from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "MEDIA_TYPES",
    "WARNINGS_HEADER",
    "SecurityHeaders",
    "TokenGuard",
    "ascii_name",
    "content_disposition",
    "download",
    "error",
    "warnings_header",
]

MEDIA_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}

# The page's policy: its own scripts and styles only (no inline script, no CDN: intranets are
# offline), no framing (clickjacking), requests only to this origin.
PAGE_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
_COMMON_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", PAGE_POLICY.encode()),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


def error(
    status: int, message: str, findings: Sequence[dict[str, str]] = (), headers: dict[str, str] | None = None
) -> Response:
    return JSONResponse({"error": message, "findings": list(findings)}, status_code=status, headers=headers)


def ascii_name(stem: str, tag: str, suffix: str) -> str:
    """The ASCII ``filename`` of a download for clients that do not read ``filename*``:
    what is ASCII in ``stem`` plus ``-tag`` (``dept-a-report.xlsm``), or ``tag`` alone
    (``report.xlsm``) when nothing ASCII remains. Never the name of the upload itself, so
    ``curl -OJ`` cannot overwrite the clerk's file."""
    kept = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    kept = re.sub(r"[^A-Za-z0-9._() -]", "", kept).strip(" .-_()")
    return f"{kept}-{tag}{suffix}" if kept else f"{tag}{suffix}"


def content_disposition(filename: str, fallback: str) -> str:
    """``attachment`` with the name in UTF-8 (RFC 5987/6266) and the ASCII ``fallback``."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


WARNINGS_HEADER = "X-Jixiao-Warnings"


def warnings_header(lines: list[str]) -> str:
    """A list of Chinese lines as one header value: JSON, percent-encoded (a header is
    Latin-1); a client reads it with ``json.loads(urllib.parse.unquote(value))`` or
    ``JSON.parse(decodeURIComponent(value))``."""
    return quote(json.dumps(lines, ensure_ascii=False), safe="")


def download(content: bytes, filename: str, fallback: str) -> Response:
    media = MEDIA_TYPES.get(PurePath(filename).suffix.lower(), "application/octet-stream")
    return Response(content, media_type=media, headers={"Content-Disposition": content_disposition(filename, fallback)})


class SecurityHeaders:
    """Security headers on every response; ``Cache-Control: no-store`` on the API (a
    department's figures have no business in a proxy's cache)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in _COMMON_HEADERS if h[0] not in present)
                if api or scope["path"] == "/healthz":
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class TokenGuard:
    """With a token set, ``/api/*`` needs ``Authorization: Bearer <token>`` (pages, their
    assets and /healthz stay open; CORS preflights carry no credentials by design)."""

    def __init__(self, app: ASGIApp, token: str | None) -> None:
        self.app = app
        self.token = token.encode("utf-8") if token else None

    def _refusal(self, scope: Scope) -> str | None:
        """Why the request may not pass (None: it may): no token at all, or a wrong one."""
        for name, value in scope.get("headers", []):
            if name == b"authorization":
                scheme, _, given = value.partition(b" ")
                if scheme.lower() == b"bearer" and hmac.compare_digest(given.strip(), self.token or b""):
                    return None
                return (
                    "访问令牌不正确：请向管理员确认令牌后重新输入（调用 API 时请求头应为 Authorization: Bearer <令牌>）"
                )
        return "需要访问令牌：请在页面中输入管理员提供的令牌，或在请求头中加入 Authorization: Bearer <令牌>"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        guarded = (
            self.token is not None
            and scope["type"] == "http"
            and scope["path"].startswith("/api/")
            and scope["method"] != "OPTIONS"
        )
        refusal = self._refusal(scope) if guarded else None
        if refusal is not None:
            response = error(401, refusal, headers={"WWW-Authenticate": 'Bearer realm="jixiao"'})
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


def ndjson(event: dict[str, Any]) -> bytes:
    """One line of the batch progress stream."""
    return (json.dumps(event, ensure_ascii=False) + "\n").encode("utf-8")
