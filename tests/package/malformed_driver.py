"""Runs the command line's verbs over many workbooks, each verb in a process of its own.

``python malformed_driver.py JOBS.json`` where the file holds ``[[id, workbook, out_dir], …]``;
prints one JSON object: id → verb → {"code", "signal", "stdout", "stderr"}.

The interpreter and the product are loaded once; each verb then runs in a forked child with its
file descriptors 1 and 2 pointed at files, so what a clerk's terminal would show (a Rust panic
report written straight to fd 2 included) is what is recorded, and a verb that aborts the process
costs only its child (recorded as a signal). Two children run at a time (CI has 2 cores)."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import IO

# Loaded before forking, so each child starts warm.
import addin.cli
import addin.docx_report
import addin.headless
import addin.package.inject
import addin.share

VERBS: dict[str, list[str]] = {
    "summary": ["summary", "--json", "{wb}"],
    "check": ["check", "{wb}"],
    "generate": ["generate", "{wb}", "-o", "{out}/out{suffix}"],
    "share": ["share", "{wb}", "-o", "{out}/share.xlsx"],
    "docx": ["docx", "{wb}", "-o", "{out}/report.docx"],
}
PARALLEL = 2


def _child(argv: list[str], stdout: int, stderr: int) -> None:
    os.dup2(stdout, 1)
    os.dup2(stderr, 2)
    sys.stdout = os.fdopen(1, "w", encoding="utf-8", closefd=False)
    sys.stderr = os.fdopen(2, "w", encoding="utf-8", closefd=False)
    try:
        code = addin.cli.main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 2
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    tasks = []
    for ident, workbook, out in jobs:
        suffix = Path(workbook).suffix
        for verb, pattern in VERBS.items():
            tasks.append((ident, verb, [a.format(wb=workbook, out=out, suffix=suffix) for a in pattern]))
    results: dict[str, dict[str, dict[str, object]]] = {}
    running: dict[int, tuple[str, str, IO[bytes], IO[bytes]]] = {}
    queue = list(reversed(tasks))
    while queue or running:
        while queue and len(running) < PARALLEL:
            ident, verb, argv = queue.pop()
            out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
            pid = os.fork()
            if pid == 0:
                _child(argv, out.fileno(), err.fileno())
            running[pid] = (ident, verb, out, err)
        pid, status = os.wait()
        ident, verb, out, err = running.pop(pid)
        texts = []
        for handle in (out, err):
            handle.seek(0)
            texts.append(handle.read().decode("utf-8", "replace"))
            handle.close()
        results.setdefault(ident, {})[verb] = {
            "code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "stdout": texts[0],
            "stderr": texts[1],
        }
    json.dump(results, sys.stdout, ensure_ascii=False)


if __name__ == "__main__":
    main()
