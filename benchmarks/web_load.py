"""Load on the web door, over loopback: a real ``python -m addin serve`` and concurrent clients.

    python -m benchmarks.web_load [--workdir DIR] [--workers N]

1. 200 ``POST /api/summary`` of the example workbook, 8 at a time;
2. 20 ``POST /api/generate`` of a 20,000-contract workbook (benchmarks/generate.py), 4 at a
   time, while a separate client asks ``GET /healthz`` every 20 ms: the event loop must answer
   within 100 ms while the workers are busy.

Prints failures, p50/p95 latency and requests per second of each phase and the /healthz
latencies, as a Markdown table. Bounded: every request has a timeout and the whole run stops
after --deadline seconds; the server is stopped at the end whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx


@dataclass
class Phase:
    name: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall: float = 0.0

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall if self.wall else 0.0


async def _load(url: str, path: str, workbook: Path, requests: int, concurrency: int, phase: Phase) -> None:
    content = workbook.read_bytes()
    gate = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=300, limits=limits) as client:

        async def one(i: int) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post(path, files={"file": (workbook.name, content)})
                    ok = response.status_code == 200 and len(response.content) > 0
                    if not ok:
                        phase.failures.append(f"#{i}: HTTP {response.status_code} {response.text[:120]}")
                except httpx.HTTPError as exc:
                    phase.failures.append(f"#{i}: {type(exc).__name__}")
                    return
                phase.latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        phase.wall = time.perf_counter() - started


def _probe(url: str, stop: threading.Event, latencies: list[float], failures: list[str]) -> None:
    """GET /healthz every 20 ms from its own thread and connection, until ``stop``."""
    with httpx.Client(base_url=url, timeout=5) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                if client.get("/healthz").status_code != 200:
                    failures.append("healthz status")
            except httpx.HTTPError as exc:
                failures.append(type(exc).__name__)
            latencies.append(time.perf_counter() - started)
            stop.wait(0.02)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run(workdir: Path, workers: int | None, deadline: float) -> bool:
    from addin.example.build import build_example
    from benchmarks.generate import write_department
    from tests.web.server import running_server, wait_empty

    example = workdir / "example.xlsm"
    build_example(example)
    large = write_department(workdir / "20000-contracts.xlsx", 20, contracts=20_000, units=50, indicators=30)
    summary, generate = Phase("summary"), Phase("generate")
    health: list[float] = []
    health_failures: list[str] = []
    options = ("--workers", str(workers)) if workers else ()
    with running_server(workdir / "server", *options) as server:
        url = server.url
        asyncio.run(asyncio.wait_for(_load(url, "/api/summary", example, 200, 8, summary), deadline))
        stop = threading.Event()
        probe = threading.Thread(target=_probe, args=(url, stop, health, health_failures), daemon=True)
        probe.start()
        try:
            asyncio.run(asyncio.wait_for(_load(url, "/api/generate", large, 20, 4, generate), deadline))
        finally:
            stop.set()
            probe.join(10)
        left = wait_empty(server.temp, timeout=5)

    print(
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"server workers={workers or os.cpu_count()}, loopback"
    )
    print("| measure | requests | failures | p50 | p95 | requests/s |")
    print("|---|---|---|---|---|---|")
    for phase, label in (
        (summary, "`summary` of the example, concurrency 8"),
        (generate, f"`generate` of a 20,000-contract workbook ({large.stat().st_size / 2**20:.1f} MiB), concurrency 4"),
    ):
        print(
            f"| {label} | {len(phase.latencies) + len(phase.failures)} | {len(phase.failures)} | "
            f"{_ms(phase.quantile(0.5))} | {_ms(phase.quantile(0.95))} | {phase.rate:.1f} |"
        )
    probes = Phase("healthz", health, health_failures)
    worst = max(health, default=float("nan"))
    print(
        f"| `/healthz` every 20 ms during the generate phase | {len(health)} | {len(health_failures)} | "
        f"{_ms(probes.quantile(0.5))} | {_ms(probes.quantile(0.95))} | max {_ms(worst)} |"
    )
    ok = not summary.failures and not generate.failures and not health_failures and worst < 0.1 and not left
    print(
        f"0 failures: {not summary.failures and not generate.failures}; /healthz within 100 ms: {worst < 0.1}; "
        f"temp folder empty after: {not left}"
    )
    for failure in (summary.failures + generate.failures)[:5]:
        print("failure:", failure)
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workdir", type=Path)
    parser.add_argument("--workers", type=int, default=None, help="server worker processes (default: CPU cores)")
    parser.add_argument("--deadline", type=float, default=600, help="seconds each phase may take at most")
    args = parser.parse_args()
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        ok = run(args.workdir, args.workers, args.deadline)
    else:
        with tempfile.TemporaryDirectory(prefix="jixiao-web-load-") as tmp:
            ok = run(Path(tmp), args.workers, args.deadline)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
