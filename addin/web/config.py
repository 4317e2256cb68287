"""The web door's settings: from ``python -m addin serve`` options, or from the environment
when a bureau runs the app under its own uvicorn (``uvicorn --factory addin.web:create_app``).

| setting | option | environment | default |
|---|---|---|---|
| bearer token on /api/* | ``--token`` | ``JIXIAO_TOKEN`` | none (open) |
| upload limit per request | ``--max-upload-mb`` | ``JIXIAO_MAX_UPLOAD_MB`` | 50 MiB |
| worker processes | ``--workers`` | ``JIXIAO_WORKERS`` | CPU cores |
| time limit per job | ``--time-limit`` | ``JIXIAO_TIME_LIMIT`` | 120 s |
| address space per worker | ``--worker-memory-mb`` | ``JIXIAO_WORKER_MEMORY_MB`` | 2048 MiB (0: none) |
| folder for uploads in flight | ``--temp-dir`` | ``JIXIAO_TEMP_DIR`` | the system temp folder |
| origins allowed to call /api/* | ``--allow-origin`` | ``JIXIAO_ALLOW_ORIGINS`` (comma-separated) | none |
| idle time of an upload's body | ``--upload-idle-timeout`` | ``JIXIAO_UPLOAD_IDLE_TIMEOUT`` | 60 s |

A token is ASCII (letters, digits, symbols): an HTTP header carries nothing else, and a
browser cannot even send a request whose header holds a Chinese or full-width character.
A ``--temp-dir`` must exist (a mistyped path is refused rather than created with its
parents); the default, ``jixiao-web`` in the system temp folder, is created when missing.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import AddinError

__all__ = ["MIB", "WebConfig", "check_token"]

MIB = 1024 * 1024
_TOKEN = re.compile(r"[\x21-\x7e]+")  # visible ASCII: what an Authorization header can carry


def check_token(token: str | None) -> str | None:
    """The token as given, or None for none; raises AddinError for one an HTTP header cannot
    carry (non-ASCII, spaces)."""
    if not token:
        return None
    if not _TOKEN.fullmatch(token):
        raise AddinError(
            "访问令牌只能包含英文字母、数字和符号（不能有汉字、全角字符或空格）："
            "请改正 --token 或 JIXIAO_TOKEN 后重新启动"
        )
    return token


@dataclass(frozen=True, slots=True)
class WebConfig:
    token: str | None = None
    max_upload_bytes: int = 50 * MIB
    workers: int = 0  # 0: one per CPU core
    time_limit: float = 120.0  # seconds per job (one file's work)
    worker_memory_bytes: int = 2048 * MIB  # RLIMIT_AS per worker; 0: no limit
    temp_dir: Path | None = None
    allow_origins: tuple[str, ...] = ()
    max_batch_files: int = 2000
    upload_idle_timeout: float = 60.0  # seconds without a byte of the body before giving up

    @property
    def upload_root(self) -> Path:
        """Where each request's private folder is made."""
        return self.temp_dir or Path(tempfile.gettempdir()) / "jixiao-web"

    def prepare_upload_root(self) -> Path:
        """The folder for uploads in flight, checked writable (raises AddinError): a given
        --temp-dir must exist; the default is created (its parent, the system temp folder,
        exists)."""
        root = self.upload_root
        try:
            if self.temp_dir is None:
                root.mkdir(exist_ok=True, mode=0o700)
            elif not root.is_dir():
                raise AddinError(
                    f"临时文件夹“{root}”不存在：请先创建该文件夹，"
                    "或去掉 --temp-dir（JIXIAO_TEMP_DIR）使用系统临时文件夹"
                )
            probe = Path(tempfile.mkdtemp(prefix=".probe-", dir=root))
            probe.rmdir()
        except OSError as exc:
            raise AddinError(
                f"临时文件夹“{root}”无法写入（{exc.strerror}）：请用 --temp-dir 指定一个可写的文件夹"
            ) from None
        return root

    @property
    def pool_size(self) -> int:
        return self.workers if self.workers > 0 else (os.cpu_count() or 1)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> WebConfig:
        env = os.environ if environ is None else environ

        def number(key: str, default: float) -> float:
            text = env.get(key, "").strip()
            try:
                return float(text) if text else default
            except ValueError:
                raise AddinError(f"环境变量 {key} 应为数字（现为“{text}”）：请改正后重新启动") from None

        origins = tuple(o.strip() for o in env.get("JIXIAO_ALLOW_ORIGINS", "").split(",") if o.strip())
        temp = env.get("JIXIAO_TEMP_DIR", "").strip()
        return cls(
            token=check_token(env.get("JIXIAO_TOKEN", "").strip()),
            max_upload_bytes=int(number("JIXIAO_MAX_UPLOAD_MB", 50) * MIB),
            workers=int(number("JIXIAO_WORKERS", 0)),
            time_limit=number("JIXIAO_TIME_LIMIT", 120.0),
            worker_memory_bytes=int(number("JIXIAO_WORKER_MEMORY_MB", 2048) * MIB),
            temp_dir=Path(temp) if temp else None,
            allow_origins=origins,
            upload_idle_timeout=number("JIXIAO_UPLOAD_IDLE_TIMEOUT", 60.0),
        )
