"""Scripted outages in time: traffic lost by hand on constant and linear demand, shares and
rates, switching on unlit capacity after a delay, overlapping outages, and invariants."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine.outages import OutageWindow, outage_losses, segments

#: Three months of 31, 30 and 31 days: the first day of each and of the month after.
MONTH_STARTS = np.array([0.0, 31.0, 61.0, 92.0])


def _losses(windows, lit, demand, installed=None, e=1.0, delay=None):
    lit = np.asarray(lit, dtype=float)
    return outage_losses(
        windows,
        lit,
        lit if installed is None else np.asarray(installed, dtype=float),
        np.asarray(demand, dtype=float),
        MONTH_STARTS,
        e,
        delay,
    )


TWO_LINKS = [[10.0, 10.0, 10.0], [10.0, 10.0, 10.0]]  # a and b, 10 Gbps each
FLAT_12 = [12.0, 12.0, 12.0]


def test_a_whole_link_lost_on_constant_demand() -> None:
    # 20 Gbps, a lost for 10 days: 10 Gbps left for 12 Gbps of demand, 2 Gbps lost a day.
    window = OutageWindow(start_day=3, duration_days=10, links=(0,), lost_share=1.0)
    losses = _losses([window], TWO_LINKS, FLAT_12)
    assert losses.lost_tbps_days(0) == pytest.approx(2 * 10 / 1000)
    assert losses.demand_tbps_days(0) == pytest.approx(12 * 10 / 1000)
    assert losses.lost_share(0) == pytest.approx(2 / 12)
    assert losses.lost_on_day_gbps(0, 0, window) == pytest.approx(2.0)
    assert losses.lost_on_day_gbps(0, 7, window) == pytest.approx(2.0)
    assert losses.lost_on_day_gbps(0, 10, window) == 0.0  # back after 10 days
    assert_allclose(losses.segments.length_days.sum(), 10.0)


def test_a_part_day_and_a_lower_emergency_utilisation() -> None:
    # 5.5 days at e = 90%: 0.9 x 10 = 9 Gbps usable, 3 Gbps lost, also over the last half day.
    window = OutageWindow(start_day=0, duration_days=5.5, links=(1,), lost_share=1.0)
    losses = _losses([window], TWO_LINKS, FLAT_12, e=0.9)
    assert losses.lost_tbps_days(0) == pytest.approx(3 * 5.5 / 1000)
    assert losses.lost_on_day_gbps(0, 5, window) == pytest.approx(3.0)  # mean over the half day


def test_a_rate_is_shared_by_capacity_and_capped() -> None:
    # 5 Gbps over a and b: 15 left for 12, nothing lost; 30 Gbps takes both whole, all 12 lost.
    small = OutageWindow(start_day=0, duration_days=2, links=(0, 1), lost_gbps=5.0)
    losses = _losses([small], TWO_LINKS, FLAT_12)
    assert_allclose(losses.capacity_lost_gbps, 5.0)
    assert losses.lost_tbps_days(0) == 0.0
    large = OutageWindow(start_day=0, duration_days=2, links=(0, 1), lost_gbps=30.0)
    losses = _losses([large], TWO_LINKS, FLAT_12)
    assert_allclose(losses.capacity_lost_gbps, 20.0)
    assert losses.lost_tbps_days(0) == pytest.approx(12 * 2 / 1000)
    uneven = OutageWindow(start_day=0, duration_days=1, links=(0, 1), lost_gbps=9.0)
    losses = _losses([uneven], [[30.0] * 3, [15.0] * 3], FLAT_12)
    assert_allclose(losses.capacity_lost_gbps, 9.0)  # 6 from a, 3 from b: 20% of each


def test_unlit_capacity_comes_on_after_the_delay() -> None:
    # b has 14 Gbps installed, 10 lit; a is lost for 10 days. Until the delay 2 Gbps are lost a
    # day, then 14 usable carry all 12: 2 x 1.5 = 3 Gbps·days with a 1.5-day delay.
    installed = [[10.0] * 3, [14.0] * 3]
    window = OutageWindow(start_day=4, duration_days=10, links=(0,), lost_share=1.0)
    losses = _losses([window], TWO_LINKS, FLAT_12, installed=installed, delay=1.5)
    assert losses.lost_tbps_days(0) == pytest.approx(3 / 1000)
    assert losses.lost_on_day_gbps(0, 0, window) == pytest.approx(2.0)
    assert losses.lost_on_day_gbps(0, 1, window) == pytest.approx(1.0)
    assert_allclose(losses.activated_gbps.max(), 4.0)
    never = _losses([window], TWO_LINKS, FLAT_12, installed=installed, delay=None)
    assert never.lost_tbps_days(0) == pytest.approx(20 / 1000)
    # the dark capacity of the link that is hit stays off
    hit_dark = _losses([window], TWO_LINKS, FLAT_12, installed=[[14.0] * 3, [10.0] * 3], delay=0.5)
    assert hit_dark.lost_tbps_days(0) == pytest.approx(20 / 1000)


def test_demand_linear_between_months_is_integrated_exactly() -> None:
    # One link of 100 Gbps lost for the whole of the second month (30 days): everything is lost,
    # demand runs linearly from 10 (its first day) to 13 (the third month's first day).
    window = OutageWindow(start_day=31, duration_days=30, links=(0,), lost_share=1.0)
    losses = _losses([window], [[100.0] * 3], [7.0, 10.0, 13.0])
    assert losses.lost_tbps_days(0) == pytest.approx(30 * (10 + 13) / 2 / 1000, rel=1e-12)


def test_a_month_boundary_inside_the_window() -> None:
    # Capacity of the only link steps from 10 to 20 at day 31; the outage takes 60% of it
    # from day 29 for 4 days: 4 Gbps left for 2 days, then 8 Gbps for 2 days, demand 9.
    window = OutageWindow(start_day=29, duration_days=4, links=(0,), lost_share=0.6)
    losses = _losses([window], [[10.0, 20.0, 20.0]], [9.0, 9.0, 9.0])
    assert losses.lost_tbps_days(0) == pytest.approx((5 * 2 + 1 * 2) / 1000)


def test_overlapping_outages_on_different_links() -> None:
    # a out on days 0-4, b on days 2-6, three links of 10 Gbps, demand 12: alone each leaves
    # 20 (no loss); together 10 are left on days 2-4, 2 Gbps lost a day there.
    a = OutageWindow(start_day=0, duration_days=4, links=(0,), lost_share=1.0)
    b = OutageWindow(start_day=2, duration_days=4, links=(1,), lost_share=1.0)
    losses = _losses([a, b], [[10.0] * 3] * 3, FLAT_12)
    assert losses.lost_tbps_days(0) == pytest.approx(4 / 1000)
    assert losses.lost_tbps_days(1) == pytest.approx(4 / 1000)
    assert losses.lost_tbps_days() == pytest.approx(4 / 1000)  # the common days once
    assert losses.demand_tbps_days() == pytest.approx(12 * 6 / 1000)


def test_segments_are_cut_at_days_ends_and_the_activation() -> None:
    window = OutageWindow(start_day=1, duration_days=2.25, links=(0,), lost_share=1.0)
    seg = segments([window], activation_delay_days=0.5)
    assert_allclose(seg.start_days, [1, 1.5, 2, 3])
    assert_allclose(seg.length_days, [0.5, 0.5, 1, 0.25])
    assert_array_equal(seg.activated, [False, True, True, True])


@settings(max_examples=60, deadline=None)
@given(
    lit=st.lists(st.floats(1.0, 1000.0), min_size=2, max_size=4),
    dark=st.floats(0.0, 500.0),
    demand=st.floats(0.0, 3000.0),
    growth=st.floats(0.0, 500.0),
    share=st.floats(0.01, 1.0),
    start=st.floats(0.0, 40.0),
    duration=st.floats(1 / 24, 45.0),
    delay=st.one_of(st.none(), st.floats(0.0, 20.0)),
    e=st.floats(0.5, 1.0),
)
def test_invariants_and_samples(lit, dark, demand, growth, share, start, duration, delay, e) -> None:
    links = np.array([[c] * 3 for c in lit])
    installed = links + dark
    demand_m = np.array([demand, demand + growth, demand + 2 * growth])
    window = OutageWindow(start_day=start, duration_days=duration, links=(0,), lost_share=share)
    losses = _losses([window], links, demand_m, installed=installed, e=e, delay=delay)
    assert np.all(losses.lost_gbps >= 0)
    assert np.all(losses.lost_gbps <= losses.demand_gbps + 1e-9)
    assert losses.segments.length_days.sum() == pytest.approx(duration)
    assert np.all(losses.segments.length_days <= 1 + 1e-9)
    # losing more never loses less traffic
    worse = _losses(
        [OutageWindow(start, duration, (0,), lost_share=1.0)], links, demand_m, installed, e, delay
    )
    assert worse.lost_tbps_days(0) >= losses.lost_tbps_days(0) - 1e-12
    # a sample axis gives each sample's own answer
    stacked = _losses(
        [window],
        np.stack([links, 2 * links]),
        np.stack([demand_m, demand_m]),
        np.stack([installed, 2 * installed]),
        e,
        delay,
    )
    doubled = _losses([window], 2 * links, demand_m, 2 * installed, e, delay)
    assert_allclose(stacked.lost_tbps_days(0), [losses.lost_tbps_days(0), doubled.lost_tbps_days(0)])
