"""``capacity-model watch``: re-validate and re-run a scenario each time it is saved.

The loop of an analyst is: edit the YAML, save, read the answer. On each save of the
scenario (or of any file it extends) the watcher checks the files and projects the central
case in this process, and prints the problems or the verdict at once (a tenth of a second,
well within half a second of the save); then it writes the full report in the background
with ``capacity-model run``, which stages every file and moves them into place only when
all are written. A save that comes while a report is being written stops that run (the
earlier report stays whole) and starts the next one.

Saves are noticed by polling the files' modification times and sizes (no extra
dependency; a fifth of a second between looks).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import CapacityModelError, ScenarioError

__all__ = ["Fingerprint", "Watch", "fingerprint", "report_command"]

#: Seconds between looks at the files.
POLL_SECONDS = 0.2
#: Seconds a changed file must stay unchanged before it is read: editors write in steps.
SETTLE_SECONDS = 0.05

Fingerprint = tuple[tuple[str, int | None, int | None], ...]


def fingerprint(paths: Sequence[Path]) -> Fingerprint:
    """Each file's path, modification time [ns] and size; ``None`` for a file that is missing."""
    marks: list[tuple[str, int | None, int | None]] = []
    for path in paths:
        try:
            status = path.stat()
            marks.append((str(path), status.st_mtime_ns, status.st_size))
        except OSError:
            marks.append((str(path), None, None))
    return tuple(marks)


@dataclass
class Watch:
    """What the watcher does on each save, given by the command line.

    ``check`` loads and projects the scenario and returns the files it was made of (the file,
    then each file it extends) and the text to print; it raises :class:`ScenarioError` or
    :class:`CapacityModelError` for a file that cannot run. ``report`` is the command that
    writes the full report. ``say`` and ``warn`` print to stdout and stderr.
    """

    file: Path
    check: Callable[[], tuple[list[Path], str]]
    report: list[str]
    say: Callable[[str], None]
    warn: Callable[[str], None]
    runs: int | None = None
    """Stop after this many saves have been run and their reports written (for scripts, tests)."""

    def loop(self) -> int:
        """Watch until interrupted (or :attr:`runs` are done); return the exit code (0)."""
        watched = [self.file]
        seen: Fingerprint | None = None
        writing: subprocess.Popen[bytes] | None = None
        done = 0
        try:
            while True:
                now = fingerprint(watched)
                if now != seen:
                    time.sleep(SETTLE_SECONDS)
                    # The files as they are read now: a save made during the check still counts.
                    before = {entry[0]: entry for entry in fingerprint(watched)}
                    writing = self._stop(writing)
                    watched, writing = self._once(watched)
                    # The files of this scenario, parents included.
                    seen = tuple(before.get(str(p)) or fingerprint([p])[0] for p in watched)
                    done += 1
                if writing is not None and writing.poll() is not None:
                    self._finished(writing)
                    writing = None
                if self.runs is not None and done >= self.runs and writing is None:
                    return 0
                time.sleep(POLL_SECONDS)
        finally:
            self._stop(writing)

    def _once(self, watched: list[Path]) -> tuple[list[Path], subprocess.Popen[bytes] | None]:
        """Check and project the scenario, print the outcome, and start writing its report;
        return the files to watch from now on and the report being written."""
        stamp = time.strftime("%H:%M:%S")
        try:
            files, text = self.check()
        except ScenarioError as error:
            self.warn(f"[{stamp}] {self.file}: not run; fix the file and save it again:")
            for problem in error.problems:
                self.warn(f"  {problem}")
            # A problem in a file it extends: watch that file too, so that its fix is run.
            named = [Path(p.file) for p in error.problems if p.file and Path(p.file).is_file()]
            return list(dict.fromkeys([*watched, *named])), None
        except CapacityModelError as error:
            self.warn(f"[{stamp}] {self.file}: not run: {error}")
            return watched, None
        self.say(f"[{stamp}] {text}")
        self.say("  writing the full report in the background...")
        process = subprocess.Popen(self.report, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        return files, process

    def _finished(self, process: subprocess.Popen[bytes]) -> None:
        errors = process.stderr.read().decode(errors="replace").strip() if process.stderr else ""
        if process.returncode == 0:
            self.say(f"  report written ({time.strftime('%H:%M:%S')}); watching {self.file} for changes")
        else:
            self.warn(f"  the report was not written: {errors or f'exit code {process.returncode}'}")

    @staticmethod
    def _stop(process: subprocess.Popen[bytes] | None) -> None:  # returns None: "writing = _stop(...)"
        """Stop a report being written: ``run`` ends cleanly on SIGTERM, the earlier report whole."""
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process is not None and process.stderr is not None:
            process.stderr.close()
        return None


def report_command(executable: str, file: Path, output: Path, extra: Sequence[str]) -> list[str]:
    """The ``capacity-model run`` command that writes the full report of ``file`` into ``output``."""
    return [executable, "-m", "capacity_model", "run", os.fspath(file), "-o", os.fspath(output), "-q", *extra]
