"""Tables and summary built from a projection."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from numpy.testing import assert_array_equal

from capacity_model.engine import project
from capacity_model.errors import CapacityModelError
from capacity_model.results import SUMMARY_KEYS, summary, timeline_columns
from capacity_model.results.tables import Columns, Origin
from tests.cli_helpers import cli
from tests.scenario_data import build, one_link


def two_by_two() -> dict[str, object]:
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["links"].append({"id": "new-cable", "phases": [{"capacity": "12 Tbps", "in_service": "2027-01"}]})
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "30 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "22%"},
            "share": {"model": "linear", "start": "0%", "end": "10%", "from": "2026-01", "to": "2027-01"},
        }
    )
    data["targets"] = [{"name": "Big", "capacity": "12 Tbps", "by": "2026-06"}]
    return data


def test_timeline_columns_and_values() -> None:
    projection = project(build(two_by_two()))
    columns = timeline_columns(projection)
    assert list(columns) == [
        "date",
        "capacity_ofc_gbps",
        "capacity_new-cable_gbps",
        "total_capacity_gbps",
        "demand_domestic_gbps",
        "demand_transit_gbps",
        "share_transit",
        "total_demand_gbps",
        "utilisation",
        "headroom_gbps",
        "required_capacity_gbps",
        "gap_gbps",
        "unserved_gbps",
        "n1_capacity_gbps",  # two links: losing the larger one
        "n1_headroom_gbps",
        "n1_at_risk_gbps",
        "carried_domestic_gbps",
        "unserved_domestic_gbps",
        "carried_transit_gbps",
        "unserved_transit_gbps",
        "carried_share_transit",
        "plan_added_gbps",
        "capacity_with_plan_gbps",
    ]
    assert columns["date"][0] == "2026-01" and columns["date"][-1] == "2027-12"
    assert_array_equal(columns["total_capacity_gbps"], np.where(np.arange(24) >= 12, 13000.0, 1000.0))
    assert columns["share_transit"][6] == 0.05  # halfway through the linear ramp
    assert all(len(v) == 24 for v in columns.values())


def test_summary_keys_and_values() -> None:
    projection = project(build(two_by_two()))
    result = summary(projection, "f" * 64)
    assert tuple(result) == SUMMARY_KEYS
    assert result["scenario"] == "Test"
    (target,) = result["targets"]
    # Demand at 2026-06 (5 months in) on exactly 12 Tbps: domestic plus 5/12 of the way to 10% of transit.
    demand = 200 * 1.25 ** (5 / 12) + 30_000 * 1.22 ** (5 / 12) * 0.1 * 5 / 12
    assert target == {
        "name": "Big",
        "capacity_gbps": 12000.0,
        "by": "2026-06",
        "met_month": "2027-01",
        "on_time": False,
        "months_late": 7,
        "utilisation_at_by": target["utilisation_at_by"],
        "needed_gbps": target["needed_gbps"],
        "short_by_gbps": 0.0,
        "status": "late by 7 months",
        "status_code": "late",
        # 12 Tbps against the 1 Tbps lit (and installed) at 2026-01 on the only link in
        # service, which gives no potential: more than is installed, upgrade or new system.
        "takes": "beyond_installed",
        "takes_text": "more than the 1 Tbps installed at 2026-01: new equipment or a new system "
        "(no potential is given for ofc)",
    }
    assert result["capacity_in_place"] == {
        "at": "2026-01",
        "lit_gbps": 1000.0,
        "installed_gbps": 1000.0,
        "potential_gbps": None,
        "links_without_potential": ["ofc"],
    }
    assert target["utilisation_at_by"] == pytest.approx(demand / 12_000, rel=1e-13)
    assert target["needed_gbps"] == pytest.approx(demand / 0.7, rel=1e-13)
    assert [set(e) for e in result["exhaustions"]] == [
        {"month", "order_by", "lead_time_months", "next_phase", "next_phase_enough"}
    ] * len(result["exhaustions"])

    # Usable capacity 70% x 1 Tbps = 700 Gbps until the 12 Tbps cable arrives in 2027-01. Demand
    # in month k: 200 * 1.25^(k/12) + 30,000 * 1.22^(k/12) * 0.1 * k/12 Gbps: 458 Gbps in
    # 2026-02 (k = 1), 724 Gbps in 2026-03 (k = 2), rising; with 13 Tbps (9.1 Tbps usable) it
    # stays below 4.9 Tbps to 2027-12. So one episode, 2026-03 to 2026-12.
    def demand_at(k: int) -> float:
        return 200 * 1.25 ** (k / 12) + 30_000 * 1.22 ** (k / 12) * 0.1 * min(k, 12) / 12

    assert demand_at(1) < 700 < demand_at(2) and demand_at(23) < 9100
    (episode,) = result["shortfall_episodes"]
    assert (episode["start"], episode["end"], episode["months"]) == ("2026-03", "2026-12", 10)
    assert result["months_short"] == 10
    unserved = sum(demand_at(k) - 700 for k in range(2, 12)) / 1000
    assert episode["unserved_tbps_months"] == pytest.approx(unserved, rel=1e-12)
    assert result["unserved_tbps_months"] == pytest.approx(unserved, rel=1e-12)
    assert result["unserved_share"] == pytest.approx(
        unserved * 1000 / sum(map(demand_at, range(24))), rel=1e-12
    )
    assert result["verdict"][0].startswith(
        "No. Big is 7 months late, and demand outgrows capacity from 2026-03"
    )
    assert result["phases"][1] == {
        "link": "new-cable",
        "phase": 1,
        "capacity_gbps": 12000.0,
        "in_service": "2027-01",
        "lead_time_months": 24,
        "order_by": "2025-01",
        "order_by_passed": True,
    }
    assert result["horizon"]["month"] == "2027-12"
    json.dumps(result, allow_nan=False)  # plain JSON, no NaN or inf


def test_no_shortfall_gives_empty_exhaustions_and_no_gap_month() -> None:
    projection = project(build(one_link(capacity="100 Tbps", end="2027-12")))
    result = summary(projection)
    assert result["exhaustions"] == []
    assert result["largest_gap"] == {"gap_gbps": 0.0, "month": None}


def test_utilisation_with_no_capacity_is_inf_in_the_table_and_null_in_json() -> None:
    data = one_link(end="2026-12")
    data["links"][0]["phases"][0]["in_service"] = "2027-01"  # nothing in service during the period
    projection = project(build(data))
    assert np.all(np.isinf(timeline_columns(projection)["utilisation"]))
    result = summary(projection)
    assert result["horizon"]["utilisation"] is None
    assert result["horizon"]["capacity_gbps"] == 0.0
    json.dumps(result, allow_nan=False)


# --- column names built from ids ----------------------------------------------------------------


def test_a_link_id_giving_the_name_of_a_column_of_the_table_is_refused() -> None:
    # capacity_<id>_gbps for the link "with_plan" is capacity_with_plan_gbps: C plus the plan.
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["links"].append({"id": "with_plan", "phases": [{"capacity": "7 Gbps", "in_service": "2020-01"}]})
    with pytest.raises(CapacityModelError) as raised:
        timeline_columns(project(build(data)))
    assert str(raised.value) == (
        "link id 'with_plan' gives the column 'capacity_with_plan_gbps' of timeline.csv, which the "
        "table also uses for the capacity with the plan; rename the link"
    )


def test_a_link_id_near_a_column_name_keeps_both_columns() -> None:
    data = one_link(capacity="1 Tbps", end="2027-12")  # 200 Gbps growing 25%: no upgrade needed
    data["links"].append({"id": "with", "phases": [{"capacity": "7 Gbps", "in_service": "2020-01"}]})
    columns = timeline_columns(project(build(data)))
    assert_array_equal(columns["capacity_with_gbps"], np.full(24, 7.0))
    assert_array_equal(columns["capacity_with_plan_gbps"], np.full(24, 1007.0))


def test_streams_giving_one_column_twice_are_refused() -> None:
    # carried_<id>_gbps of "share_x" and carried_share_<id> of "x_gbps" are both carried_share_x_gbps.
    data = one_link(capacity="1 Tbps", end="2027-12")
    flat = {"model": "cagr", "rate": "0%"}
    data["demand"] += [
        {"id": "share_x", "base": {"value": "10 Gbps", "at": "2026-01"}, "growth": flat},
        {
            "id": "x_gbps",
            "base": {"value": "20 Gbps", "at": "2026-01"},
            "growth": flat,
            "share": {"model": "constant", "value": "50%"},
        },
    ]
    with pytest.raises(CapacityModelError) as raised:
        timeline_columns(project(build(data)))
    assert str(raised.value) == (
        "stream id 'share_x' (its carried traffic) and stream id 'x_gbps' (its carried share) both "
        "give the column 'carried_share_x_gbps' of timeline.csv; rename one of the two streams"
    )
    # Renamed, both columns are there: 10 Gbps carried whole; half of 20 Gbps, carried whole.
    data["demand"][1]["id"] = "share-x"
    columns = timeline_columns(project(build(data)))
    assert_array_equal(columns["carried_share-x_gbps"], np.full(24, 10.0))
    assert_array_equal(columns["carried_x_gbps_gbps"], np.full(24, 10.0))
    assert_array_equal(columns["carried_share_x_gbps"], np.full(24, 0.5))


def test_a_clash_message_says_what_to_rename() -> None:
    table = Columns[list[int]]("t.csv")
    table.add("a_b", [1], Origin("link id 'a'", "link"))
    with pytest.raises(CapacityModelError) as raised:
        table.add("a_b", [2], Origin("stream id 'b' (x)", "stream"))
    assert str(raised.value) == (
        "link id 'a' and stream id 'b' (x) both give the column 'a_b' of t.csv; rename the link or the stream"
    )
    assert table.columns == {"a_b": [1]}  # the first column stays as it was


def test_run_refuses_ids_that_give_one_column_twice_and_writes_nothing(tmp_path: Path) -> None:
    data = one_link(capacity="1 Tbps", end="2027-12")
    data["links"].append({"id": "with_plan", "phases": [{"capacity": "7 Gbps", "in_service": "2020-01"}]})
    (tmp_path / "clash.yaml").write_text(yaml.safe_dump(data))
    result = cli("run", "clash.yaml", "--format", "iamc", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "error: link id 'with_plan' gives the column 'capacity_with_plan_gbps' of timeline.csv, "
        "which the table also uses for the capacity with the plan; rename the link\n"
    )
    assert result.stdout == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clash.yaml"]  # no reports folder
