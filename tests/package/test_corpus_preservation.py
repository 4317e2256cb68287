"""Over every real .xlsx/.xlsm of the shared corpus: the report goes in, nothing else changes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import python_calamine

from addin.errors import AddinError
from addin.headless import generate

from .preservation import Diff


def corpus_root() -> Path | None:
    here = Path(__file__).resolve()
    candidates = [os.environ.get("JIXIAO_CORPUS", ""), here.parents[3] / "shared" / "corpus", "/work/shared/corpus"]
    for candidate in candidates:
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def corpus_files() -> list[Path]:
    root = corpus_root()
    if root is None:
        return []
    return sorted(p for p in root.rglob("*") if p.suffix.lower() in (".xlsx", ".xlsm") and p.is_file())


def _report_unreadable(path: Path) -> list[str]:
    """An independent reader (calamine) must find the report and its total score."""
    try:
        with python_calamine.CalamineWorkbook.from_path(str(path)) as wb:
            rows = wb.get_sheet_by_name("自评报告").to_python()
    except Exception as exc:  # any failure to read is what this reports
        return [f"calamine: {type(exc).__name__}: {exc}"]
    values = {v for row in rows for v in row}
    return [] if 97.96 in values else ["calamine: no 97.96 in 自评报告"]


def test_every_corpus_workbook_keeps_every_other_part(example_path: Path, tmp_path: Path) -> None:
    files = corpus_files()
    if not files:
        pytest.skip("the shared corpus is not on this machine (set JIXIAO_CORPUS)")
    preserved = refused = 0
    failures: list[str] = []
    for i, source in enumerate(files):
        work = tmp_path / f"{i}{source.suffix}"
        shutil.copyfile(source, work)
        out = tmp_path / f"{i}-out{source.suffix}"
        try:
            generate(work, out, data_from=example_path)
        except AddinError as exc:
            refused += 1
            assert exc.exit_code == 2 and exc.message, source
            assert not out.exists(), f"{source}: output written despite refusal"
            continue
        diff = Diff(work, out)
        problems = diff.untouched_parts_differing() + diff.bookkeeping_differing()
        problems += _report_unreadable(out)
        if problems:
            failures.append(f"{source.relative_to(corpus_root() or source.parent)}: {problems[:4]}")
        else:
            preserved += 1
        out.unlink()
        work.unlink()
    print(
        f"\ncorpus preservation: {preserved} preserved, {refused} refused with a message, "
        f"{len(failures)} failed, of {len(files)} tried"
    )
    assert not failures, "\n".join(failures[:20])
    assert preserved > 0.95 * len(files)
