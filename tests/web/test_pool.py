"""The worker pool with real processes: a job that dies, hangs or runs out of memory costs
that job only; the worker is replaced and the pool goes on."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from addin.web.pool import JobFailed, WorkerPool

from . import pool_jobs


def _with_pool(test: Callable[[WorkerPool], Awaitable[Any]], size: int = 2, **options: Any) -> Any:
    async def main() -> Any:
        pool = WorkerPool(size, **options)
        pool.start()
        try:
            return await test(pool)
        finally:
            pool.close()

    # Its own thread: Playwright's sync API keeps an event loop running in the main thread.
    with ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result()


def test_a_dying_worker_costs_its_job_only_and_is_replaced() -> None:
    async def test(pool: WorkerPool) -> None:
        before = set(pool.pids)
        slow = asyncio.ensure_future(pool.run(pool_jobs.pid, 1.0))
        await asyncio.sleep(0.2)  # the slow job holds one worker while the other dies
        with pytest.raises(JobFailed) as failed:
            await pool.run(pool_jobs.die)
        assert failed.value.status == 500 and "意外退出" in failed.value.message
        assert await slow in before  # the job beside it finished on its worker
        after = set(pool.pids)
        assert len(after) == 2 and len(after - before) == 1
        assert await pool.run(pool_jobs.pid) in after

    _with_pool(test)


def test_a_job_over_the_time_limit_is_stopped() -> None:
    async def test(pool: WorkerPool) -> None:
        started = time.monotonic()
        with pytest.raises(JobFailed) as failed:
            await pool.run(pool_jobs.hang, 60)
        assert time.monotonic() - started < 10
        assert failed.value.status == 500 and "1 秒" in failed.value.message
        assert await pool.run(pool_jobs.pid) > 0

    _with_pool(test, time_limit=1.0)


def test_a_job_over_the_memory_limit_gets_a_message_and_a_fresh_worker() -> None:
    async def test(pool: WorkerPool) -> None:
        assert await pool.run(pool_jobs.allocate, 64) == 64 * 1024 * 1024
        before = set(pool.pids)
        with pytest.raises(JobFailed) as failed:
            await pool.run(pool_jobs.allocate, 1024)
        assert failed.value.status == 400 and "内存" in failed.value.message
        assert set(pool.pids) != before  # the worker that met the limit was replaced

    _with_pool(test, memory_bytes=512 * 1024 * 1024)


def test_errors_become_statuses_and_one_chinese_line() -> None:
    async def test(pool: WorkerPool) -> None:
        outcomes = []
        for job in (pool_jobs.unusable, pool_jobs.data_errors, pool_jobs.bug):
            with pytest.raises(JobFailed) as failed:
                await pool.run(job)
            outcomes.append(failed.value)
        assert [o.status for o in outcomes] == [400, 422, 500]
        assert outcomes[1].findings == [
            {"severity": "error", "code": "budget_text", "message": "执行数须为数字", "location": "预算执行!E5"}
        ]
        # One Chinese line: neither the exception's text nor its English class name (those go
        # to the server's log).
        assert "secret" not in outcomes[2].message and "KeyError" not in outcomes[2].message
        assert "程序内部错误" in outcomes[2].message

    _with_pool(test)


def test_a_cancelled_request_does_not_hand_a_busy_worker_on() -> None:
    async def test(pool: WorkerPool) -> None:
        done: list[asyncio.Future[Any]] = []
        first = asyncio.ensure_future(pool.run(pool_jobs.pid, 0.5, track=done.append))
        await asyncio.sleep(0.1)
        first.cancel()
        await pool.run(pool_jobs.pid)
        assert done[0].done()  # the next job waited for the cancelled one's worker to finish

    _with_pool(test, size=1, time_limit=30.0)
