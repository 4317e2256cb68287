"""Peak resident memory of one command, measured so that only the command's own memory counts.

Linux carries a process's peak RSS across ``fork`` and ``exec``: a child started straight from
a big process (pytest after a thousand tests, a benchmark that has just built a 200,000-row
workbook) reports at least its parent's size as its own peak, whatever it used itself. CI saw
301 MiB for a read that peaks at 50 MiB. So the command is started by a small launcher process
(a bare ``python -c``, about 10 MiB), and its peak is taken from ``wait4`` in that launcher.
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass

# communicate() reaps the child, after which wait4 can no longer give its usage; so read the
# pipes in threads and reap with wait4 ourselves.
_LAUNCHER = """
import os, subprocess, sys, threading, time
start = time.perf_counter()
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
chunks = {}
def drain(name, stream):
    chunks[name] = stream.read()
threads = [threading.Thread(target=drain, args=(n, s)) for n, s in (("out", process.stdout), ("err", process.stderr))]
for t in threads:
    t.start()
_, status, usage = os.wait4(process.pid, 0)
elapsed = time.perf_counter() - start
for t in threads:
    t.join()
sys.stdout.buffer.write(chunks["out"])
sys.stderr.buffer.write(chunks["err"])
sys.stderr.write(f"\\n@@peak {os.waitstatus_to_exitcode(status)} {usage.ru_maxrss} {elapsed!r}")
"""


@dataclass(frozen=True)
class Measured:
    """One command's exit code, stdout/stderr (bytes), peak RSS (KiB) and wall time (s)."""

    returncode: int
    stdout: bytes
    stderr: bytes
    peak_kib: int
    seconds: float

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


def measure(command: list[str], timeout: float = 600) -> Measured:
    """Run ``command`` from a small launcher; its exit code, output, own peak RSS and wall time."""
    result = subprocess.run([sys.executable, "-c", _LAUNCHER, *command], capture_output=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"the launcher failed: {result.stderr.decode(errors='replace')}")
    err, _, tail = result.stderr.rpartition(b"\n@@peak ")
    code, peak, seconds = tail.decode().split()
    return Measured(int(code), result.stdout, err, int(peak), float(seconds))
