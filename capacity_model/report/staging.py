"""Write output folders all at once or not at all, safe against interruption and concurrency.

Files are first written into a staging folder beside their destination
(``.<name>.<pid>.<random>.partial``). Only when every folder of a command is staged are the
files moved into place, by renames that the operating system makes atomic file by file; the
moves of one command run with SIGINT and SIGTERM held back and under an exclusive lock on the
destination's parent folder, so an interrupted or concurrent run never leaves a mixture of
two reports. A failure or an interruption before that removes the staging folders; staging
folders left by a process that was killed outright are removed by the next run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX
    fcntl = None  # type: ignore[assignment]

__all__ = ["Staged", "commit", "discard", "stage", "write_atomically"]

Content = str | Callable[[Path], None]


@dataclass
class Staged:
    """A folder's files written into a staging folder, waiting to be moved into place."""

    folder: Path
    """The destination."""
    staging: Path
    """Where the files are now."""
    names: list[str] = field(default_factory=list)
    """The files, in the order they are moved."""
    stale: tuple[str, ...] = ()
    """Files of an earlier run to remove from the destination (outputs this run does not write)."""
    stale_folders: tuple[str, ...] = ()
    """Sub-folders of an earlier run to remove from the destination, each only if it holds
    nothing but files named in :attr:`removable` (a folder a user added to stays)."""
    removable: frozenset[str] = frozenset()
    """Names of the files a stale sub-folder may hold to be removed."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def _prefix(name: str) -> str:
    """The start of the staging folder's name for ``name``: at most 100 bytes of it, so that
    with the process id, a random part and ``.partial`` it stays within the 255 bytes a file
    name may have."""
    kept = ""
    for character in name:
        if len(os.fsencode(kept + character)) > 100:
            break
        kept += character
    return f".{kept}."


def _remove_abandoned(parent: Path, name: str) -> None:
    """Remove staging folders of ``name`` left by processes that no longer run."""
    pattern = re.compile(rf"^{re.escape(_prefix(name))}(\d+)\..*\.partial$")
    with contextlib.suppress(OSError):
        for entry in parent.iterdir():
            found = pattern.match(entry.name)
            if found and entry.is_dir() and not _alive(int(found.group(1))):
                shutil.rmtree(entry, ignore_errors=True)


def stage(
    folder: Path,
    contents: Mapping[str, Content],
    stale: Sequence[str] = (),
    stale_folders: Sequence[str] = (),
    removable: frozenset[str] = frozenset(),
) -> Staged:
    """Write ``contents`` (file name -> text, or a function writing the file at a path) into a
    staging folder beside ``folder``. On any error, or an interruption, the staging folder is
    removed and the error raised."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder.parent, folder.name)
    staging = Path(
        tempfile.mkdtemp(prefix=f"{_prefix(folder.name)}{os.getpid()}.", suffix=".partial", dir=folder.parent)
    )
    staged = Staged(
        folder, staging, stale=tuple(stale), stale_folders=tuple(stale_folders), removable=removable
    )
    try:
        for name, content in contents.items():
            if isinstance(content, str):
                (staging / name).write_text(content, encoding="utf-8")
            else:
                content(staging / name)
            staged.names.append(name)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return staged


@contextlib.contextmanager
def _uninterrupted() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for the duration (delivered afterwards), where possible."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):  # pragma: no cover - not on POSIX
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` (a directory), released at the end; a no-op without fcntl."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock


def commit(staged: Sequence[Staged]) -> list[Path]:
    """Move every staged file into place, then remove the staging folders.

    Runs uninterrupted and, folder by folder, under a lock on the destination's parent, so
    that two commands writing one folder at once end with one run's files, not a mixture.

    Returns the paths written.
    """
    written: list[Path] = []
    try:
        with _uninterrupted():
            for item in staged:
                with _locked(item.folder.parent):
                    item.folder.mkdir(parents=True, exist_ok=True)
                    for name in item.names:
                        os.replace(item.staging / name, item.folder / name)
                        written.append(item.folder / name)
                    for name in item.stale:
                        with contextlib.suppress(FileNotFoundError):
                            (item.folder / name).unlink()
                    for name in item.stale_folders:
                        _remove_outputs_folder(item.folder / name, item.removable)
    finally:
        discard(staged)
    return written


def _remove_outputs_folder(folder: Path, removable: frozenset[str]) -> None:
    """Remove ``folder`` if it is a real folder (not a link) holding only files named in
    ``removable``; leave it otherwise."""
    if folder.is_symlink() or not folder.is_dir():
        return
    entries = list(folder.iterdir())
    if all(e.name in removable and e.is_file() and not e.is_symlink() for e in entries):
        for entry in entries:
            with contextlib.suppress(FileNotFoundError):
                entry.unlink()
        with contextlib.suppress(OSError):
            folder.rmdir()


def discard(staged: Sequence[Staged]) -> None:
    """Remove staging folders (what is already moved into place stays)."""
    for item in staged:
        shutil.rmtree(item.staging, ignore_errors=True)


def write_atomically(folder: Path, contents: Mapping[str, Content], stale: Sequence[str] = ()) -> list[Path]:
    """Write files into ``folder``: all of them, or none (see :func:`stage` and :func:`commit`).

    Returns the paths written.
    """
    return commit([stage(folder, contents, stale)])
