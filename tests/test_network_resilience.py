"""N-1 end to end over a network of corridors: losing the largest link of each corridor, or a
risk group spanning corridors, with spill-over onto backup routes, by hand; and the network's
sentences, summary.json and routes.csv columns."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pytest

from capacity_model.engine.network import project_network
from capacity_model.scenario_files import load
from tests.cli_helpers import cli

#: Subsea: a1 1000 and a2 600 Gbps; China link: the OFC, 1000 Gbps lit of 1500 installed.
#: National traffic 1500 over the subsea, the China link as its backup; Pakistan-China traffic
#: 300 over the China link; flat, at up to 100% in an emergency.
NETWORK = """\
name: N-1 in a network
period: {start: 2030-01, end: 2030-12}
planning: {max_utilisation: 100%}
corridors:
  - {id: subsea, name: Karachi subsea}
  - {id: china, name: China link}
links:
  - {id: a1, corridor: subsea, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: a2, corridor: subsea, phases: [{capacity: 600 Gbps, in_service: 2029-01}]}
  - {id: ofc, corridor: china, phases: [{capacity: 1000 Gbps, installed: 1500 Gbps, in_service: 2029-01}]}
risk_groups:
  - {id: karakoram, links: [a2, ofc]}
demand:
  - id: national
    route: [subsea]
    backup: [[china]]
    base: {value: 1500 Gbps, at: 2030-01}
    growth: {model: cagr, rate: 0%}
  - {id: pk-china, route: [china], base: {value: 300 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
"""


def network_of(tmp_path: Path, text: str = NETWORK):  # type: ignore[no-untyped-def]
    path = tmp_path / "net.yaml"
    path.write_text(text, encoding="utf-8")
    return project_network(load(path).scenario)


def test_losing_each_corridors_largest_link_and_a_group_by_hand(tmp_path: Path) -> None:
    network = network_of(tmp_path)
    subsea, china, group = network.n_minus_1
    # a1 lost: the subsea keeps 600 of national's 1500; the backup has 1000 - 300 = 700 spare:
    # 1500 - 600 - 700 = 200 at risk, all national, in every month.
    assert subsea.corridor == "subsea" and set(subsea.lost) == {"a1"}
    assert subsea.at_risk_gbps == pytest.approx(np.full(12, 200.0))
    assert subsea.stream_at_risk_gbps[1] == pytest.approx(np.zeros(12))
    # the OFC lost: Pakistan-China traffic loses its 300; national still fits in 1600
    assert set(china.lost) == {"ofc"}
    assert china.stream_at_risk_gbps[1] == pytest.approx(np.full(12, 300.0))
    assert china.stream_at_risk_gbps[0] == pytest.approx(np.zeros(12))
    # a2 and the OFC together: national 1500 - 1000 = 500 (no backup left), Pakistan-China 300
    assert group.group == "karakoram"
    assert group.at_risk_gbps == pytest.approx(np.full(12, 800.0))
    assert group.first_failure() == 0 and int(group.failing.sum()) == 12
    assert not group.short_anyway_gbps.any()  # without a loss everything fits at 100%
    assert network.n_minus_1_activated == ()  # no activation delay


def test_unlit_capacity_in_another_corridor_carries_the_spill_after_activation(tmp_path: Path) -> None:
    # With an activation delay the OFC's 500 unlit come on when a1 is lost: the backup then has
    # 1500 - 300 = 1200 spare, and national's 900 fits. Losing the OFC itself, its own unlit
    # capacity stays off: Pakistan-China traffic still loses 300.
    text = NETWORK.replace("max_utilisation: 100%}", "max_utilisation: 100%, activation_delay: 2 days}")
    subsea, china, group = network_of(tmp_path, text).n_minus_1_activated
    assert subsea.first_failure() is None and not subsea.at_risk_gbps.any()
    assert china.at_risk_gbps == pytest.approx(np.full(12, 300.0))
    assert group.at_risk_gbps == pytest.approx(np.full(12, 800.0))


def test_the_network_reports_n_minus_1(tmp_path: Path) -> None:
    path = tmp_path / "net.yaml"
    path.write_text(NETWORK, encoding="utf-8")
    result = cli("run", path, "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    said = " ".join(result.stdout.split())
    assert (
        "losing the largest link of Karachi subsea leaves streams short from 2030-01 (a1 then): "
        "200 Gbps at risk (national 200 Gbps); short in 12 of 12 months" in said
    )
    folder = tmp_path / "out" / "net"
    summary = json.loads((folder / "summary.json").read_text())["n_minus_1"]
    assert [(s["corridor"], s["group"]) for s in summary["losses"]] == [
        ("subsea", None),
        ("china", None),
        (None, "karakoram"),
    ]
    group = summary["losses"][2]
    assert group["streams_at_risk_then_gbps"] == {"national": 500.0, "pk-china": 300.0}
    assert group["first_failure"] == "2030-01" and group["months_failing"] == 12
    assert summary["after_activation"] is None
    with (folder / "routes.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["n1_largest_subsea_at_risk_gbps"]) for r in rows] == [200.0] * 12
    assert [float(r["n1_group_karakoram_at_risk_gbps"]) for r in rows] == [800.0] * 12


def test_after_activation_the_part_short_anyway_is_never_more_than_the_traffic_at_risk(
    tmp_path: Path,
) -> None:
    # Subsea a1 (1000 lit of 1500) and a2 (1000); China ofc (1000 of 2000) and ofc2 (500 of 800).
    # Transit 300 (priority 1) over China then subsea; national 2500 over the subsea, China as
    # backup; Pakistan-China 1000 over China. Without a loss:
    # transit 300 first; national 1700 on the subsea, Pakistan-China 1000 on China, 200 spare
    # there for national's backup: national short 600. Losing a1 with the survivors' unlit
    # capacity on (ofc 1000 + ofc2 300): the subsea keeps 1000, transit takes 300 of it, national
    # 700; China has 2800, Pakistan-China 1000, the backup 1500: national short 300. Of those
    # 300 at risk, 300 would be short anyway (not the 600 short without a loss).
    text = """\
name: Activation
period: {start: 2030-01, end: 2030-03}
planning: {max_utilisation: 100%, activation_delay: 3 days}
corridors: [{id: s}, {id: c}]
links:
  - {id: a1, corridor: s, phases: [{capacity: 1000 Gbps, installed: 1500 Gbps, in_service: 2029-01}]}
  - {id: a2, corridor: s, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: ofc, corridor: c, phases: [{capacity: 1000 Gbps, installed: 2000 Gbps, in_service: 2029-01}]}
  - {id: ofc2, corridor: c, phases: [{capacity: 500 Gbps, installed: 800 Gbps, in_service: 2029-01}]}
demand:
  - {id: national, route: [s], backup: [[c]], base: {value: 2500 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
  - {id: pk, route: [c], base: {value: 1000 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
  - {id: transit, route: [c, s], priority: 1, base: {value: 300 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
"""
    network = network_of(tmp_path, text)
    subsea = network.n_minus_1_activated[0]
    assert subsea.at_risk_gbps == pytest.approx(np.full(3, 300.0))
    assert subsea.short_anyway_gbps == pytest.approx(np.full(3, 300.0))
    assert network.n_minus_1[0].stream_short_anyway_gbps[0] == pytest.approx(np.full(3, 600.0))
    for loss in network.n_minus_1 + network.n_minus_1_activated:
        assert np.all(loss.short_anyway_gbps <= loss.at_risk_gbps + 1e-9)


def test_a_corridor_with_nothing_in_service_loses_nothing_and_switches_nothing_on(tmp_path: Path) -> None:
    # Corridor n's only link enters service in 2031. Pakistan-China 100 over [c, n] carries
    # nothing; national 2500 over s (1000) with c (1000 lit of 2000) as backup: short 500.
    # Losing n's largest link in 2030 loses nothing, so nothing is switched on: 600 at risk,
    # as without a loss.
    text = """\
name: Nothing in service
period: {start: 2030-01, end: 2030-02}
planning: {max_utilisation: 100%, activation_delay: 3 days}
corridors: [{id: s}, {id: c}, {id: n}]
links:
  - {id: a1, corridor: s, phases: [{capacity: 1000 Gbps, in_service: 2029-01}]}
  - {id: ofc, corridor: c, phases: [{capacity: 1000 Gbps, installed: 2000 Gbps, in_service: 2029-01}]}
  - {id: nl, corridor: n, phases: [{capacity: 1000 Gbps, in_service: 2031-01}]}
demand:
  - {id: national, route: [s], backup: [[c]], base: {value: 2500 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
  - {id: pk, route: [c, n], base: {value: 100 Gbps, at: 2030-01}, growth: {model: cagr, rate: 0%}}
"""
    network = network_of(tmp_path, text)
    new = network.n_minus_1_activated[2]
    assert new.corridor == "n" and new.lost == (None, None)
    assert new.at_risk_gbps == pytest.approx(np.full(2, 600.0))
    assert new.short_anyway_gbps == pytest.approx(np.full(2, 600.0))
