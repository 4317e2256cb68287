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
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ..errors import AddinError

__all__ = ["MIB", "WebConfig"]

MIB = 1024 * 1024


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

    @property
    def upload_root(self) -> Path:
        """Where each request's private folder is made."""
        return self.temp_dir or Path(tempfile.gettempdir()) / "jixiao-web"

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
            token=env.get("JIXIAO_TOKEN", "").strip() or None,
            max_upload_bytes=int(number("JIXIAO_MAX_UPLOAD_MB", 50) * MIB),
            workers=int(number("JIXIAO_WORKERS", 0)),
            time_limit=number("JIXIAO_TIME_LIMIT", 120.0),
            worker_memory_bytes=int(number("JIXIAO_WORKER_MEMORY_MB", 2048) * MIB),
            temp_dir=Path(temp) if temp else None,
            allow_origins=origins,
        )
