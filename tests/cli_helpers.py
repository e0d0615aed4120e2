"""Run the command line in a subprocess, as a user would."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``python -m capacity_model ARGS`` in ``cwd``, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "capacity_model", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=300,
        check=False,
    )


def cli_within(
    limit_bytes: int, *args: str | Path, cwd: Path, timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """:func:`cli` in a process whose address space is limited to ``limit_bytes``: allocating
    beyond it fails the run (a MemoryError, or the process killed)."""

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))

    return subprocess.run(
        [sys.executable, "-m", "capacity_model", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=cap,
        check=False,
    )
