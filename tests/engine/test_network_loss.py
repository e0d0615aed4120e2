"""Traffic lost in a network while capacity is down: hand calculations (corridors in series,
backups, constant demand), the one-corridor case against the exact integral of
:mod:`capacity_model.engine.outages`, and the error bound of the quadrature."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity_model.engine.network_loss import GAUSS_NODES, GAUSS_WEIGHTS, routed_loss
from capacity_model.engine.routing import route
from capacity_model.engine.shortfalls import positive_part_integral


def test_the_quadrature_integrates_polynomials_of_degree_five_exactly() -> None:
    for degree in range(6):
        rule = sum(w * x**degree for x, w in zip(GAUSS_NODES, GAUSS_WEIGHTS, strict=True))
        assert rule == pytest.approx(1 / (degree + 1), rel=1e-14)


def test_an_outage_of_one_leg_of_two_in_series_on_constant_demand() -> None:
    # Transit 300 Gbps over the China link (usable 700) then the subsea (usable 500, of which
    # local traffic, served first, takes 200). For 10 days the subsea keeps 350: local still
    # gets 200, transit min(300, 700, 350 - 200) = 150. Lost: 150 Gbps x 10 days = 1.5 Tbps·days.
    loss = routed_loss(
        demand_start_gbps=[300.0, 200.0],
        demand_end_gbps=[300.0, 200.0],
        length_days=10.0,
        usable_gbps=[700.0, 350.0],
        usable_anyway_gbps=[700.0, 500.0],
        priorities=[2, 1],
        routes=[[0, 1], [1]],
    )
    assert float(loss.lost_gbps_days[0]) == pytest.approx(150.0 * 10)
    assert float(loss.lost_gbps_days[1]) == 0.0
    assert float(loss.total_lost_gbps_days) == pytest.approx(1500.0)
    assert float(loss.total_demand_gbps_days) == pytest.approx(500.0 * 10)


def test_a_cut_corridor_spills_onto_the_backups_spare_capacity() -> None:
    # National 1500 over the subsea (usable 2000, of which a cut takes all), backup over the
    # China link (usable 1000, of which its own stream takes 300): the backup carries 700,
    # 800 are lost, for 10 days. Without the cut nothing goes on the backup.
    loss = routed_loss(
        [1500.0, 300.0],
        [1500.0, 300.0],
        10.0,
        usable_gbps=[0.0, 1000.0],
        usable_anyway_gbps=[2000.0, 1000.0],
        priorities=[None, None],
        routes=[[0], [1]],
        backups=[[[1]], []],
    )
    assert float(loss.lost_gbps_days[0]) == pytest.approx(800.0 * 10)
    assert float(loss.moved_gbps_days[0]) == pytest.approx(700.0 * 10)
    assert float(loss.lost_gbps_days[1]) == 0.0
    assert float(loss.moved_gbps_days[1]) == 0.0


def test_what_a_stream_gains_when_another_is_stopped_elsewhere_is_not_counted() -> None:
    # Transit 6 over corridors 0 and 1, domestic 4 over corridor 1 (usable 8), one priority.
    # Without the outage both reach theta = 0.8 (corridor 1 full): transit 4.8, domestic 3.2.
    # With corridor 0 down to 2, transit carries 2 and domestic all 4: it gains 0.8 a day,
    # which is not counted against the 2.8 transit loses.
    loss = routed_loss([6.0, 4.0], [6.0, 4.0], 1.0, [2.0, 8.0], [5.0, 8.0], [None, None], [[0, 1], [1]])
    assert float(loss.lost_gbps_days[0]) == pytest.approx(4.8 - 2.0)
    assert float(loss.lost_gbps_days[1]) == 0.0
    assert float(loss.unserved_anyway_gbps_days[1] - loss.unserved_gbps_days[1]) == pytest.approx(0.8)
    assert float(loss.total_lost_gbps_days) == pytest.approx(2.8)


def test_unlit_capacity_switched_on_is_no_gain_of_the_event() -> None:
    # One corridor short anyway (demand 10, usable 8); during the event unlit capacity brings
    # it to 9: the stream carries more, but nothing is counted as lost, nor as gained.
    loss = routed_loss([10.0], [10.0], 1.0, [9.0], [8.0], [None], [[0]])
    assert float(loss.lost_gbps_days[0]) == 0.0 and float(loss.total_lost_gbps_days) == 0.0
    assert float(loss.losing_days) == 0.0


def test_on_one_corridor_without_a_change_of_regime_the_rule_is_exact_at_once() -> None:
    # Demand grows linearly from 900 to 960 over a day, always above the usable 500 (with)
    # and 800 (without): both integrals are linear, so the rule gives the exact loss 300.
    loss = routed_loss([900.0], [960.0], 1.0, [500.0], [800.0], [None], [[0]])
    exact = positive_part_integral(np.array(400.0), np.array(460.0), np.array(1.0)) - positive_part_integral(
        np.array(100.0), np.array(160.0), np.array(1.0)
    )
    assert float(loss.lost_gbps_days[0]) == pytest.approx(float(exact), rel=1e-12)


def test_the_pieces_and_samples_are_evaluated_at_once() -> None:
    # Two samples x three pieces: each piece constant, its loss max(0, D - U) - max(0, D - U0),
    # or 0 where the event leaves more (the second sample's capacity is 300 with it, 250 without).
    demand = np.array([[100.0, 200.0, 300.0], [50.0, 250.0, 400.0]])
    usable = np.array([[80.0, 80.0, 80.0], [300.0, 300.0, 300.0]])
    anyway = np.full((2, 3), 250.0)
    length = np.array([1.0, 0.5, 0.25])
    loss = routed_loss([demand], [demand], length, [usable], [anyway], [None], [[0]])
    expected = np.maximum(0, np.maximum(0, demand - usable) - np.maximum(0, demand - anyway)) * length
    np.testing.assert_allclose(loss.lost_gbps_days[0], expected, rtol=1e-12, atol=1e-12)


@given(
    d0=st.floats(0.0, 1000.0),
    slope=st.floats(-50.0, 50.0),
    usable=st.floats(0.0, 1000.0),
    anyway_extra=st.floats(0.0, 500.0),
    length=st.floats(0.01, 31.0),
)
def test_on_one_corridor_the_adaptive_rule_matches_the_exact_integral(
    d0: float, slope: float, usable: float, anyway_extra: float, length: float
) -> None:
    # Where demand crosses what can be carried inside the piece (a kink: the regime changes),
    # the piece is halved around it: the exact integral, up to rounding.
    d1 = max(0.0, d0 + slope * length)
    anyway = usable + anyway_extra
    loss = routed_loss([d0], [d1], length, [usable], [anyway], [None], [[0]])
    a, b, t = np.array(d0), np.array(d1), np.array(length)
    exact = positive_part_integral(a - usable, b - usable, t) - positive_part_integral(
        a - anyway, b - anyway, t
    )
    demand = length * (d0 + d1) / 2
    assert abs(float(loss.lost_gbps_days[0]) - float(exact)) <= 1e-9 * max(demand, 1.0)


@given(
    d=st.lists(st.floats(1.0, 1000.0), min_size=6, max_size=6),
    slope=st.lists(st.floats(-20.0, 20.0), min_size=3, max_size=3),
    usable=st.lists(st.floats(0.0, 1500.0), min_size=2, max_size=2),
)
def test_in_a_network_the_adaptive_rule_matches_a_fine_midpoint_sum(
    d: list[float], slope: list[float], usable: list[float]
) -> None:
    # Three streams over two corridors (one in series), a backup; a month-long piece. The
    # rule agrees with the midpoint sum over 20,000 slices (whose error is below 1e-6 of the
    # demand: at most one slice per change of regime is off, by at most its demand).
    length = 30.0
    d0 = np.array(d[:3])
    d1 = np.maximum(0.0, d0 + np.array(slope) * length)
    routes, backups = [[0, 1], [1], [0]], [[], [[0]], []]
    loss = routed_loss(list(d0), list(d1), length, usable, [1500.0, 1500.0], [None, 1, None], routes, backups)
    x = (np.arange(20_000) + 0.5) / 20_000
    demand = [a + (b - a) * x for a, b in zip(d0, d1, strict=True)]
    for capacity, got in (
        (usable, loss.unserved_gbps_days),
        ([1500.0, 1500.0], loss.unserved_anyway_gbps_days),
    ):
        carried = route(demand, [None, 1, None], routes, capacity, backups).carried_gbps
        for i in range(3):
            fine = float(np.mean(demand[i] - carried[i])) * length
            assert float(got[i]) == pytest.approx(fine, abs=1e-6 * float(sum(loss.demand_gbps_days)) + 1e-9)
    # what a stream loses is its extra unserved traffic where it is above 0: at least the net
    # difference, at most its unserved traffic; the time lost at most the piece
    tolerance = 1e-9 * float(sum(loss.demand_gbps_days)) + 1e-9
    for i in range(3):
        net = float(loss.unserved_gbps_days[i] - loss.unserved_anyway_gbps_days[i])
        assert (
            max(0.0, net) - tolerance
            <= float(loss.lost_gbps_days[i])
            <= float(loss.unserved_gbps_days[i]) + tolerance
        )
        assert float(loss.moved_gbps_days[i]) >= 0.0
    assert 0.0 <= float(loss.losing_days) <= length + 1e-9
    assert (float(loss.losing_days) > 0) == (float(loss.total_lost_gbps_days) > 0)
