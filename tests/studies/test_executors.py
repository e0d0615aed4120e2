"""Studies on a Dask cluster give the numbers of one process; a missing library or an
unreachable scheduler is one clear line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from capacity_model.errors import CapacityModelError
from capacity_model.studies import executors
from capacity_model.studies.executors import run_all
from capacity_model.studies.solve import solve
from capacity_model.studies.sweep import axis, sweep
from tests.scenario_data import build, one_link
from tests.test_hostile_input import BASE, run_in_process


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    distributed = pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        yield cluster.scheduler_address


def uncertain_scenario():  # type: ignore[no-untyped-def]
    data = one_link(capacity="1 Tbps", end="2035-12")
    data["uncertainty"] = {
        "samples": 500,
        "seed": 4,
        "parameters": {"demand.domestic.growth.rate": {"dist": "uniform", "low": "15%", "high": "35%"}},
    }
    return build(data)


def test_a_sweep_on_the_cluster_is_the_sweep_of_one_process(scheduler: str) -> None:
    scenario = uncertain_scenario()
    axes = [axis(scenario, "demand.domestic.base.value", "100 Gbps,150 Gbps,200 Gbps,250 Gbps")]
    here = sweep(scenario, axes, jobs=1)
    there = sweep(scenario, axes, scheduler=scheduler)
    assert there.outcomes == here.outcomes  # every figure, bit for bit: each run has the scenario's seed


def test_a_solve_on_the_cluster_is_the_solve_of_one_process(scheduler: str) -> None:
    scenario = build(one_link(capacity="1 Tbps", end="2035-12"))
    args = (scenario, "demand.domestic.growth.rate", "no shortfall before 2031-01")
    here, there = solve(*args, jobs=1), solve(*args, scheduler=scheduler)
    assert there.answer == here.answer
    assert there.quantity == here.quantity and there.grid == here.grid


def test_the_command_line_sends_a_sweep_to_the_cluster(scheduler: str, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "x.yaml").write_text(BASE, encoding="utf-8")
    base = [
        "sweep",
        str(tmp_path / "x.yaml"),
        "--param",
        "demand.domestic.growth.rate",
        "--values",
        "10%,30%",
    ]
    code_here, _, err = run_in_process([*base, "--jobs", "1", "-o", str(tmp_path / "here")], capsys)
    assert code_here == 0, err
    code_there, _, err = run_in_process(
        [*base, "--scheduler", scheduler, "-o", str(tmp_path / "there")], capsys
    )
    assert code_there == 0, err
    assert (tmp_path / "there" / "sweep.csv").read_bytes() == (tmp_path / "here" / "sweep.csv").read_bytes()


def test_an_unreachable_scheduler_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("distributed", reason="the [dask] extra is not installed")
    monkeypatch.setattr(executors, "CONNECT_SECONDS", 1)
    with pytest.raises(
        CapacityModelError, match=r"^cannot reach the Dask scheduler at tcp://127\.0\.0\.1:1: "
    ):
        run_all(abs, [1, -2], scheduler="tcp://127.0.0.1:1")


def test_without_dask_the_scheduler_option_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed raises ImportError
    with pytest.raises(CapacityModelError) as raised:
        run_all(abs, [1, -2], scheduler="tcp://127.0.0.1:8786")
    assert str(raised.value) == (
        "--scheduler needs Dask's distributed scheduler: pip install 'capacity_model[dask]'"
    )


def test_here_and_on_local_processes_give_the_same_list_in_order() -> None:
    assert (
        run_all(abs, range(-5, 5), jobs=1)
        == run_all(abs, range(-5, 5), jobs=2)
        == [5, 4, 3, 2, 1, 0, 1, 2, 3, 4]
    )
    seen: list[tuple[int, int]] = []
    run_all(abs, [1, 2, 3], jobs=1, progress=lambda d, t: seen.append((d, t)))
    assert seen == [(1, 3), (2, 3), (3, 3)]
