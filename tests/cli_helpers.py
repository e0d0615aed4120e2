"""Run the command line in a subprocess, as a user would."""

from __future__ import annotations

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
