"""``python -m addin serve``: the web door under uvicorn."""

from __future__ import annotations

import socket
import sys

from ..errors import UnusableInput
from .config import WebConfig

__all__ = ["serve"]


def _check_port(host: str, port: int) -> None:
    """Say in Chinese what uvicorn would only log in English (and exit on)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UnusableInput(
                f"无法在 {host}:{port} 上启动服务（{exc.strerror}）：端口可能已被占用，请用 --port 换一个端口"
            ) from None


def serve(config: WebConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run until interrupted. One uvicorn process: its event loop only moves bytes, the work
    runs in ``config.pool_size`` worker processes (addin/web/pool.py)."""
    import uvicorn

    from .app import create_app

    _check_port(host, port)
    try:
        config.upload_root.mkdir(parents=True, exist_ok=True, mode=0o700)
        probe = config.upload_root / f".probe-{port}"
        probe.touch()
        probe.unlink()
    except OSError as exc:
        raise UnusableInput(
            f"临时文件夹“{config.upload_root}”无法写入（{exc.strerror}）：请用 --temp-dir 指定一个可写的文件夹"
        ) from None
    shown = f"[{host}]" if ":" in host else host
    print(f"部门整体支出绩效自评网页版：http://{shown}:{port}/ （按 Ctrl+C 停止）", file=sys.stderr)
    if config.token:
        print("已启用访问令牌：调用 /api/* 须带 Authorization: Bearer <令牌>", file=sys.stderr)
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
        timeout_keep_alive=10,
    )
