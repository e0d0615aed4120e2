"""Shortfall episodes, months short and unserved traffic, against closed forms and hand sums."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine import project
from capacity_model.engine import shortfalls as sf
from tests.engine.test_projection import JAN_2026, exhaustion_month_by_formula
from tests.scenario_data import build, one_link


@pytest.mark.parametrize(
    ("capacity_gbps", "base_gbps", "rate", "threshold"),
    [(1000.0, 200.0, 0.25, 0.7), (4000.0, 900.0, 0.30, 0.5), (12000.0, 100.0, 0.60, 0.8)],
)
def test_unserved_volume_and_months_short_match_closed_forms(
    capacity_gbps: float, base_gbps: float, rate: float, threshold: float
) -> None:
    """Constant capacity C, demand D0 q^t with q = (1 + r)^(1/12), threshold u, months t = 0..N-1.

    Short from the exhaustion month T on, so months short = N - T, and the unserved volume is the
    geometric sum  sum_{t=T}^{N-1} (D0 q^t - u C) = D0 (q^T - q^N) / (1 - q) - (N - T) u C.
    """
    scenario = build(
        one_link(
            capacity=f"{capacity_gbps} Gbps",
            base=f"{base_gbps} Gbps",
            rate=f"{rate * 100}%",
            threshold=f"{threshold * 100}%",
            end="2045-12",
        )
    )
    projection = project(scenario)
    months = len(projection.months)  # N = 240
    first = exhaustion_month_by_formula(capacity_gbps, base_gbps, rate, threshold)  # T
    assert 0 < first < months
    q = (1 + rate) ** (1 / 12)
    volume_gbps = base_gbps * (q**first - q**months) / (1 - q) - (months - first) * threshold * capacity_gbps
    assert projection.months_short == months - first
    assert projection.unserved_tbps_months == pytest.approx(volume_gbps / 1000, rel=1e-11)
    total_demand = base_gbps * (1 - q**months) / (1 - q)
    assert projection.unserved_share == pytest.approx(volume_gbps / total_demand, rel=1e-11)
    (episode,) = projection.episodes
    assert (episode.start, episode.end, episode.months) == (
        JAN_2026 + first,
        JAN_2026 + months - 1,
        months - first,
    )
    assert episode.ongoing
    assert episode.peak_month == JAN_2026 + months - 1  # demand grows: the gap peaks at the end
    assert episode.peak_gap_gbps == pytest.approx(base_gbps * q ** (months - 1) / threshold - capacity_gbps)
    assert episode.unserved_tbps_months == pytest.approx(volume_gbps / 1000, rel=1e-11)
    # Monthly unserved traffic is demand above usable capacity, and threshold x the gap.
    assert_allclose(
        projection.unserved_gbps, np.maximum(0, projection.demand_gbps - threshold * capacity_gbps), atol=1e-9
    )
    assert_allclose(projection.unserved_gbps, threshold * projection.gap_gbps, rtol=1e-12, atol=1e-9)


def test_episodes_by_hand() -> None:
    months = np.arange(100, 110)
    headroom = np.array([5.0, -1.0, -3.0, 2.0, 0.0, -2.0, -6.0, -4.0, 1.0, -1.0])
    gap = np.maximum(0.0, -headroom) / 0.5
    unserved = np.maximum(0.0, -headroom)
    episodes = sf.episodes(months, headroom, gap, unserved)
    assert [(e.start, e.end, e.months, e.ongoing) for e in episodes] == [
        (101, 102, 2, False),
        (105, 107, 3, False),
        (109, 109, 1, True),
    ]
    assert [e.peak_month for e in episodes] == [102, 106, 109]
    assert [e.peak_gap_gbps for e in episodes] == [6.0, 12.0, 2.0]
    assert [e.unserved_tbps_months for e in episodes] == pytest.approx([0.004, 0.012, 0.001])
    assert sf.months_short(headroom) == 6  # zero headroom is not short
    assert sf.episodes(months, -headroom * 0 + 1, gap, unserved) == ()


def test_summaries_act_along_the_months_axis() -> None:
    headroom = np.array([[1.0, -1.0, -2.0], [-1.0, 1.0, 1.0]])
    unserved = np.maximum(0.0, -headroom)
    demand = np.array([[10.0, 10.0, 20.0], [5.0, 5.0, 5.0]])
    assert_array_equal(sf.months_short(headroom), [2, 1])
    assert_allclose(sf.unserved_tbps_months(unserved), [0.003, 0.001])
    assert_allclose(sf.unserved_share(unserved, demand), [3 / 40, 1 / 15])
    assert sf.unserved_share(np.zeros(3), np.zeros(3)) == 0.0  # no demand: nothing unserved


def test_unserved_is_zero_exactly_in_months_that_are_not_short() -> None:
    demand = np.array([100.0, 70.0, 69.0, 0.0])
    capacity = np.array([100.0, 100.0, 100.0, 0.0])
    unserved = sf.unserved_gbps(demand, capacity, 0.7)
    assert_allclose(unserved, [30.0, 0.0, 0.0, 0.0], atol=1e-12)
    assert math.isclose(unserved[0], 30.0)


def test_runs() -> None:
    assert sf.runs(np.array([True, True, False, True])) == [(0, 2), (3, 4)]
    assert sf.runs(np.array([False, False])) == []
