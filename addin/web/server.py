"""``python -m addin serve``: the web door under uvicorn."""

from __future__ import annotations

import contextlib
import ipaddress
import signal
import socket
import sys
from types import FrameType

from ..errors import UnusableInput
from .config import WebConfig

__all__ = ["serve", "urls"]

_ANY = ("0.0.0.0", "::", "")


def _check_port(host: str, port: int) -> None:
    """Say in Chinese what uvicorn would only log in English (and exit on)."""
    if not 1 <= port <= 65535:
        raise UnusableInput(f"端口应在 1～65535 之间（现为 {port}）：请用 --port 指定，例如 --port 8000")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise UnusableInput(
                f"无法在 {host}:{port} 上启动服务（{exc.strerror}）：端口可能已被占用，请用 --port 换一个端口"
            ) from None


def _local_addresses() -> list[str]:
    """This machine's IPv4 addresses other clerks can reach (the one routes go out by first)."""
    found: list[str] = []
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))  # UDP: no packet is sent, only the route is chosen
        found.append(probe.getsockname()[0])
    with contextlib.suppress(OSError):
        for *_, address in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            found.append(str(address[0]))
    return [a for a in dict.fromkeys(found) if not ipaddress.ip_address(a).is_loopback]


def urls(host: str, port: int) -> list[str]:
    """Addresses a browser can open (``http://0.0.0.0:8000/`` is not one of them)."""
    if host in _ANY:
        return [f"http://{a}:{port}/" for a in ("127.0.0.1", *_local_addresses())]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _exit_on_sigterm(signum: int, frame: FrameType | None) -> None:
    # uvicorn shuts down gracefully on SIGTERM (the lifespan stops the worker pool), restores
    # this handler and raises the signal again: exiting here, rather than dying by the
    # default action, runs the interpreter's exit handlers, which remove multiprocessing's
    # temp folder (/tmp/pymp-*) and stop its helper processes.
    raise SystemExit(0)


def serve(config: WebConfig, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run until interrupted (Ctrl+C or SIGTERM). One uvicorn process: its event loop only
    moves bytes, the work runs in ``config.pool_size`` worker processes (addin/web/pool.py)."""
    import uvicorn

    from .app import create_app

    _check_port(host, port)
    config.prepare_upload_root()
    print("部门整体支出绩效自评网页版已启动（按 Ctrl+C 停止），请在浏览器中打开：", file=sys.stderr)
    for url in urls(host, port):
        print(f"  {url}", file=sys.stderr)
    if config.token:
        print("已启用访问令牌：调用 /api/* 须带 Authorization: Bearer <令牌>", file=sys.stderr)
    elif not _is_loopback(host):
        print(
            f"警告：服务在 {host} 上对网络开放，且未设访问令牌，网络中任何人都能上传文件。"
            "请加 --token（或环境变量 JIXIAO_TOKEN），"
            "并只通过单位的反向代理（nginx 等，限制请求大小和并发）对外提供服务",
            file=sys.stderr,
        )
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level="info",
        proxy_headers=True,
        server_header=False,
        timeout_keep_alive=10,
    )
