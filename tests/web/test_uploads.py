"""Uploads as clerks and their machines really send them, over a real server: long Chinese
file names, names with quotes, files named with the wrong extension or none, uploads that
stall, HEAD requests, the token's two refusals, and recalculation on the server."""

from __future__ import annotations

import io
import json
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from .conftest import TOKEN, without_results
from .server import Server, multipart, raw_request, read_response, wait_empty

LONG_STEM = "中共广州市委外事工作委员会办公室关于报送二〇二三年度部门整体支出绩效自评报告及自评表的函" * 2  # 88 chars


def _names(response: httpx.Response) -> tuple[str, str]:
    """(the ASCII ``filename``, the UTF-8 ``filename*``) of a download."""
    header = response.headers["content-disposition"]
    plain = header.split('filename="', 1)[1].split('"', 1)[0]
    return plain, unquote(header.split("filename*=UTF-8''", 1)[1])


def _post(client: httpx.Client, path: str, name: str, content: bytes) -> httpx.Response:
    return client.post(path, files={"file": (name, content)})


@pytest.fixture
def api(guarded_server: Server) -> httpx.Client:
    with guarded_server.client(TOKEN) as client:
        yield client  # type: ignore[misc]
    assert wait_empty(guarded_server.temp) == []


def test_long_chinese_file_names_work_on_every_endpoint(api: httpx.Client, example_path: Path) -> None:
    name = LONG_STEM + ".xlsm"
    assert len(name.encode()) > 255  # more than a file name may hold on disk
    content = example_path.read_bytes()
    for path in ("/api/summary", "/api/preview"):
        assert _post(api, path, name, content).status_code == 200, path
    outputs = (("/api/generate", "-自评报告.xlsm"), ("/api/docx", "-自评报告.docx"), ("/api/share", "-共享副本.xlsx"))
    for path, suffix in outputs:
        response = _post(api, path, name, content)
        assert response.status_code == 200, (path, response.text)
        assert _names(response)[1] == LONG_STEM + suffix
    # A message names the clerk's file, never ours on disk.
    body = _post(api, "/api/summary", LONG_STEM + ".xlsx", b"not a workbook").json()
    assert body["error"].startswith(f"“{LONG_STEM}.xlsx”不是 Excel 工作簿")
    # In a batch, such a file is one row like any other.
    response = api.post(
        "/api/batch",
        files=[("file", (name, content)), ("file", ("甲局.xlsm", content))],
        headers={"Accept": "application/x-ndjson"},
    )
    done = json.loads(response.text.splitlines()[-1])
    assert [(d["file"], d["failure"]) for d in done["departments"]] == [(name, ""), ("甲局.xlsm", "")]


@pytest.mark.parametrize(
    ("sent", "endpoint", "ascii_name", "utf8_name"),
    [
        ("dept-a.xlsm", "/api/generate", "dept-a-report.xlsm", "dept-a-自评报告.xlsm"),
        ("2023年外事办.xlsm", "/api/generate", "2023-report.xlsm", "2023年外事办-自评报告.xlsm"),
        ("外事办.xlsm", "/api/generate", "report.xlsm", "外事办-自评报告.xlsm"),
        ("dept-a.xlsm", "/api/docx", "dept-a-report.docx", "dept-a-自评报告.docx"),
        ("dept-a.xlsm", "/api/share", "dept-a-share.xlsx", "dept-a-共享副本.xlsx"),
        # Browsers send a quote in a file name as %22 (HTML's form encoding).
        (
            "外事办#1 50%+预算&决算;'%22终稿%22.xlsm",
            "/api/generate",
            "1 50-report.xlsm",
            '外事办#1 50%+预算&决算;\'"终稿"-自评报告.xlsm',
        ),
    ],
)
def test_download_names(
    api: httpx.Client, example_path: Path, sent: str, endpoint: str, ascii_name: str, utf8_name: str
) -> None:
    response = _post(api, endpoint, sent, example_path.read_bytes())
    assert response.status_code == 200
    assert _names(response) == (ascii_name, utf8_name)
    assert ascii_name != sent  # curl -OJ never overwrites the clerk's own file


def test_the_workbooks_extension_follows_its_content(
    api: httpx.Client, example_path: Path, make_workbook: Callable[..., Path]
) -> None:
    macro = example_path.read_bytes()
    plain = make_workbook().read_bytes()  # an .xlsx, without macros
    for sent, content, expected in (
        ("dept.xlsx", macro, "dept-自评报告.xlsm"),  # an .xlsm renamed .xlsx comes back .xlsm
        ("dept.xlsm", plain, "dept-自评报告.xlsx"),
        ("dept", macro, "dept-自评报告.xlsm"),  # no extension: the right one is added
        ("dept.ods", plain, "dept-自评报告.xlsx"),  # a workbook whatever it is named
    ):
        response = _post(api, "/api/generate", sent, content)
        assert response.status_code == 200, (sent, response.text)
        assert _names(response)[1] == expected
        kind = "macroEnabled" if expected.endswith(".xlsm") else "spreadsheetml"
        assert kind in response.headers["content-type"]
        with zipfile.ZipFile(io.BytesIO(response.content)) as package:
            assert ("xl/vbaProject.bin" in package.namelist()) == expected.endswith(".xlsm")
    template = api.get("/api/template")
    assert _names(template) == ("template.xlsm", "部门整体支出绩效自评模板.xlsm")


def test_a_stalled_upload_is_given_up_and_its_files_removed(guarded_server: Server, example_path: Path) -> None:
    body, kind = multipart([("甲局.xlsm", example_path.read_bytes())])
    head = (
        "POST /api/summary HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock = raw_request(guarded_server.port, head, body[:30_000])  # …and then nothing more
    started = time.monotonic()
    status, raw = read_response(sock)  # the server answers and closes: the idle limit is 2 s
    assert status == 408 and time.monotonic() - started < 15
    assert "秒没有收到数据" in raw.decode("utf-8", "replace")
    assert wait_empty(guarded_server.temp) == []


def test_head_on_the_api_has_no_body(guarded_server: Server) -> None:
    head = f"HEAD /api/summary HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\nConnection: close\r\n\r\n"
    status, raw = read_response(raw_request(guarded_server.port, head))
    headers, _, rest = raw.partition(b"\r\n\r\n")
    assert status == 405 and rest == b""
    assert b"content-length: 0" in headers.lower() and b"allow: post" in headers.lower()


def test_the_token_refusals_say_which(guarded_server: Server, example_path: Path) -> None:
    with guarded_server.client() as anonymous:
        missing = anonymous.post("/api/summary", files={"file": ("a.xlsm", b"")})
        wrong = anonymous.post(
            "/api/summary", files={"file": ("a.xlsm", b"")}, headers={"Authorization": "Bearer nope"}
        )
    assert missing.status_code == wrong.status_code == 401
    assert "需要访问令牌" in missing.json()["error"]
    assert "令牌不正确" in wrong.json()["error"]


def test_the_web_door_recalculates_on_the_server_and_says_so(
    open_server: Server, make_workbook: Callable[..., Path]
) -> None:
    from ..libreoffice import require

    require("soffice")
    content = without_results(make_workbook(name="程序生成.xlsx")).read_bytes()
    with open_server.client() as client:
        body = client.post("/api/preview", files={"file": ("程序生成.xlsx", content)}).json()
        error = next(c for c in body["summary"]["checks"] if c["code"] == "input_formula_no_result")
        # The advice a web clerk can follow (not the command line's --recalc) …
        assert "--recalc" not in error["message"] and "服务器重新计算公式" in error["message"]
        # … and the cells show the formulas, marked as having no result.
        assert "=源数据!A1（无计算结果）" in body["cells"][error["location"]]
        again = client.post("/api/preview?recalc=1", files={"file": ("程序生成.xlsx", content)}).json()
        assert again["summary"]["ok"] and again["summary"]["budget"]["total"] == "9647.82"
        assert any(c["code"] == "input_recalculated" for c in again["summary"]["checks"])
        workbook = client.post("/api/generate?recalc=1", files={"file": ("程序生成.xlsx", content)})
        assert workbook.status_code == 200
    assert wait_empty(open_server.temp) == []
