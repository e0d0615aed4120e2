"""Carried traffic by priority, pro rata within a priority, and the carried share."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from numpy.testing import assert_allclose

from capacity_model.engine import project
from capacity_model.engine.allocation import allocate, carried_share, priority_levels
from tests.scenario_data import build, one_link


def test_priorities_by_hand() -> None:
    # Usable 100: A (priority 1) asks 60 and gets it all; B (priority 2) gets the 40 left of its 70.
    a, b = allocate([np.array(60.0), np.array(70.0)], [1, 2], 100.0)
    assert (float(a), float(b)) == (60.0, 40.0)
    # Same priority: 100 shared pro rata to 60 and 90, i.e. 40 and 60.
    a, b = allocate([np.array(60.0), np.array(90.0)], [None, None], 100.0)
    assert (float(a), float(b)) == pytest.approx((40.0, 60.0), rel=1e-15)
    # Streams without a priority come after those with one: C (none) gets what A and B leave.
    a, b, c = allocate([np.array(30.0), np.array(20.0), np.array(80.0)], [2, 1, None], 100.0)
    assert (float(a), float(b), float(c)) == (30.0, 20.0, 50.0)
    # Enough for everyone: each carries its demand.
    assert [float(x) for x in allocate([np.array(3.0), np.array(4.0)], [None, 5], 10.0)] == [3.0, 4.0]
    # No capacity: nothing carried; no demand: nothing carried and no division by zero.
    assert [float(x) for x in allocate([np.array(3.0), np.array(0.0)], [None, None], 0.0)] == [0.0, 0.0]
    assert [float(x) for x in allocate([np.array(0.0), np.array(0.0)], [1, 1], 5.0)] == [0.0, 0.0]


def test_priority_levels() -> None:
    assert priority_levels([None, 3, 1, 3, None]) == [[2], [1, 3], [0, 4]]
    assert priority_levels([None, None]) == [[0, 1]]


def test_allocation_broadcasts_over_samples_and_months() -> None:
    demands = [np.array([[10.0, 20.0], [30.0, 40.0]]), np.array([5.0, 50.0])]  # (2, 2) beside (2,)
    carried = allocate(demands, [1, 2], np.array([[12.0], [100.0]]))
    assert_allclose(carried[0], [[10.0, 12.0], [30.0, 40.0]])
    assert_allclose(carried[1], [[2.0, 0.0], [5.0, 50.0]])


def test_carried_share_is_carried_over_base() -> None:
    assert_allclose(carried_share(np.array([1.0, 0.0, 2.0]), np.array([10.0, 0.0, 4.0])), [0.1, 0.0, 0.5])


def two_streams(domestic_priority: int | None, transit_priority: int | None) -> dict[str, Any]:
    """1 Tbps at 70% (700 Gbps usable); domestic 200 Gbps growing 25%/yr; transit 10% of 30 Tbps growing 22%/yr."""
    data = one_link(capacity="1 Tbps", base="200 Gbps", rate="25%", end="2027-12")
    data["demand"][0]["priority"] = domestic_priority
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "30 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "22%"},
            "share": {"model": "constant", "value": "10%"},
            "priority": transit_priority,
        }
    )
    for stream in data["demand"]:
        if stream["priority"] is None:
            del stream["priority"]
    return data


@pytest.mark.parametrize(
    ("priorities", "expected"),
    [
        # Domestic first: transit gets 700 - D_dom(t) of its base B(t) = 30,000 x 1.22^(k/12).
        ((1, 2), lambda k: (700 - 200 * 1.25 ** (k / 12)) / (30_000 * 1.22 ** (k / 12))),
        # Transit first: it takes all 700 Gbps (its demand, 3 Tbps and more, exceeds it).
        ((2, 1), lambda k: 700 / (30_000 * 1.22 ** (k / 12))),
        # Pro rata: transit carries 700 x T / (D_dom + T), T = 0.1 B, so its carried share is 0.1 x 700 / D.
        (
            (None, None),
            lambda k: 0.1 * 700 / (200 * 1.25 ** (k / 12) + 3000 * 1.22 ** (k / 12)),
        ),
    ],
)
def test_carried_share_with_two_priorities_matches_hand_calculation(priorities: Any, expected: Any) -> None:
    projection = project(build(two_streams(*priorities)))
    k = np.arange(24)
    share = projection.carried_share("transit")
    assert share is not None
    assert_allclose(share, expected(k), rtol=1e-12)
    assert projection.carried_share("domestic") is None  # no share: no carried share
    # Everything usable is carried, and the rest of the demand is unserved.
    total = projection.stream_carried_gbps["domestic"] + projection.stream_carried_gbps["transit"]
    assert_allclose(total, 700.0, rtol=1e-12)
    lost = projection.stream_unserved_gbps("domestic") + projection.stream_unserved_gbps("transit")
    assert_allclose(lost, projection.unserved_gbps, rtol=1e-12)
