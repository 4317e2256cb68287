"""The HTTP API over a real uvicorn server on 127.0.0.1: every endpoint, its errors, the token,
the upload limit, file names, and no uploaded byte left in the server's temp folder."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import io
import json
import socket
import time
import zipfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import unquote

import docx
import httpx
import openpyxl
import pytest

from addin.headless import evaluate_file, generate

from ..package.malformed import read_members, variants, write_package
from ..package.test_hostile_inputs import BILLION_LAUGHS, rewrite
from .conftest import TOKEN
from .server import Server, multipart, raw_request, read_response, wait_empty

TEMPLATES = Path(__file__).resolve().parents[2] / "workbook_templates"


class _GbkName(zipfile.ZipInfo):
    """A member named as Windows' own 压缩 names it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:
        return self.filename.encode("gbk"), self.flag_bits


def _files(*paths: Path, names: tuple[str, ...] = ()) -> list[tuple[str, tuple[str, bytes]]]:
    return [("file", (names[i] if i < len(names) else p.name, p.read_bytes())) for i, p in enumerate(paths)]


def _no_traceback(response: httpx.Response) -> None:
    assert "Traceback" not in response.text and 'File "' not in response.text


def _error(response: httpx.Response, status: int) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error", "findings"}
    assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"])  # one Chinese line
    assert "\n" not in body["error"]
    _no_traceback(response)
    return body  # type: ignore[no-any-return]


def _saved_name(response: httpx.Response) -> str:
    header = response.headers["content-disposition"]
    assert header.startswith("attachment;")
    encoded = header.split("filename*=UTF-8''", 1)[1]
    assert header.split('filename="', 1)[1].split('"', 1)[0].isascii()
    return unquote(encoded)


@pytest.fixture
def api(guarded_server: Server) -> httpx.Client:
    with guarded_server.client(TOKEN) as client:
        yield client  # type: ignore[misc]
    assert wait_empty(guarded_server.temp) == []  # after every test: nothing uploaded is left


def test_health_and_pages_are_open_with_security_headers(guarded_server: Server) -> None:
    with guarded_server.client() as anonymous:
        health = anonymous.get("/healthz")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        for path in ("/", "/batch", "/static/app.js", "/static/report.css", "/static/style.css"):
            response = anonymous.get(path)
            assert response.status_code == 200, path
            assert response.headers["x-content-type-options"] == "nosniff"
            assert response.headers["referrer-policy"] == "no-referrer"
            policy = response.headers["content-security-policy"]
            assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy
            assert "unsafe-inline" not in policy
        page = anonymous.get("/").text
        assert 'data-token-required="1"' in page
        # Every script is a file of the app: none inline, none from a CDN.
        assert page.count("<script") == page.count('<script src="/static/')
        assert "http://" not in page and "https://" not in page


def test_api_requires_the_token(guarded_server: Server, example_path: Path) -> None:
    with guarded_server.client() as anonymous:
        for response in (
            anonymous.post("/api/summary", files=_files(example_path)),
            anonymous.get("/api/template"),
            anonymous.post("/api/batch", files=_files(example_path), headers={"Authorization": "Bearer wrong"}),
            anonymous.post("/api/summary", files=_files(example_path), headers={"Authorization": TOKEN}),
        ):
            _error(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")
    assert wait_empty(guarded_server.temp) == []


def test_summary_is_the_cli_json(api: httpx.Client, example_path: Path) -> None:
    response = api.post("/api/summary", files=_files(example_path))
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body == json.loads(json.dumps(evaluate_file(example_path).as_json()))
    assert (body["budget"]["execution_rate"], body["procurement"]["sme_share"]) == ("96.67", "66.7")
    assert (body["score"]["total"], body["score"]["grade"], body["ok"]) == ("97.96", "优", True)


def test_summary_answers_200_when_the_data_have_errors(api: httpx.Client, broken_data: Path) -> None:
    response = api.post("/api/summary", files=_files(broken_data))
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is False
    assert any(c["severity"] == "error" and c["location"].startswith("预算执行!") for c in body["checks"])


def test_generate_returns_the_workbook_named_after_the_clerks_file(
    api: httpx.Client, example_path: Path, tmp_path: Path
) -> None:
    response = api.post("/api/generate", files=_files(example_path, names=("外事办 2023年 自评.xlsm",)))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/vnd.ms-excel.sheet.macroEnabled.12"
    assert _saved_name(response) == "外事办 2023年 自评-自评报告.xlsm"
    saved = tmp_path / "out.xlsm"
    saved.write_bytes(response.content)
    assert {"自评报告", "校验结果"} <= set(openpyxl.load_workbook(saved, read_only=True).sheetnames)
    ev = evaluate_file(saved)
    assert str(ev.score.total) and ev.as_json()["score"]["total"] == "97.96"


def test_generate_with_data_errors_is_422_with_the_findings(api: httpx.Client, broken_data: Path) -> None:
    body = _error(api.post("/api/generate", files=_files(broken_data)), 422)
    assert "未生成报告" in str(body["error"])
    findings = body["findings"]
    assert isinstance(findings, list) and findings
    assert any(f["severity"] == "error" and f["location"].startswith("预算执行!") for f in findings)
    _error(api.post("/api/docx", files=_files(broken_data)), 422)


def test_docx_and_share(api: httpx.Client, example_path: Path) -> None:
    word = api.post("/api/docx", files=_files(example_path, names=("甲局.xlsm",)))
    assert word.status_code == 200 and _saved_name(word) == "甲局-自评报告.docx"
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(word.content)).paragraphs)
    assert "96.67%" in text and "一、基本情况" in text
    share = api.post("/api/share", files=_files(example_path, names=("甲局.xlsm",)))
    assert share.status_code == 200 and _saved_name(share) == "甲局-共享副本.xlsx"
    with zipfile.ZipFile(io.BytesIO(share.content)) as package:
        assert not [n for n in package.namelist() if "vbaProject" in n]


def test_preview_renders_the_report_sheets(api: httpx.Client, example_path: Path, tmp_path: Path) -> None:
    body = api.post("/api/preview", files=_files(example_path)).json()
    # The preview shows exactly the sheets the writer adds (a sheet added to the report shows too).
    generate(example_path, tmp_path / "written.xlsm")
    before = openpyxl.load_workbook(example_path, read_only=True).sheetnames
    added = [n for n in openpyxl.load_workbook(tmp_path / "written.xlsm", read_only=True).sheetnames if n not in before]
    assert [s["name"] for s in body["sheets"]] == added and added[:2] == ["自评报告", "校验结果"]
    report = body["sheets"][0]["html"]
    for figure in ("9,647.82", "96.67%", "66.7%", "97.96", "基数为0，不可比"):
        assert figure in report
    assert "<svg" in report and "<script" not in report
    assert body["cells"].keys() == {c["location"] for c in body["summary"]["checks"] if c["location"]}
    assert 'class="hit"' in body["cells"]["预算执行!F4"]


def test_template_and_example_are_the_committed_workbooks(api: httpx.Client) -> None:
    for path, name in (
        ("/api/template", "部门整体支出绩效自评模板.xlsm"),
        ("/api/example", "部门整体支出绩效自评示例.xlsm"),
    ):
        response = api.get(path)
        assert response.status_code == 200
        assert _saved_name(response) == name
        assert response.content == (TEMPLATES / name).read_bytes()


def test_batch_of_several_files_and_of_a_zip(api: httpx.Client, bureau: list[Path], tmp_path: Path) -> None:
    response = api.post("/api/batch", files=_files(*bureau))
    assert response.status_code == 200 and _saved_name(response) == "部门整体支出绩效自评汇总.xlsx"
    (tmp_path / "a.xlsx").write_bytes(response.content)
    rows = list(openpyxl.load_workbook(tmp_path / "a.xlsx")["汇总"].iter_rows(min_row=4, values_only=True))
    assert sorted(r[2] for r in rows if r[1]) == ["丙局", "乙局", "甲局"]

    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        for path in bureau:
            z.write(path, f"各部门/{path.name}")
        z.writestr("各部门/说明.txt", "不是工作簿")
        z.writestr("各部门/~$甲局.xlsx", "Excel lock file")
        z.writestr(_GbkName("戊局.xlsx"), bureau[0].read_bytes())
    zipped = api.post("/api/batch", files=[("file", ("二〇二三年各部门.zip", archive.getvalue()))])
    assert zipped.status_code == 200 and _saved_name(zipped) == "二〇二三年各部门-汇总.xlsx"
    (tmp_path / "b.xlsx").write_bytes(zipped.content)
    rows = list(openpyxl.load_workbook(tmp_path / "b.xlsx")["汇总"].iter_rows(min_row=4, values_only=True))
    assert sorted(r[1] for r in rows if r[1]) == sorted(["甲局.xlsx", "乙局.xlsx", "丙局.xlsx", "戊局.xlsx"])


def test_batch_streams_progress_then_the_workbook(api: httpx.Client, bureau: list[Path], tmp_path: Path) -> None:
    broken = tmp_path / "损坏.xlsx"
    broken.write_bytes(b"PK\x03\x04broken")
    response = api.post("/api/batch", files=_files(*bureau, broken), headers={"Accept": "application/x-ndjson"})
    assert response.status_code == 200
    events = [json.loads(line) for line in response.text.splitlines()]
    assert events[0] == {"event": "start", "total": 4}
    assert [e["done"] for e in events if e["event"] == "progress"] == [1, 2, 3, 4]
    done = events[-1]
    assert done["event"] == "done"
    failed = [d for d in done["departments"] if d["failure"]]
    assert [d["file"] for d in failed] == ["损坏.xlsx"] and "损坏" in failed[0]["failure"]
    for department in done["departments"][:3]:
        path = next(p for p in bureau if p.name == department["file"])
        assert department["score"] == evaluate_file(path).as_json()["score"]["total"]
    (tmp_path / "s.xlsx").write_bytes(base64.b64decode(done["content"]))
    assert openpyxl.load_workbook(tmp_path / "s.xlsx")["等级统计"]["B6"].value == 3


def test_unusable_uploads_are_400(api: httpx.Client, text_as_workbook: Path, tmp_path: Path) -> None:
    body = _error(api.post("/api/summary", files=_files(text_as_workbook)), 400)
    assert "“数据.xlsx”不是 Excel 工作簿" in str(body["error"])
    _error(api.post("/api/generate", files=_files(text_as_workbook)), 400)
    for wrong_field in ({"other": ("甲局.xlsx", b"PK")}, {"file_1": ("甲局.xlsx", b"PK")}):
        assert "字段名 file" in str(_error(api.post("/api/summary", files=wrong_field), 400)["error"])
    assert "空文件" in str(_error(api.post("/api/summary", files={"file": ("", b"")}), 400)["error"])
    _error(api.post("/api/summary", content=b"{}", headers={"Content-Type": "application/json"}), 400)
    zip_without = io.BytesIO()
    with zipfile.ZipFile(zip_without, "w") as z:
        z.writestr("readme.txt", "x")
    body = _error(api.post("/api/batch", files=[("file", ("空.zip", zip_without.getvalue()))]), 400)
    assert "没有 .xlsx/.xlsm 工作簿" in str(body["error"])
    _error(api.get("/api/nothing"), 404)
    _error(api.get("/api/summary"), 405)


FOREIGN = Path(__file__).resolve().parents[1] / "data" / "foreign"


@pytest.mark.parametrize(
    ("hostile", "said"),
    [
        (lambda wb: FOREIGN / "password.xlsx", "密码"),
        (lambda wb: FOREIGN / "base.xls", "旧版 .xls"),
        (lambda wb: rewrite(wb, "xl/workbook.xml", lambda x: BILLION_LAUGHS + x[x.index(b"?>") + 2 :]), "DOCTYPE"),
        (lambda wb: rewrite(wb, "xl/media/bomb.xml", lambda _: b" " * (8 * 1024 * 1024)), "的工作簿内容解压后过大"),
        (
            lambda wb: rewrite(wb, "xl/worksheets/sheet3.xml", lambda x: x + b" " * (8 * 1024 * 1024)),
            "的工作表“采购合同”解压后过大",
        ),
        (
            lambda wb: _renamed(FOREIGN / "base.xls", wb.with_name("预算表.et")),
            "“预算表.et”是 WPS 表格文件（.et）：请在 WPS 中“另存为”",
        ),
        (lambda wb: FOREIGN / "password.xlsx", "WPS：文件→文档加密→密码加密，清空“打开权限”密码"),
    ],
    ids=["encrypted", "xls", "entities", "zip-bomb", "sheet-bomb", "wps-et", "password-wps"],
)
def test_the_headless_doors_refusals_apply(
    api: httpx.Client, make_workbook: Callable[..., Path], hostile: Callable[[Path], Path], said: str
) -> None:
    path = hostile(make_workbook())
    for endpoint in ("/api/summary", "/api/generate", "/api/share"):
        message = str(_error(api.post(endpoint, files=_files(path)), 400)["error"])
        assert said in message and "xl/" not in message, message
    # The batch door lists the file with the same line (a member of a zip is judged by its name
    # alone, in the same words: web/unzip.py).
    row = api.post("/api/batch", files=_files(path, make_workbook()), headers={"Accept": "application/x-ndjson"})
    failure = json.loads(row.text.splitlines()[-1])["departments"][0]["failure"]
    assert said in failure and "xl/" not in failure, failure


def _renamed(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())  # an OLE compound file, as WPS writes its .et
    return target


def test_a_wps_file_in_a_zip_is_named_with_the_wps_remedy(
    api: httpx.Client, make_workbook: Callable[..., Path]
) -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("各部门/预算表.et", (FOREIGN / "base.xls").read_bytes())
        z.writestr("各部门/甲局.xlsx", make_workbook().read_bytes())
    done = api.post(
        "/api/batch", files=[("file", ("各部门.zip", archive.getvalue()))], headers={"Accept": "application/x-ndjson"}
    )
    rows = {d["file"]: d["failure"] for d in json.loads(done.text.splitlines()[-1])["departments"]}
    assert rows["预算表.et"].startswith("WPS 表格文件（.et），未汇总：请在 WPS 中“另存为” Excel 工作簿（.xlsx）")


DAMAGED = {
    "remove-xl_worksheets_sheet3.xml": "工作表“预算执行”的内容不存在",
    "truncate-end-xl_workbook.xml": "工作簿内容不完整",
    "sheet-listed-twice": "工作表“预算执行2”与另一个工作表指向同一份内容",
}


@pytest.mark.parametrize("variant", sorted(DAMAGED))
def test_a_damaged_package_is_400_with_the_line_naming_the_file_and_part(
    api: httpx.Client, variant: str, tmp_path: Path
) -> None:
    """The web door gives the command line's line for a damaged package (tests/package/malformed.py),
    with the clerk's own file name in it, for summary and generate alike."""
    source = TEMPLATES / "部门整体支出绩效自评示例.xlsm"
    mutate = next(v.mutate for v in variants(source) if v.id == variant)
    path = write_package(mutate(read_members(source)), tmp_path / "外事办.xlsm")
    for endpoint in ("/api/summary", "/api/generate"):
        message = str(_error(api.post(endpoint, files=_files(path)), 400)["error"])
        assert message.startswith("“外事办.xlsm”已损坏：") and DAMAGED[variant] in message, message
        assert "另存" in message and "upload-" not in message and "xl/" not in message


def test_upload_over_the_limit_is_413_before_the_body_is_read(guarded_server: Server) -> None:
    # A declared length over 1 MiB: answered from the head alone, the body is never sent.
    head = (
        "POST /api/summary HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: multipart/form-data; boundary=b\r\n"
        "Content-Length: 5000000\r\nConnection: close\r\n\r\n"
    )
    status, raw = read_response(raw_request(guarded_server.port, head))
    assert status == 413 and "1 MiB" in raw.decode("utf-8", "replace")


def test_chunked_upload_is_counted_and_stopped_at_the_limit(guarded_server: Server) -> None:
    # No declared length: the server counts the bytes as they come and stops at the limit.
    body, kind = multipart([("大文件.xlsx", b"PK" + b"\0" * (1024 * 1024 + 50_000))])
    head = (
        "POST /api/summary HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: {kind}\r\n"
        "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    sock = raw_request(guarded_server.port, head)
    sent = 0
    with contextlib.suppress(OSError):  # the server may close while the client still sends
        while sent < len(body):
            piece = body[sent : sent + 64 * 1024]
            sock.sendall(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            sent += len(piece)
    status, raw = read_response(sock)
    assert status == 413, raw[:200]
    assert wait_empty(guarded_server.temp) == []


def test_files_are_removed_when_the_client_disconnects_mid_upload(guarded_server: Server, example_path: Path) -> None:
    body, kind = multipart([("甲局.xlsm", example_path.read_bytes() * 8)])  # under 1 MiB
    head = (
        "POST /api/generate HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock = raw_request(guarded_server.port, head, body[: len(body) // 2])
    deadline = time.monotonic() + 10
    while not [p for p in guarded_server.temp.rglob("*") if p.is_file()]:  # the upload is on disk…
        assert time.monotonic() < deadline, "the upload never reached the temp folder"
        time.sleep(0.02)
    sock.shutdown(socket.SHUT_RDWR)
    sock.close()  # …and the client goes away
    assert wait_empty(guarded_server.temp) == []


def test_files_are_removed_when_the_client_leaves_while_the_work_runs(
    guarded_server: Server, example_path: Path
) -> None:
    body, kind = multipart([("甲局.xlsm", example_path.read_bytes())])
    head = (
        "POST /api/docx HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock = raw_request(guarded_server.port, head, body)
    time.sleep(0.05)
    sock.close()
    assert wait_empty(guarded_server.temp) == []
    with guarded_server.client(TOKEN) as client:  # and the service goes on
        assert client.post("/api/summary", files=_files(example_path)).status_code == 200


def test_preview_of_data_with_errors_shows_the_checks_only(api: httpx.Client, broken_data: Path) -> None:
    body = api.post("/api/preview", files=_files(broken_data)).json()
    assert body["summary"]["ok"] is False
    assert [s["name"] for s in body["sheets"]] == ["校验结果"]  # a report is never shown for such data
    location = next(c["location"] for c in body["summary"]["checks"] if c["severity"] == "error")
    assert 'class="hit">九百<' in body["cells"][location]


def test_allowed_origins_get_cors_and_others_do_not() -> None:
    from addin.web import WebConfig, create_app

    app = create_app(WebConfig(token=TOKEN, allow_origins=("http://wps.intranet",)))

    async def calls() -> list[httpx.Response]:
        # In-process, without the lifespan: none of these answers needs a worker.
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://door") as client:
            preflight = client.options(
                "/api/summary",
                headers={
                    "Origin": "http://wps.intranet",
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "authorization",
                },
            )
            refused = client.post("/api/summary", headers={"Origin": "http://wps.intranet"})
            other = client.post("/api/summary", headers={"Origin": "http://elsewhere"})
            return list(await asyncio.gather(preflight, refused, other))

    with ThreadPoolExecutor(1) as thread:  # Playwright's sync API may hold this thread's loop
        preflight, refused, other = thread.submit(asyncio.run, calls()).result()
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "http://wps.intranet"
    assert refused.status_code == 401 and refused.headers["access-control-allow-origin"] == "http://wps.intranet"
    assert other.status_code == 401 and "access-control-allow-origin" not in other.headers


def test_batch_rows_show_scores_rounded_half_up() -> None:
    from addin.batch import DepartmentRow
    from addin.web.batch import row_json

    assert row_json(DepartmentRow("甲局.xlsx", score=Decimal("92.385")))["score"] == "92.39"  # not 92.38


def test_files_are_removed_when_the_client_leaves_a_streamed_batch(guarded_server: Server, bureau: list[Path]) -> None:
    body, kind = multipart([(p.name, p.read_bytes()) for p in bureau * 4])
    head = (
        "POST /api/batch HTTP/1.1\r\nHost: x\r\nAccept: application/x-ndjson\r\n"
        f"Authorization: Bearer {TOKEN}\r\nContent-Type: {kind}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    sock = raw_request(guarded_server.port, head, body)
    seen = b""
    while b'"progress"' not in seen:  # the work has begun (files on disk, workers busy)…
        chunk = sock.recv(4096)
        assert chunk, seen
        seen += chunk
    sock.close()  # …and the client goes away: the jobs not started are dropped, the folder removed
    assert wait_empty(guarded_server.temp) == []
    with guarded_server.client(TOKEN) as client:
        assert client.post("/api/summary", files=_files(bureau[0])).status_code == 200
