"""Where the runs of a study are evaluated: here, on this machine's cores, or on a Dask cluster.

Every study evaluates independent runs (the points of a sweep, the grid of a solve) through
one interface, ``map(function, items)`` in order, as :class:`concurrent.futures.Executor`
gives it. ``--jobs N`` uses a process pool on this machine; ``--scheduler ADDRESS`` sends the
runs to a Dask distributed scheduler (``pip install 'capacity_model[dask]'``) through the
executor its client offers. Each run carries its scenario's seed, so the results do not
depend on where or in what order they ran: a cluster gives the numbers of ``--jobs 1``.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from ..errors import CapacityModelError
from ..forking import cores

__all__ = ["cores", "run_all"]

#: Seconds to wait for a Dask scheduler to answer before saying it cannot be reached.
CONNECT_SECONDS = 10

_T = TypeVar("_T")
_R = TypeVar("_R")


def _ignore_interrupts() -> None:
    """In a worker: leave Ctrl-C to the main process, which stops the pool and cleans up."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def _dask(address: str) -> Iterator[Any]:
    try:
        from distributed import Client
    except ImportError:
        raise CapacityModelError(
            "--scheduler needs Dask's distributed scheduler: pip install 'capacity_model[dask]'"
        ) from None
    try:
        client = Client(address, timeout=f"{CONNECT_SECONDS}s", set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise CapacityModelError(f"cannot reach the Dask scheduler at {address}: {error}") from None
    try:
        yield client.get_executor()
    finally:
        client.close()


def run_all(
    function: Callable[[_T], _R],
    items: Iterable[_T],
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[_R]:
    """``[function(item) for item in items]``, evaluated on a Dask cluster (``scheduler``, its
    address), on ``jobs`` processes of this machine (default: every core, never more), or
    here when one is enough. ``function`` and the items must pickle (a module-level function
    and plain data). ``progress(done, total)`` is called as results arrive, in order."""
    tasks = list(items)
    results: list[_R] = []

    def collect(mapped: Iterable[_R]) -> list[_R]:
        for done, result in enumerate(mapped, start=1):
            results.append(result)
            if progress:
                progress(done, len(tasks))
        return results

    if scheduler is not None:
        with _dask(scheduler) as executor:
            return collect(executor.map(function, tasks))
    jobs = min(jobs or cores(), cores(), len(tasks))
    if jobs <= 1:
        return collect(function(task) for task in tasks)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_interrupts) as pool:
        return collect(pool.map(function, tasks, chunksize=max(1, len(tasks) // (8 * jobs))))
