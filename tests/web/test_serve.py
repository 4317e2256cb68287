"""``python -m addin serve`` as an IT department starts and stops it: settings it refuses in
Chinese before serving, what it prints on start, and a clean stop on SIGTERM (systemd, docker
stop) that leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from .server import ROOT, free_port


def _serve(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    return subprocess.run(
        [sys.executable, "-m", "addin", "serve", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={**base, **(env or {})},
        timeout=60,
    )


def _chinese_line(text: str) -> bool:
    return "Traceback" not in text and any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(
    ("args", "env", "said"),
    [
        (("--port", "99999"), {}, "端口应在 1～65535 之间"),
        (("--port", "0"), {}, "端口应在 1～65535 之间"),
        (("--token", "ａｂｃ１２３"), {}, "令牌只能包含英文字母、数字和符号"),
        ((), {"JIXIAO_TOKEN": "局里的令牌"}, "令牌只能包含英文字母、数字和符号"),
        (("--upload-idle-timeout", "0"), {}, "须大于 0"),
    ],
    ids=["port-high", "port-zero", "token-full-width", "token-env-chinese", "idle-zero"],
)
def test_settings_refused_before_serving(args: tuple[str, ...], env: dict[str, str], said: str) -> None:
    result = _serve(*args, env=env)
    assert result.returncode == 2, result.stderr
    assert said in result.stderr and _chinese_line(result.stderr)


def test_a_temp_dir_that_does_not_exist_is_refused_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "没有" / "uploads"
    result = _serve("--port", str(free_port()), "--temp-dir", str(missing))
    assert result.returncode == 2 and "不存在" in result.stderr and _chinese_line(result.stderr)
    assert not missing.parent.exists()


def test_open_to_the_network_it_warns_prints_usable_addresses_and_stops_cleanly_on_sigterm(
    tmp_path: Path, example_path: Path
) -> None:
    temp = tmp_path / "tmp"  # the server's own temp folder: multiprocessing's pymp-* goes there
    uploads = tmp_path / "uploads"
    temp.mkdir()
    uploads.mkdir()
    port = free_port()
    log = tmp_path / "server.log"
    options = ("--temp-dir", str(uploads), "--workers", "1")
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")} | {"TMPDIR": str(temp)}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "addin", "serve", "--host", "0.0.0.0", "--port", str(port), *options],
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
            env=env,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        summary = httpx.post(
            f"http://127.0.0.1:{port}/api/summary",
            files={"file": ("甲局.xlsm", example_path.read_bytes())},
            timeout=60,
        )
        assert summary.status_code == 200  # the worker pool has run
        assert any(p.name.startswith("pymp-") for p in temp.iterdir())
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    printed = log.read_text()
    assert "警告" in printed and "未设访问令牌" in printed and "反向代理" in printed
    assert f"http://127.0.0.1:{port}/" in printed and f"http://0.0.0.0:{port}/" not in printed.split("INFO")[0]
    # Nothing left: multiprocessing's folder (and its forkserver's listener socket), no upload.
    deadline = time.monotonic() + 10
    while list(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(temp.iterdir()) == [] and list(uploads.iterdir()) == []
