"""A bounded pool of worker processes for the web door's CPU work.

Every request's computation runs here, off the event loop, so one large upload never stalls
the others (or ``/healthz``). ``concurrent.futures.ProcessPoolExecutor`` is not used: a worker
that dies (a hostile file meeting the memory limit, python-calamine aborting on an allocation)
breaks that executor for every request in flight, and a job that hangs cannot be stopped.
Here a job has a worker to itself: a death or a timeout costs that job only, and the worker is
replaced by a fresh process.

Limits per worker: ``RLIMIT_AS`` (address space) set in the worker before it takes any job,
and a time limit per job (the worker is killed and replaced when it is exceeded). Workers run
at a lower CPU priority than the server process, so the event loop answers while they work.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import BaseContext
from typing import Any, TypeVar

from ..errors import AddinError, DataErrors

__all__ = ["JobFailed", "WorkerPool"]

T = TypeVar("T")

_NICE = 5  # workers yield the CPU to the server process (its event loop answers /healthz)
_PRELOAD = ["addin.web.jobs"]  # imported once in the fork server, so new workers start warm


@dataclass(eq=False)
class JobFailed(Exception):
    """A job that did not produce its result: ``status`` is the HTTP status the door answers,
    ``message`` one Chinese line, ``findings`` the findings as JSON (for data errors)."""

    status: int
    message: str
    findings: list[dict[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)


# What a worker sends back: ("ok", value) or ("failed", status, message, findings); the last
# element says whether the worker should be replaced after this job (after a MemoryError its
# heap is not to be trusted).
Outcome = tuple[Any, ...]


def _run(func: Callable[..., Any], args: Sequence[Any]) -> tuple[Outcome, bool]:
    """Run one job in the worker, turning every exception into an outcome (nothing pickles an
    exception across the pipe: DataErrors, for one, could not be rebuilt from its args)."""
    try:
        return ("ok", func(*args)), False
    except DataErrors as exc:
        return ("failed", 422, exc.message, [f.as_json() for f in exc.findings]), False
    except AddinError as exc:
        return ("failed", 400, exc.message, []), False
    except MemoryError:
        message = "文件解开后所需内存超出服务的限制，未能处理：请检查文件是否异常，或请管理员调高内存限制"
        return ("failed", 400, message, []), True
    except Exception:  # a bug must cost its request, never the worker loop
        # The clerk reads one Chinese line; the details go to the server's log for the operator.
        traceback.print_exc(file=sys.stderr)
        message = "程序内部错误：文件未被保存。请把文件发给管理员或技术支持（详情见服务日志）"
        return ("failed", 500, message, []), False


def _limit_memory(memory_bytes: int) -> None:
    try:
        import resource
    except ImportError:  # Windows: no address-space limit there; the time limit still holds
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = memory_bytes if hard == resource.RLIM_INFINITY else min(memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_main(conn: Connection, memory_bytes: int) -> None:
    # Ctrl+C on the server stops the server; workers end when their pipe closes.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with contextlib.suppress(OSError, AttributeError):
        os.nice(_NICE)
    if memory_bytes:
        _limit_memory(memory_bytes)
    while True:
        try:
            func, args = conn.recv()
        except (EOFError, OSError):
            return
        outcome, recycle = _run(func, args)
        try:
            conn.send((outcome, recycle))
        except Exception:  # a result that does not pickle is a bug: say so, keep serving
            conn.send((("failed", 500, "程序内部错误（结果无法传回）：请联系技术支持", []), False))


def _context() -> BaseContext:
    # forkserver: workers fork from a small clean process that preloaded the product, never
    # from the server (forking a process that runs an event loop and threads is unsafe).
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(_PRELOAD)
        return ctx
    return multiprocessing.get_context("spawn")


class _Worker:
    def __init__(self, ctx: BaseContext, memory_bytes: int) -> None:
        self.ctx = ctx
        self.memory_bytes = memory_bytes
        self.conn: Connection | None = None
        self.process: Any = None
        self.closed = False  # the pool was closed: a job still waiting ends, no worker restarts
        self.start()

    def start(self) -> None:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(  # type: ignore[attr-defined]
            target=_worker_main, args=(child, self.memory_bytes), daemon=True, name="jixiao-worker"
        )
        process.start()
        child.close()
        self.conn, self.process = parent, process

    def stop(self) -> None:
        if self.process is not None and self.process.is_alive():
            self.process.kill()
        if self.process is not None:
            self.process.join(5)
            with contextlib.suppress(ValueError):
                self.process.close()
        if self.conn is not None:
            self.conn.close()
        self.conn = self.process = None

    def restart(self) -> None:
        self.stop()
        if not self.closed:
            self.start()

    def close(self) -> None:
        self.closed = True
        self.stop()

    def call(self, func: Callable[..., Any], args: Sequence[Any], time_limit: float) -> Outcome:
        """Send one job and wait for its outcome (blocking: runs in one of the pool's threads)."""
        if self.process is None or not self.process.is_alive():
            self.restart()
        conn = self.conn
        if conn is None:  # the pool was closed
            return _DIED
        try:
            conn.send((func, tuple(args)))
            finished = conn.poll(time_limit)
        except (OSError, ValueError):  # the worker died, or the pool closed its pipe meanwhile
            self.restart()
            return _DIED
        if not finished:
            self.restart()
            return (
                "failed",
                500,
                f"处理超过 {time_limit:g} 秒仍未完成，已停止：文件可能过大或异常。请检查文件，或请管理员调高时间限制",
                [],
            )
        try:
            outcome, recycle = conn.recv()
        except (EOFError, OSError, ValueError):
            self.restart()
            return _DIED
        if recycle:
            self.restart()
        return outcome  # type: ignore[no-any-return]


_DIED: Outcome = (
    "failed",
    500,
    "处理该文件的工作进程意外退出（可能超出内存限制），文件未被保存：请检查文件是否异常，或联系管理员",
    [],
)


class WorkerPool:
    """``size`` worker processes; ``await pool.run(func, *args)`` runs ``func(*args)`` in one
    of them and returns its result, or raises JobFailed (data errors 422, unusable input 400,
    time limit, death or a bug 500). ``func`` and its arguments must pickle (module-level
    functions, plain values)."""

    def __init__(self, size: int, *, memory_bytes: int = 0, time_limit: float = 120.0) -> None:
        self.size = max(1, size)
        self.memory_bytes = memory_bytes
        self.time_limit = time_limit
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self._threads: ThreadPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes (blocking, a second or so; call before serving)."""
        ctx = _context()
        self._workers = [_Worker(ctx, self.memory_bytes) for _ in range(self.size)]
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="jixiao-job")
        self._idle = asyncio.Queue()
        for worker in self._workers:
            self._idle.put_nowait(worker)

    def close(self) -> None:
        for worker in self._workers:
            worker.close()
        if self._threads is not None:
            self._threads.shutdown(wait=False, cancel_futures=True)
        self._workers = []

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (for tests and the operator's health view)."""
        return [w.process.pid for w in self._workers if w.process is not None and w.process.pid]

    async def run(
        self,
        func: Callable[..., T],
        *args: Any,
        time_limit: float | None = None,
        track: Callable[[asyncio.Future[Any]], None] | None = None,
    ) -> T:
        """Cancelling the caller while it waits for a worker takes nothing; once the job was
        sent it runs to its end (or its time limit) in the worker. ``track`` receives that
        job's future, so the caller can keep the job's files until it is over."""
        if self._idle is None or self._threads is None:
            raise RuntimeError("WorkerPool.start() was not called")
        idle = self._idle
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._threads, worker.call, func, args, time_limit or self.time_limit)
        # The worker goes back to the pool when its job is over, not when the request is
        # (a cancelled request must not hand a busy worker to the next one).
        future.add_done_callback(lambda _: idle.put_nowait(worker))
        if track is not None:
            track(future)
        outcome = await asyncio.shield(future)
        if outcome[0] == "ok":
            return outcome[1]  # type: ignore[no-any-return]
        _, status, message, findings = outcome
        raise JobFailed(status, message, findings)
