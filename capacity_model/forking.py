"""Work done beside this process, in a forked child that sends its results back through a pipe.

A run has work that does not depend on other work: the report's pages that need no Monte
Carlo result can be drawn while the samples are computed, and groups of pages can be drawn
on both cores at once. With a second core, :class:`Forked` runs such
work in a child process: the child inherits everything this process has built (no input is
pickled), runs ``work(send)``, and each ``send(message)`` reaches the parent, pickled, in
order. The child then exits without running any cleanup of this process.

The child only computes and writes into its pipe: it holds no lock the parent could need, and
numpy's thread pool is idle, so forking is safe here (Python 3.12 warns about forking any
process with threads; that warning is silenced for this call). Ctrl-C is the parent's to
handle; :meth:`Forked.cancel` stops the child. A child that fails (an error, a signal, killed
for memory), or that cannot be started, is reported as :class:`ChildFailedError`, and the
caller does the work itself.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import warnings
from collections.abc import Callable
from typing import Any

__all__ = ["ChildFailedError", "Forked", "can_fork", "cores"]

Send = Callable[[Any], None]
_LENGTH = struct.Struct("!Q")


class ChildFailedError(Exception):
    """The child ended before sending the message asked for."""


def cores() -> int:
    """Cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether work can run beside this process: ``os.fork`` and a second core."""
    return hasattr(os, "fork") and cores() >= 2


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


class Forked:
    """``work(send)`` running in a forked child; the parent reads what it sends with
    :meth:`receive`, in order. Requires ``os.fork`` (see :func:`can_fork`)."""

    def __init__(self, work: Callable[[Send], None]) -> None:
        read, write = os.pipe()
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings(
                    "ignore", message=".*multi-threaded.*fork", category=DeprecationWarning
                )
                pid = os.fork()
        except OSError as error:  # no process to be had (too many, or no memory for one)
            os.close(read)
            os.close(write)
            raise ChildFailedError(f"cannot start a child process: {error.strerror or error}") from None
        if pid == 0:  # the child: work, send, then leave without running any cleanup
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                os.close(read)

                def send(message: Any) -> None:
                    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
                    _write_all(write, _LENGTH.pack(len(data)) + data)

                work(send)
                code = 0
            finally:
                os._exit(code)
        self._pid: int | None = pid  # first, so that cancel() can stop the child from here on
        self._fd: int | None = read
        self._buffer = bytearray()
        os.close(write)

    def _fill(self, count: int) -> bool:
        """Read until ``count`` bytes are buffered; False if the pipe ends first."""
        while len(self._buffer) < count:
            if self._fd is None:
                return False
            chunk = os.read(self._fd, max(1 << 16, count - len(self._buffer)))
            if not chunk:
                return False
            self._buffer += chunk
        return True

    def receive(self) -> Any:
        """The next message the child sent; waits for it. Raises :class:`ChildFailedError` (and
        stops the child) if the child ended without sending it."""
        if not self._fill(_LENGTH.size):
            self.cancel()
            raise ChildFailedError("the child process ended before sending its results")
        (length,) = _LENGTH.unpack(self._buffer[: _LENGTH.size])
        if not self._fill(_LENGTH.size + length):
            self.cancel()
            raise ChildFailedError("the child process ended while sending its results")
        data = bytes(self._buffer[_LENGTH.size : _LENGTH.size + length])
        del self._buffer[: _LENGTH.size + length]
        return pickle.loads(data)

    def waiting(self) -> bool:
        """Whether something has arrived that :meth:`receive` would not wait for (a message
        or the end of the pipe)."""
        if self._buffer or self._fd is None:
            return True
        poller = select.poll()  # not select(): it fails for descriptors above 1023
        poller.register(self._fd, select.POLLIN)
        return bool(poller.poll(0))

    def finish(self) -> bool:
        """Wait for the child to exit; whether it succeeded (messages not yet read are lost)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        if self._pid is None:
            return False
        pid, self._pid = self._pid, None
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:  # already waited for elsewhere: its outcome is unknown
            return False
        return os.waitstatus_to_exitcode(status) == 0

    def cancel(self) -> None:
        """Stop the child if it still runs, and release the pipe."""
        if self._pid is not None:
            pid, self._pid = self._pid, None
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        self._buffer.clear()
