"""A real ``python -m addin serve`` on 127.0.0.1 for the web door's tests, and raw HTTP for
what a client library will not send (a body cut off, a declared length with no body)."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["Server", "free_port", "multipart", "raw_request", "read_response", "running_server", "wait_empty"]

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Server:
    url: str
    port: int
    temp: Path  # the server's --temp-dir: uploads in flight, empty between requests
    log: Path
    process: subprocess.Popen[bytes]

    def client(self, token: str | None = None, timeout: float = 120) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=timeout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def running_server(folder: Path, *args: str) -> Iterator[Server]:
    """Start the server (its own process, as a bureau runs it), wait for /healthz, stop it after."""
    temp = folder / "uploads"
    temp.mkdir(parents=True)
    log = folder / "server.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "addin",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--temp-dir",
                str(temp),
                *args,
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"server exited: {log.read_text(errors='replace')}")
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not start: {log.read_text(errors='replace')}")
            time.sleep(0.2)
        yield Server(url, port, temp, log, process)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def multipart(files: list[tuple[str, bytes]], boundary: str = "jixiao-test-boundary") -> tuple[bytes, str]:
    """A multipart/form-data body with one ``file`` field per (name, content)."""
    parts = []
    for name, content in files:
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        parts.append(head + content + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def raw_request(port: int, head: str, body: bytes = b"") -> socket.socket:
    """Open a connection and send a request head (and ``body``, maybe only part of one)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(head.encode("latin-1") + body)
    return sock


def read_response(sock: socket.socket) -> tuple[int, bytes]:
    """(status, whole raw response) of a connection the server closes after answering."""
    data = b""
    with contextlib.suppress(ConnectionResetError):
        while chunk := sock.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, data


def wait_empty(folder: Path, timeout: float = 15) -> list[str]:
    """What is left in ``folder`` once it is empty or ``timeout`` has passed."""
    deadline = time.monotonic() + timeout
    while True:
        left = sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.05)
