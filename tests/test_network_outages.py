"""Scripted outages over a network of corridors, from the file to the outputs: spill-over onto
backup routes and activated capacity by hand, the one-leg case against the corridor's exact
loss, and the network's outages.csv, summary.json and sentences."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from capacity_model.corridors import corridor_scenario
from capacity_model.engine import project
from capacity_model.engine.network import project_network
from capacity_model.scenario_files import load
from tests.cli_helpers import cli

#: Subsea: two links of 1 Tbps; China link: one of 1 Tbps. National traffic 1.5 Tbps over the
#: subsea with the China link as its backup; Pakistan-China traffic 300 Gbps over the China
#: link; all flat, utilisation 100%. Outages: one subsea link for 10 days, then both.
NETWORK = """\
name: Two corridors with a cut
period: {start: 2030-01, end: 2030-12}
planning: {max_utilisation: 100%}
corridors:
  - {id: subsea, name: Karachi subsea}
  - {id: china, name: China link}
links:
  - {id: a1, corridor: subsea, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: a2, corridor: subsea, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: ofc, corridor: china, phases: [{capacity: 1000 Gbps, installed: 2000 Gbps, in_service: 2029-01}]}
demand:
  - id: national
    route: [subsea]
    backup: [[china]]
    base: {value: 1500 Gbps, at: 2030-01}
    growth: {model: cagr, rate: 0%}
  - {id: pk-china, route: [china], base: {value: 300 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
outages:
  - {id: cut-a1, links: [a1], start: 2030-03-10, duration: 10 days}
  - {id: cut-both, links: [a1, a2], start: 2030-06-01, duration: 10 days}
"""


def network_of(tmp_path: Path, text: str = NETWORK):  # type: ignore[no-untyped-def]
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return project_network(load(path).scenario)


def test_one_link_cut_moves_traffic_onto_the_survivor_and_the_backup(tmp_path: Path) -> None:
    network = network_of(tmp_path)
    assert network.outages is not None
    one, both = network.outages.alone
    # One link cut: the subsea keeps 1000 of the 1500; the China link's spare 700 takes the
    # other 500 as backup. Nothing lost; 500 Gbps x 10 days = 5 Tbps·days moved.
    assert one.stream_lost_tbps_days(0, 0) == 0.0
    assert one.stream_moved_tbps_days(0, 0) == pytest.approx(5.0)
    # Both cut: the backup takes 700, 800 are lost: 8 Tbps·days lost, 7 moved.
    assert both.stream_lost_tbps_days(0, 0) == pytest.approx(8.0)
    assert both.stream_moved_tbps_days(0, 0) == pytest.approx(7.0)
    assert both.stream_lost_tbps_days(1, 0) == 0.0  # the backup only takes spare capacity
    assert float(network.outages.together.totals.lost_tbps_days()) == pytest.approx(8.0)


def test_unlit_capacity_of_another_corridor_is_switched_on_after_the_delay(tmp_path: Path) -> None:
    # With a 2-day activation delay the OFC's 1 Tbps of unlit capacity comes on from day 2 of
    # the double cut: the backup then has 1700 spare and carries all 1500. Lost: 800 Gbps for
    # 2 days = 1.6 Tbps·days; moved: 700 x 2 + 1500 x 8 = 13.4 Tbps·days.
    text = NETWORK.replace("max_utilisation: 100%}", "max_utilisation: 100%, activation_delay: 2 days}")
    both = network_of(tmp_path, text).outages.alone[1]  # type: ignore[union-attr]
    assert both.stream_lost_tbps_days(0, 0) == pytest.approx(1.6)
    assert both.stream_moved_tbps_days(0, 0) == pytest.approx(13.4)
    assert float(both.totals.activated_gbps.max()) == pytest.approx(1000.0)


def test_without_a_backup_the_network_loses_what_the_corridor_alone_loses(tmp_path: Path) -> None:
    # National traffic growing 30% a year with no backup: end to end it loses exactly what
    # the subsea corridor's own (exact) outage integral gives, demand interpolated by day.
    text = NETWORK.replace("    backup: [[china]]\n", "").replace(
        "base: {value: 1500 Gbps, at: 2030-01}\n    growth: {model: cagr, rate: 0%}",
        "base: {value: 1500 Gbps, at: 2030-01}\n    growth: {model: cagr, rate: 30%}",
    )
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    scenario = load(path).scenario
    network = project_network(scenario)
    corridor = project(corridor_scenario(scenario, "subsea"))
    assert network.outages is not None and corridor.outages is not None
    for k in range(2):
        expected = float(corridor.outages_alone[k].lost_tbps_days(0))
        assert network.outages.alone[k].stream_lost_tbps_days(0, 0) == pytest.approx(expected, rel=1e-9)
    assert float(network.outages.alone[1].totals.lost_tbps_days(0)) > 10.0  # 2 Tbps-ish x 10 days


def test_the_network_writes_its_outages(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK, encoding="utf-8")
    result = cli("run", path, "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Outages end to end" in result.stdout
    said = " ".join(result.stdout.split())
    assert "national: 8 Tbps·days lost, 7 Tbps·days carried on its backup routes instead" in said
    folder = tmp_path / "out" / "net"
    summary = json.loads((folder / "summary.json").read_text())
    events = {e["id"]: e for e in summary["outages"]["events"]}
    assert events["cut-both"]["lost_tbps_days"] == pytest.approx(8.0)
    assert events["cut-both"]["moved_to_backup_tbps_days"] == pytest.approx(7.0)
    assert events["cut-a1"]["streams"] == [
        {"stream": "national", "lost_tbps_days": 0.0, "moved_to_backup_tbps_days": pytest.approx(5.0)}
    ]
    with (folder / "outages.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 20  # two outages of 10 whole days, a row a day
    both = [r for r in rows if r["outages"] == "cut-both"]
    assert [float(r["lost_national_gbps"]) for r in both] == pytest.approx([800.0] * 10)
    assert [float(r["moved_to_backup_national_gbps"]) for r in both] == pytest.approx([700.0] * 10)
    assert [float(r["usable_subsea_gbps"]) for r in both] == [0.0] * 10
    # each corridor's own report still has its part of the outages (as if the only leg)
    assert (folder / "subsea" / "outages.csv").exists()
    assert not (folder / "china" / "outages.csv").exists()


def test_a_network_without_outages_writes_no_outage_files(tmp_path: Path) -> None:
    text = NETWORK[: NETWORK.index("outages:")]
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    assert project_network(load(path).scenario).outages is None
    result = cli("run", path, "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "out" / "net"
    assert not (folder / "outages.csv").exists()
    assert "outages" not in json.loads((folder / "summary.json").read_text())
