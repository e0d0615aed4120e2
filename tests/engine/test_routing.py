"""Routing over corridors in series: hand calculations, the single-corridor case equal to the
pro-rata allocation, and the invariants of progressive filling."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity_model.engine.allocation import allocate
from capacity_model.engine.routing import route


def test_transit_over_two_legs_carries_the_tighter_legs_spare_capacity() -> None:
    # Corridor 0: the China link, 5 Tbps usable; corridor 1: Karachi subsea, 8 Tbps usable,
    # of which domestic traffic (served first) takes 4. Transit asks 6 over both legs.
    routed = route([4.0, 6.0], [1, 2], [[1], [0, 1]], [5.0, 8.0])
    domestic, transit = routed.carried_gbps
    assert domestic == pytest.approx(4.0)
    assert transit == pytest.approx(min(6.0, 5.0, 8.0 - 4.0))  # the subsea leg's spare: 4
    assert [float(x) for x in routed.left_gbps] == pytest.approx([1.0, 0.0])


def test_streams_of_one_priority_grow_together_until_a_corridor_is_full() -> None:
    # Transit 6 over corridors 0 (5) and 1 (8), domestic 4 over corridor 1 only, one priority.
    # theta rises to min(5/6, 8/(6+4)) = 0.8, where corridor 1 is full: both stop there.
    routed = route([6.0, 4.0], [None, None], [[0, 1], [1]], [5.0, 8.0])
    assert [float(x) for x in routed.carried_gbps] == pytest.approx([4.8, 3.2])
    assert [float(x) for x in routed.left_gbps] == pytest.approx([0.2, 0.0])


def test_a_stream_stopped_elsewhere_leaves_room_for_the_others() -> None:
    # Corridor 0 (2) holds transit back to theta = 2/6; domestic on corridor 1 (8) goes on
    # growing, to min(1, (8 - 2) / 4) = 1: it carries all 4, and 2 of corridor 1 stay unused.
    routed = route([6.0, 4.0], [None, None], [[0, 1], [1]], [2.0, 8.0])
    assert [float(x) for x in routed.carried_gbps] == pytest.approx([2.0, 4.0])
    assert [float(x) for x in routed.left_gbps] == pytest.approx([0.0, 2.0])


def test_a_backup_takes_what_the_route_could_not_carry_from_spare_capacity_only() -> None:
    # Transit 6 on corridor 0 (usable 2); backup over corridor 2 (usable 10, of which a
    # stream of its own takes 7): the backup carries min(6 - 2, 10 - 7) = 3.
    routed = route([6.0, 7.0], [None, None], [[0], [2]], [2.0, 0.0, 10.0], backups=[[[2]], []])
    assert float(routed.on_route_gbps[0]) == pytest.approx(2.0)
    assert [float(x) for x in routed.on_backup_gbps[0]] == pytest.approx([3.0])
    assert routed.on_backup_gbps[1] == []
    assert [float(x) for x in routed.carried_gbps] == pytest.approx([5.0, 7.0])


def test_second_backups_are_used_after_every_first_one() -> None:
    routed = route([10.0], [None], [[0]], [1.0, 2.0, 4.0], backups=[[[1], [2]]])
    assert [float(x) for x in routed.on_backup_gbps[0]] == pytest.approx([2.0, 4.0])
    assert float(routed.carried_gbps[0]) == pytest.approx(7.0)


def test_every_first_backup_is_filled_before_any_second_one() -> None:
    # Stream 0: route over corridor 0 (nothing usable), backups [1] (nothing) then [2] (5).
    # Stream 1: route over corridor 3 (nothing), backup [2]. Stream 1's first backup is
    # filled before stream 0's second: corridor 2 goes to stream 1. (Stream by stream, in
    # turn, stream 0 would have taken it.)
    routed = route([5.0, 5.0], [None, None], [[0], [3]], [0.0, 0.0, 5.0, 0.0], backups=[[[1], [2]], [[2]]])
    first, second = ([float(x) for x in b] for b in routed.on_backup_gbps)
    assert first == pytest.approx([0.0, 0.0]) and second == pytest.approx([5.0])


def test_a_backup_never_displaces_traffic_on_its_own_route_whatever_the_priorities() -> None:
    # Stream 0 (priority 1, first) has nothing usable on its route; its backup is corridor 1,
    # the route of stream 1 (priority 2), which fills it: the backup finds nothing spare.
    routed = route([5.0, 5.0], [1, 2], [[0], [1]], [0.0, 5.0], backups=[[[1]], []])
    assert [float(x) for x in routed.carried_gbps] == pytest.approx([0.0, 5.0])


def test_arrays_over_samples_and_months_give_each_element_its_own_answer() -> None:
    rng = np.random.default_rng(7)
    demands = [rng.uniform(0, 10, (3, 5)) for _ in range(3)]
    usable = [rng.uniform(0, 12, (3, 5)), rng.uniform(0, 12, (1, 5))]
    routes = [[0], [0, 1], [1]]
    whole = route(demands, [None, 1, None], routes, usable).carried_gbps
    for s in range(3):
        for m in range(5):
            one = route(
                [d[s, m] for d in demands], [None, 1, None], routes, [usable[0][s, m], usable[1][0, m]]
            ).carried_gbps
            assert [float(x[s, m]) for x in whole] == pytest.approx([float(x) for x in one], abs=1e-12)


amounts = st.floats(min_value=0.0, max_value=1e4, allow_nan=False, allow_infinity=False)


@given(
    demands=st.lists(amounts, min_size=1, max_size=6),
    priorities=st.lists(st.one_of(st.none(), st.integers(0, 3)), min_size=6, max_size=6),
    usable=st.floats(min_value=-10.0, max_value=2e4, allow_nan=False),
)
def test_on_one_corridor_routing_is_the_pro_rata_allocation(
    demands: list[float], priorities: list[int | None], usable: float
) -> None:
    chosen = priorities[: len(demands)]
    routed = route(demands, chosen, [[0]] * len(demands), [usable]).carried_gbps
    expected = allocate(demands, chosen, usable)
    assert [float(x) for x in routed] == pytest.approx([float(x) for x in expected], rel=1e-9, abs=1e-9)


@st.composite
def networks(draw: st.DrawFn) -> tuple[list[float], list[int | None], list[list[int]], list[float]]:
    corridors = draw(st.integers(1, 4))
    count = draw(st.integers(1, 6))
    demands = draw(st.lists(amounts, min_size=count, max_size=count))
    priorities = draw(st.lists(st.one_of(st.none(), st.integers(0, 2)), min_size=count, max_size=count))
    routes = [
        draw(st.lists(st.integers(0, corridors - 1), min_size=1, max_size=corridors, unique=True))
        for _ in range(count)
    ]
    usable = draw(st.lists(amounts, min_size=corridors, max_size=corridors))
    return demands, priorities, routes, usable


@given(networks())
def test_no_stream_carries_more_than_it_asks_nor_a_corridor_more_than_it_has(
    network: tuple[list[float], list[int | None], list[list[int]], list[float]],
) -> None:
    demands, priorities, routes, usable = network
    routed = route(demands, priorities, routes, usable)
    carried = [float(x) for x in routed.carried_gbps]
    for value, demand in zip(carried, demands, strict=True):
        assert -1e-9 <= value <= demand * (1 + 1e-12) + 1e-9
    for c, capacity in enumerate(usable):
        through = sum(value for value, r in zip(carried, routes, strict=True) if c in r)
        assert through <= capacity * (1 + 1e-9) + 1e-9
        assert float(routed.left_gbps[c]) == pytest.approx(capacity - through, rel=1e-9, abs=1e-6)


@given(networks())
def test_a_stream_short_of_its_demand_crosses_a_full_corridor(
    network: tuple[list[float], list[int | None], list[list[int]], list[float]],
) -> None:
    """Nothing is wasted: a stream carries all it asks, or some corridor on its route has no
    usable capacity left (progressive filling stops a stream only there)."""
    demands, priorities, routes, usable = network
    routed = route(demands, priorities, routes, usable)
    for value, demand, r in zip(routed.carried_gbps, demands, routes, strict=True):
        if float(value) < demand * (1 - 1e-9) - 1e-9:
            assert min(float(routed.left_gbps[c]) for c in r) <= 1e-6 * max(1.0, demand)


@given(networks(), amounts, st.data())
def test_a_stream_served_after_all_others_takes_nothing_from_them(
    network: tuple[list[float], list[int | None], list[list[int]], list[float]],
    extra: float,
    data: st.DataObject,
) -> None:
    demands, priorities, routes, usable = network
    extra_route = data.draw(st.lists(st.integers(0, len(usable) - 1), min_size=1, unique=True))
    ranked = [0 if p is None else p for p in priorities]  # every stream ranked, the new one last
    before = route(demands, ranked, routes, usable).carried_gbps
    after = route([*demands, extra], [*ranked, 99], [*routes, extra_route], usable).carried_gbps
    assert [float(x) for x in after[:-1]] == pytest.approx([float(x) for x in before], rel=1e-12, abs=1e-12)


@given(networks(), st.data())
def test_with_backups_no_stream_nor_corridor_carries_too_much(
    network: tuple[list[float], list[int | None], list[list[int]], list[float]], data: st.DataObject
) -> None:
    demands, priorities, routes, usable = network
    corridor = st.integers(0, len(usable) - 1)
    backups = [
        data.draw(st.lists(st.lists(corridor, min_size=1, max_size=len(usable), unique=True), max_size=2))
        for _ in demands
    ]
    routed = route(demands, priorities, routes, usable, backups=backups)
    through = [0.0] * len(usable)
    for i, demand in enumerate(demands):
        assert -1e-9 <= float(routed.carried_gbps[i]) <= demand * (1 + 1e-12) + 1e-9
        assert len(routed.on_backup_gbps[i]) == len(backups[i])
        for c in routes[i]:
            through[c] += float(routed.on_route_gbps[i])
        for k, backup in enumerate(backups[i]):
            for c in backup:
                through[c] += float(routed.on_backup_gbps[i][k])
    for c, capacity in enumerate(usable):
        assert through[c] <= capacity * (1 + 1e-9) + 1e-6
        assert float(routed.left_gbps[c]) == pytest.approx(capacity - through[c], rel=1e-9, abs=1e-6)
