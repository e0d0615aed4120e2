"""A forked child's messages arrive in order; a child that fails is reported, not waited for
forever; cancelling stops a running child and leaves no process behind."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from capacity_model.forking import ChildFailedError, Forked, Send

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def gone(pid: int) -> bool:
    """Whether process ``pid`` has ended and been waited for (no zombie left)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_messages_arrive_in_order_whatever_their_size() -> None:
    big = np.arange(300_000, dtype=float)  # 2.4 MB: many times a pipe's buffer

    def work(send: Send) -> None:
        send("first")
        send(big * 2)
        send({"last": os.getpid()})

    child = Forked(work)
    assert child.receive() == "first"
    np.testing.assert_array_equal(child.receive(), big * 2)
    last = child.receive()
    assert last["last"] != os.getpid()  # computed in another process
    assert child.finish() is True
    assert gone(last["last"])


def test_a_failing_child_is_reported_when_its_message_is_asked_for() -> None:
    def work(send: Send) -> None:
        send(os.getpid())
        raise ValueError("fails after its first message")

    child = Forked(work)
    pid = child.receive()
    with pytest.raises(ChildFailedError):
        child.receive()
    assert gone(pid)


def test_waiting_tells_whether_receive_would_wait() -> None:
    read, write = os.pipe()

    def work(send: Send) -> None:
        os.read(read, 1)  # until the parent lets it go on
        send("done")

    child = Forked(work)
    assert child.waiting() is False
    os.write(write, b"x")
    deadline = time.monotonic() + 10
    while not child.waiting() and time.monotonic() < deadline:
        time.sleep(0.01)
    assert child.receive() == "done"
    assert child.finish() is True
    os.close(read)
    os.close(write)


def test_cancel_stops_a_running_child() -> None:
    def work(send: Send) -> None:
        send(os.getpid())
        time.sleep(60)

    child = Forked(work)
    pid = child.receive()
    start = time.monotonic()
    child.cancel()
    assert time.monotonic() - start < 5
    assert gone(pid)
    child.cancel()  # twice: nothing left to do
    with pytest.raises(ChildFailedError):
        child.receive()


def test_a_child_that_cannot_be_started_is_reported_and_leaks_no_descriptor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_fork() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    def open_descriptors() -> int:
        return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0

    monkeypatch.setattr(os, "fork", no_fork)
    before = open_descriptors()
    with pytest.raises(ChildFailedError, match="cannot start a child process"):
        Forked(lambda send: None)
    assert open_descriptors() == before
