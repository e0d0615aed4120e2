"""Study tables: column names built from ids never replace one another."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from capacity_model.engine import project
from capacity_model.errors import CapacityModelError
from capacity_model.studies.outcomes import Run, outcome, run
from capacity_model.studies.sweep import axis, sweep
from capacity_model.studies.tables import compare_columns, sweep_columns
from capacity_model.units import parse_month
from tests.cli_helpers import cli
from tests.scenario_data import build, one_link

HALF = {"model": "constant", "value": "50%"}


def with_streams(*ids: str) -> dict[str, Any]:
    """One 1 Tbps link and, besides ``domestic``, a flat 20 Gbps stream with a 50% share per id."""
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["demand"] += [
        {
            "id": stream_id,
            "base": {"value": "20 Gbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "0%"},
            "share": HALF,
        }
        for stream_id in ids
    ]
    return data


MONTH_MESSAGE = (
    "stream id 'month' (its carried share) gives the column 'carried_share_month' of {file}, which "
    "the table also uses for the month of the carried shares; rename the stream"
)


def test_a_stream_named_month_is_refused_in_comparison() -> None:
    runs = [outcome(Run(project(build(with_streams("month")))))]
    with pytest.raises(CapacityModelError) as raised:
        compare_columns(["A"], ["a.yaml"], runs)
    assert str(raised.value) == MONTH_MESSAGE.format(file="comparison.csv")


def test_a_stream_named_months_keeps_both_columns() -> None:
    runs = [outcome(Run(project(build(with_streams("months")))))]
    columns = compare_columns(["A"], ["a.yaml"], runs)
    # Half of the stream is invited, all of it carried: a carried share of 0.5, at the last month.
    assert columns["carried_share_months"] == [0.5]
    assert columns["carried_share_month"] == ["2027-12"]


def test_a_stream_named_month_is_refused_in_a_sweep() -> None:
    s = build(with_streams("month"))
    ends = axis(s, "links.ofc.phases[0].capacity", values="1 Tbps,2 Tbps")
    result = sweep(s, [ends], uncertain=False, jobs=1, carried_at=parse_month("2027-12"))
    with pytest.raises(CapacityModelError) as raised:
        sweep_columns(result)
    assert str(raised.value) == MONTH_MESSAGE.format(file="sweep.csv")


def uncertain(data: dict[str, Any]) -> dict[str, Any]:
    data["uncertainty"] = {
        "samples": 50,
        "seed": 1,
        "parameters": {"demand.domestic.growth.rate": {"dist": "uniform", "low": "20%", "high": "30%"}},
    }
    return data


def test_streams_a_and_a_p10_are_refused_in_comparison_with_uncertainty() -> None:
    # The P10 of the carried share of "a" and the carried share of "a_p10": carried_share_a_p10.
    runs = [outcome(run(build(uncertain(with_streams("a", "a_p10")))))]
    with pytest.raises(CapacityModelError) as raised:
        compare_columns(["A"], ["a.yaml"], runs)
    assert str(raised.value) == (
        "stream id 'a_p10' (its carried share) and stream id 'a' (P10 of its carried share) both give "
        "the column 'carried_share_a_p10' of comparison.csv; rename one of the two streams"
    )


def test_streams_a_and_a_p1_keep_every_column_with_uncertainty() -> None:
    runs = [outcome(run(build(uncertain(with_streams("a", "a_p1")))))]
    columns = compare_columns(["A"], ["a.yaml"], runs)
    # 1 Tbps carries every stream whole in every sample: each carried share is 0.5.
    for name in ("carried_share_a", "carried_share_a_p1", "carried_share_a_p10", "carried_share_a_p1_p10"):
        assert columns[name] == [0.5], name


def test_compare_refuses_a_stream_named_month_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "month.yaml").write_text(yaml.safe_dump(with_streams("month")))
    (tmp_path / "plain.yaml").write_text(yaml.safe_dump(with_streams("other")))
    result = cli("compare", "plain.yaml", "month.yaml", "-o", "out", "--deterministic", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == "error: " + MONTH_MESSAGE.format(file="comparison.csv") + "\n"
    assert not (tmp_path / "out").exists()


def test_compare_gives_n1_outages_and_faults_when_the_scenarios_have_them() -> None:
    """The Pakistan scenario by hand (see tests/test_scenarios.py): N-1 fails first in 2025-02
    and in 171 of 180 months; its two outages do not overlap, so together they lose what each
    loses alone. A single link has no N-1 columns."""
    from capacity_model.scenario_files import load_scenario

    root = Path(__file__).resolve().parents[2]
    scenario = load_scenario(root / "scenarios" / "pakistan-international.yaml")
    result = run(scenario, uncertain=False)
    pakistan = outcome(result)
    assert pakistan.n1_first_failure == parse_month("2025-02") and pakistan.n1_months_failing == 171
    assert result.projection.outages is not None
    alone = sum(float(o.lost_tbps_days(0)) for o in result.projection.outages_alone)
    assert pakistan.outages_lost_tbps_days == pytest.approx(alone)
    single = outcome(Run(project(build(one_link(end="2026-12")))))
    columns = compare_columns(["Pakistan", "one link"], ["a.yaml", "b.yaml"], [pakistan, single])
    assert columns["n1_first_failure_month"] == ["2025-02", ""]
    assert columns["n1_months_failing"] == [171, ""]
    assert columns["outages_lost_tbps_days"][1] == ""
    only_single = compare_columns(["one"], ["b.yaml"], [single])
    assert "n1_months_failing" not in only_single and "outages_lost_tbps_days" not in only_single
