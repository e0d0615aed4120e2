"""Faults drawn at random: their number and the traffic they cost against the Poisson process's
closed forms, losses by hand on faults laid down by hand, and the random numbers' layout (same
seed, same faults, whatever the chunks)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from capacity_model.engine.faults import (
    DAYS_PER_YEAR,
    FaultDraws,
    draw_faults,
    fault_losses,
)
from capacity_model.engine.shortfalls import positive_part_integral

MONTHS = 24
MONTH_STARTS = np.arange(MONTHS + 1) * 30.0  # months of 30 days, to count by hand
YEAR_OF_MONTH = np.arange(MONTHS) // 12


def _losses(draws, members, lit, demand, installed=None, e=1.0, delay=None):
    lit = np.asarray(lit, dtype=float)[None]
    installed = lit if installed is None else np.asarray(installed, dtype=float)[None]
    return fault_losses(
        draws,
        np.asarray(members),
        lit,
        installed,
        np.asarray(demand, dtype=float)[None],
        MONTH_STARTS,
        YEAR_OF_MONTH,
        e,
        delay,
    )


def _by_hand(*faults: tuple[float, float, int]) -> FaultDraws:
    """One sample's faults, each ``(start, end, source)`` [days]."""
    return FaultDraws(
        start_days=np.array([[f[0] for f in faults]]),
        end_days=np.array([[f[1] for f in faults]]),
        source=np.array([[f[2] for f in faults]], dtype=np.int64),
    )


def down_days(rate_per_year: float, repair_days: float, horizon_days: float) -> float:
    """Expected days a link is down over ``[0, T]`` with Poisson faults of rate ``λ`` and repairs
    of exactly ``r`` days (an M/D/∞ queue from empty): ``∫₀ᵀ (1 − e^{−λ·min(t, r)}) dt =
    r − (1 − e^{−λr})/λ + (T − r)(1 − e^{−λr})`` for ``T ≥ r``."""
    lam = rate_per_year / DAYS_PER_YEAR
    busy = 1 - np.exp(-lam * repair_days)
    return repair_days - busy / lam + (horizon_days - repair_days) * busy


TWO_LINKS = [[10.0] * MONTHS, [10.0] * MONTHS]
FLAT_12 = [12.0] * MONTHS


def test_a_fault_by_hand_with_and_without_activation() -> None:
    # a down for days 5-15: 10 Gbps left for 12, 2 Gbps lost a day: 20 Gbps·days. With b's
    # 4 Gbps of unlit capacity on after 3 days: 2 x 3 = 6 Gbps·days.
    draws = _by_hand((5.0, 15.0, 0))
    plain = _losses(draws, [[True, False]], TWO_LINKS, FLAT_12)
    assert plain.lost_tbps_days.sum() == pytest.approx(0.020)
    assert plain.losing_days.sum() == pytest.approx(10.0)
    assert plain.demand_tbps_days[0, 0] == pytest.approx(12 * 360 / 1000)
    installed = [[10.0] * MONTHS, [14.0] * MONTHS]
    on = _losses(draws, [[True, False]], TWO_LINKS, FLAT_12, installed=installed, delay=3.0)
    assert on.lost_tbps_days.sum() == pytest.approx(0.006)
    assert on.losing_days.sum() == pytest.approx(3.0)


def test_overlapping_faults_count_the_time_down_once_and_groups_take_all_their_links() -> None:
    # Two faults of a (days 0-10 and 5-20): a is down 20 days, 2 Gbps lost: 40 Gbps·days.
    # A group fault (source 1: a and b) on days 400-401 loses all 12 Gbps for a day, in year 2.
    draws = _by_hand((0.0, 10.0, 0), (5.0, 20.0, 0), (400.0, 401.0, 1))
    losses = _losses(draws, [[True, False], [True, True]], TWO_LINKS, FLAT_12)
    assert_allclose(losses.lost_tbps_days[0], [0.040, 0.012])
    assert_array_equal(losses.faults, [3])


def test_only_the_loss_because_of_the_fault_counts() -> None:
    # Demand 25 Gbps on 20 Gbps: 5 Gbps are lost anyway. With a down, 15 are lost: 10 because
    # of the fault, for 10 days.
    losses = _losses(_by_hand((30.0, 40.0, 0)), [[True, False]], TWO_LINKS, [25.0] * MONTHS)
    assert losses.lost_tbps_days.sum() == pytest.approx(0.100)


def test_demand_crossing_what_is_left_inside_a_month() -> None:
    # Demand from 8 (day 0) to 14 (day 30), linear; a down all month: 10 Gbps left. Lost:
    # the triangle above 10 from day 10 to day 30, (30 - 10) x 4 / 2 = 40 Gbps·days.
    demand = [8.0, 14.0] + [14.0] * (MONTHS - 2)
    losses = _losses(_by_hand((0.0, 30.0, 0)), [[True, False]], TWO_LINKS, demand)
    assert losses.lost_tbps_days.sum() == pytest.approx(0.040, rel=1e-12)
    assert losses.losing_days.sum() == pytest.approx(20.0)


@pytest.mark.parametrize(
    ("f0", "f1", "expected"),
    [(2.0, 4.0, 3.0), (-2.0, -1.0, 0.0), (-1.0, 3.0, 9 / 8), (3.0, -1.0, 9 / 8), (0.0, 0.0, 0.0)],
)
def test_positive_part_of_a_line(f0: float, f1: float, expected: float) -> None:
    assert positive_part_integral(np.array(f0), np.array(f1), np.array(1.0)) == pytest.approx(expected)


def test_counts_and_losses_match_the_poisson_closed_forms() -> None:
    # λ = 2 faults a year on a, repairs of exactly 10 days, over 720 days. Expected faults: λT.
    # a is down at t when a fault began in (t - 10, t]: P = 1 - exp(-λ min(t, 10)) (an M/D/∞
    # queue), so the expected loss is 2 Gbps x ∫ P dt. Tolerance: four standard errors.
    rows, rate, repair = 4000, 2.0, 10.0
    horizon = MONTH_STARTS[-1]
    draws = draw_faults(np.full((rows, 1), rate), np.full((rows, 1), repair), np.zeros(1), horizon, 11, 0)
    expected_count = rate * horizon / DAYS_PER_YEAR
    assert abs(draws.counts.mean() - expected_count) < 4 * np.sqrt(expected_count / rows)
    losses = _losses(draws, [[True, False]], TWO_LINKS, FLAT_12)
    lost = losses.lost_tbps_days.sum(axis=1) * 1000  # Gbps·days
    expected = 2.0 * down_days(rate, repair, horizon)
    assert abs(lost.mean() - expected) < 4 * lost.std() / np.sqrt(rows)
    # lognormal repairs: the mean repair is m·exp(σ²/2)
    sigma = 0.8
    long = draw_faults(np.full((rows, 1), 5.0), np.full((rows, 1), 1.0), np.array([sigma]), 3650.0, 3, 0)
    durations = (long.end_days - long.start_days)[long.source >= 0]
    assert abs(durations.mean() - np.exp(sigma**2 / 2)) < 4 * durations.std() / np.sqrt(durations.size)


@settings(max_examples=20, deadline=None)
@given(cut=st.integers(1, 700), first=st.integers(0, 600), rate=st.floats(0.1, 30.0))
def test_the_same_sample_gets_the_same_faults_whatever_the_chunks(cut: int, first: int, rate: float) -> None:
    rows = 700
    rates = np.full((rows, 2), rate)
    rates[:, 1] = np.linspace(0.0, 2 * rate, rows)  # other samples' rates do not matter
    medians = np.full((rows, 2), 5.0)
    sigma = np.array([0.5, 0.0])
    whole = draw_faults(rates, medians, sigma, 3000.0, 5, first)
    parts = [
        draw_faults(rates[:cut], medians[:cut], sigma, 3000.0, 5, first),
        draw_faults(rates[cut:], medians[cut:], sigma, 3000.0, 5, first + cut),
    ]
    for k, part in enumerate(parts):
        span = slice(0, cut) if k == 0 else slice(cut, rows)
        n = part.start_days.shape[1]
        assert_array_equal(part.start_days, whole.start_days[span, :n])
        assert_array_equal(part.source, whole.source[span, :n])
        assert np.all(whole.source[span, n:] < 0)
    # a sample's faults of source 0 do not change with source 1's rate
    again = draw_faults(np.stack([rates[:, 0], np.zeros(rows)], axis=1), medians, sigma, 3000.0, 5, first)
    mine = whole.source == 0
    assert_array_equal(
        np.sort(np.where(mine, whole.start_days, np.inf), axis=1)[:, : mine.sum(1).max()],
        np.sort(np.where(again.source == 0, again.start_days, np.inf), axis=1)[:, : mine.sum(1).max()],
    )


def test_more_faults_at_a_higher_rate_on_the_same_random_numbers() -> None:
    low = draw_faults(np.full((300, 1), 1.0), np.full((300, 1), 5.0), np.zeros(1), 5000.0, 9, 0)
    high = draw_faults(np.full((300, 1), 2.0), np.full((300, 1), 5.0), np.zeros(1), 5000.0, 9, 0)
    assert np.all(high.counts >= low.counts)  # arrivals = gaps / λ: a higher λ only adds faults
