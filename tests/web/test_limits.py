"""A hostile upload costs its own request, never the service: a ledger too large for a
worker's memory limit, and one that takes longer than the time limit, over a real server."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from .hostile import huge_ledger
from .server import running_server, wait_empty


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory, example_path: Path) -> Path:
    # 600,000 contracts: about 700 MiB to read, 3 MiB to upload.
    return huge_ledger(example_path, tmp_path_factory.mktemp("huge") / "大台账.xlsm", 600_000)


def _post(client: httpx.Client, path: str, workbook: Path) -> httpx.Response:
    return client.post(path, files={"file": (workbook.name, workbook.read_bytes())})


@pytest.mark.parametrize(
    ("limits", "said"),
    [
        (("--worker-memory-mb", "300"), "内存"),
        (("--worker-memory-mb", "0", "--time-limit", "1"), "1 秒"),
    ],
    ids=["memory", "time"],
)
def test_a_hostile_upload_costs_its_request_only(
    tmp_path: Path, example_path: Path, huge: Path, limits: tuple[str, ...], said: str
) -> None:
    with running_server(tmp_path, "--workers", "1", *limits) as server, server.client() as client:
        assert _post(client, "/api/summary", example_path).status_code == 200
        for path in ("/api/summary", "/api/generate"):
            response = _post(client, path, huge)
            assert response.status_code in (400, 500), response.text
            body = response.json()
            assert said in body["error"] and "Traceback" not in response.text
        # The one worker was replaced; the service answers as before.
        assert client.get("/healthz").json()["status"] == "ok"
        assert _post(client, "/api/summary", example_path).json()["score"]["total"] == "97.96"
        assert server.process.poll() is None
        assert wait_empty(server.temp) == []
