"""N-1 on links of known size: what is left, the headroom and the traffic at risk by hand, the
largest link as it changes, risk groups, and what the scenario file may say."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import yaml
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine import project
from capacity_model.engine.resilience import group_loss, largest_link_loss
from capacity_model.errors import ScenarioError
from capacity_model.results.narrative import n_minus_1_line
from capacity_model.results.summary import summary
from capacity_model.results.tables import timeline_columns
from capacity_model.scenario_files import load
from tests.scenario_data import build, one_link


def test_three_links_of_known_size() -> None:
    # a 5, b 3 then 6 from the third month, c 2 [Tbps, here in Gbps]; demand 6,000 Gbps flat.
    links = {
        "a": np.array([5000.0, 5000, 5000, 5000]),
        "b": np.array([3000.0, 3000, 6000, 6000]),
        "c": np.array([2000.0, 2000, 2000, 2000]),
    }
    demand = np.full(4, 6000.0)
    loss = largest_link_loss(links, demand, 1.0)
    assert [loss.lost_at(k) for k in range(4)] == ["a", "a", "b", "b"]
    assert_array_equal(loss.left_gbps, [5000, 5000, 7000, 7000])  # 10 - 5, then 13 - 6
    assert_array_equal(loss.headroom_gbps, [-1000, -1000, 1000, 1000])
    assert_array_equal(loss.at_risk_gbps, [1000, 1000, 0, 0])
    assert loss.first_failure() == 0
    at_80 = largest_link_loss(links, demand, 0.8)  # the survivors may only run at 80%
    assert_allclose(at_80.at_risk_gbps, [2000, 2000, 400, 400])  # 6 - 0.8 x 5, 6 - 0.8 x 7
    group = group_loss(links, demand, 1.0, "landing", ["a", "c"])
    assert_array_equal(group.left_gbps, [3000, 3000, 6000, 6000])
    assert [group.lost_at(k) for k in range(4)] == ["landing"] * 4
    assert group.first_failure() == 0


def test_a_tie_loses_the_first_link_listed_and_nothing_is_left_negative() -> None:
    loss = largest_link_loss({"x": np.array([4.0]), "y": np.array([4.0])}, np.array([1.0]), 1.0)
    assert loss.lost_at(0) == "x" and loss.left_gbps[0] == 4.0 and loss.first_failure() is None
    alone = group_loss({"x": np.array([4.0])}, np.array([1.0]), 1.0, "g", ["x"])
    assert alone.left_gbps[0] == 0.0 and alone.at_risk_gbps[0] == 1.0


def two_links(**changes: object) -> dict[str, object]:
    """a: 3 Tbps; b: 1 Tbps, from 2026-01; demand 2 Tbps growing 25% a year from 2026-01."""
    return one_link(
        base="2 Tbps",
        end="2026-12",
        links=[
            {"id": "a", "name": "Cable A", "phases": [{"capacity": "3 Tbps", "in_service": "2020-01"}]},
            {"id": "b", "phases": [{"capacity": "1 Tbps", "in_service": "2020-01"}]},
        ],
        **changes,
    )


def test_the_headline_json_and_columns_say_when_n1_fails() -> None:
    data = two_links(risk_groups=[{"id": "sea", "name": "Red Sea", "links": ["b"]}])
    data["planning"] = {"max_utilisation": "70%", "emergency_utilisation": "90%"}
    projection = project(build(data))
    # Losing A leaves 1 Tbps, 900 Gbps usable, for 2 Tbps: short from the first month, every month.
    # Losing the Red Sea group (b) leaves 3 Tbps, 2.7 Tbps usable: demand reaches it when
    # 2 x 1.25^(k/12) > 2.7, k > 12 ln 1.35 / ln 1.25 = 16.1: never within 2026.
    assert n_minus_1_line(projection) == (
        "N-1 (links run at up to 90% while one is down): losing the largest link leaves too little from "
        "2026-01: losing Cable A then leaves 1 Tbps for 2 Tbps of demand; short in 12 of 12 months; losing "
        "risk group Red Sea never leaves too little (at least 246 Gbps to spare)."
    )
    block = summary(projection)["n_minus_1"]
    assert block["largest_link"]["first_failure"] == "2026-01" and block["largest_link"]["lost_then"] == "a"
    assert block["largest_link"]["months_failing"] == 12
    assert block["risk_groups"][0]["first_failure"] is None and block["risk_groups"][0]["links"] == ["b"]
    # the least to spare, in 2026-12: 2.7 Tbps - 2 Tbps x 1.25^(11/12) = 245.8 Gbps
    assert block["risk_groups"][0]["least_headroom_gbps"] == pytest.approx(2700 - 2000 * 1.25 ** (11 / 12))
    columns = timeline_columns(projection)
    assert_allclose(columns["n1_at_risk_gbps"], 2000 * 1.25 ** (np.arange(12) / 12) - 900)
    assert_array_equal(columns["n1_sea_capacity_gbps"], np.full(12, 3000.0))


def test_one_link_without_groups_has_no_n1_outputs() -> None:
    projection = project(build(one_link(end="2026-12")))
    assert n_minus_1_line(projection) is None
    assert summary(projection)["n_minus_1"] is None
    assert not [c for c in timeline_columns(projection) if c.startswith("n1_")]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        (
            {"planning": {"max_utilisation": "70%", "emergency_utilisation": "60%"}},
            "planning.emergency_utilisation: 60% is below max_utilisation 70%",
        ),
        ({"risk_groups": [{"id": "g", "links": ["a", "bb"]}]}, "risk_groups[g].links[1]: no link 'bb'"),
        ({"risk_groups": [{"id": "g", "links": ["a", "a"]}]}, "risk_groups[g].links[1]: 'a' is listed twice"),
        ({"risk_groups": [{"id": "g", "links": []}]}, "risk_groups[g].links"),
    ],
)
def test_risk_groups_and_emergency_utilisation_that_make_no_sense_are_refused(
    changes: dict[str, object], message: str, tmp_path: Path
) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(yaml.safe_dump(two_links(**changes), sort_keys=False), encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f"{path}:")  # the file and line named


def test_with_no_capacity_in_service_nothing_is_lost_and_the_headline_says_so() -> None:
    data = two_links()
    for link in data["links"]:  # type: ignore[union-attr]
        link["phases"][0]["in_service"] = "2026-07"
    projection = project(build(data))
    assert projection.n_minus_1.lost_at(0) is None and projection.n_minus_1.lost_at(6) == "a"
    assert summary(projection)["n_minus_1"]["largest_link"]["lost_then"] is None
    line = n_minus_1_line(projection)
    assert line is not None and "from 2026-01: no capacity is in service then for 2 Tbps of demand" in line


def test_a_risk_group_may_not_take_a_links_id(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text(
        yaml.safe_dump(two_links(risk_groups=[{"id": "a", "links": ["b"]}]), sort_keys=False),
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match=r"risk_groups\[a\]\.id: 'a' is also a link's id"):
        load(path)
