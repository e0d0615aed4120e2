"""solve: answers against closed forms and against brute force over a fine grid."""

from __future__ import annotations

import math

import numpy as np
import pytest

from capacity_model.errors import ScenarioError
from capacity_model.scenario_files import variant
from capacity_model.studies.outcomes import lowest_headroom_before, run
from capacity_model.studies.solve import parse_condition, shown, solve
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link

C, D0, U = 1000.0, 500.0, 0.7  # capacity [Gbps], base demand [Gbps], threshold
START = parse_month("2026-01")


def shared_scenario(share: str = "10%", rate: str = "25%"):
    data = one_link(capacity="1 Tbps", base="500 Gbps", rate=rate)
    data["demand"][0]["share"] = {"model": "constant", "value": share}
    return build(data)


@pytest.mark.parametrize("before", ["2028-01", "2031-01", "2033-07"])
def test_largest_share_with_no_shortfall_matches_the_closed_form(before: str) -> None:
    # No shortfall before month M: s * D0 * (1 + r)^((m - m0) / 12) <= u * C for every m < M,
    # tightest at m = M - 1, so s* = u * C / (D0 * 1.25^((M - 1 - m0) / 12)).
    last = parse_month(before) - 1 - START
    expected = U * C / (D0 * 1.25 ** (last / 12))
    solution = solve(shared_scenario(), "demand.domestic.share.value", f"no shortfall before {before}")
    ((value, side),) = solution.switches
    assert side == "at most"
    assert value == pytest.approx(expected, rel=1e-8)
    assert value <= expected * (1 + 1e-12)  # on the side where the condition holds


def test_largest_growth_rate_matches_the_closed_form() -> None:
    # r* = (u * C / (s * D0))^(12 / (M - 1 - m0)) - 1, with s = 10%.
    last = parse_month("2040-01") - 1 - START
    expected = (U * C / (0.1 * D0)) ** (12 / last) - 1
    solution = solve(shared_scenario(), "demand.domestic.growth.rate", "no shortfall before 2040-01")
    ((value, side),) = solution.switches
    assert side == "at most"
    assert value == pytest.approx(expected, rel=1e-8)


def test_target_capacity_for_a_utilisation_matches_demand_over_threshold() -> None:
    # Measured against the target: capacity needed = demand(month) / u.
    data = one_link(capacity="1 Tbps", base="500 Gbps", rate="25%")
    data["targets"] = [{"name": "Next", "capacity": "2 Tbps", "by": "2029-12"}]
    scenario = build(data)
    months = parse_month("2029-12") - START
    expected = D0 * 1.25 ** (months / 12) / U
    solution = solve(scenario, "targets[Next].capacity", "utilisation at 2029-12 <= 70%")
    ((value, side),) = solution.switches
    assert side == "at least"
    assert value == pytest.approx(expected, rel=1e-8)


def test_latest_date_of_a_new_link_matches_brute_force_over_every_month() -> None:
    data = one_link(capacity="1 Tbps", base="300 Gbps", rate="25%")
    data["links"].append({"id": "new", "phases": [{"capacity": "4 Tbps", "in_service": "2030-01"}]})
    scenario = build(data)
    solution = solve(scenario, "links.new.phases[0].in_service", "no shortfall before 2036-01")
    ((value, side),) = solution.switches
    assert side == "at most"
    ok = [
        month
        for month in range(START - 12, parse_month("2036-01"))
        if lowest_headroom_before(
            run(variant(scenario, {("links", 1, "phases", 0, "in_service"): month}, "t")).projection,
            parse_month("2036-01"),
        )
        >= 0
    ]
    assert value == max(ok)  # the latest month that works, found by trying every month
    assert ok == list(range(min(ok), max(ok) + 1))


def test_share_answer_matches_brute_force_on_a_fine_grid() -> None:
    scenario = shared_scenario()
    solution = solve(scenario, "demand.domestic.share.value", "no shortfall before 2031-01")
    ((value, _),) = solution.switches
    grid = np.linspace(0, 1, 2001)
    holds = [
        lowest_headroom_before(
            run(variant(scenario, {("demand", 0, "share", "value"): s}, "t")).projection,
            parse_month("2031-01"),
        )
        >= 0
        for s in grid
    ]
    largest = grid[np.flatnonzero(holds)].max()
    assert largest <= value < largest + 1 / 2000


def test_no_value_in_range_is_said_plainly() -> None:
    solution = solve(shared_scenario(), "demand.domestic.share.value", "no shortfall", between="90%:100%")
    assert solution.switches == ()
    assert not any(solution.holds)
    assert solution.answer.startswith("no value of demand.domestic.share.value from 90% to 100%")


def test_a_condition_that_always_holds_says_so() -> None:
    solution = solve(
        shared_scenario(), "demand.domestic.share.value", "no shortfall before 2027-01", between="0%:10%"
    )
    assert all(solution.holds) and solution.switches == ()
    assert "holds for every value" in solution.answer


def test_shown_rounds_towards_the_side_that_holds() -> None:
    from capacity_model.paths import resolve

    ref = resolve(shared_scenario(), "demand.domestic.share.value")
    assert shown(0.123456, "at most", ref) == pytest.approx(0.1234)
    assert shown(0.123456, "at least", ref) == pytest.approx(0.1235)
    assert math.isclose(shown(0.5, "at most", ref), 0.5)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("foo", "write one of"),
        ("Phase 9 on time", "no target named 'Phase 9'"),
        ("utilisation at 2050-01 <= 70%", "outside the period"),
        ("probability of no shortfall >= 2", "the probability"),
    ],
)
def test_bad_conditions_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(ScenarioError) as error:
        parse_condition(text, shared_scenario())
    assert message in str(error.value)


def test_conditions_are_read_in_any_case_and_spacing() -> None:
    scenario = build({**one_link(), "targets": [{"name": "Phase 2", "capacity": "2 Tbps", "by": "2030-01"}]})
    assert parse_condition("No  shortfall BEFORE 2031-01", scenario).month == parse_month("2031-01")
    condition = parse_condition("probability of target phase 2 on time at least 80%", scenario)
    assert (condition.kind, condition.target, condition.probability) == ("target", "Phase 2", 0.8)
    assert parse_condition("utilization at 2029-12 < 0.6", scenario).op == "<"


def test_capacity_for_months_short_matches_the_closed_form() -> None:
    # Months short <= 12 over 2026-01..2040-12 (180 months): no shortfall in months 0..167, i.e.
    # u C >= s D0 1.25^(167/12), so C* = s D0 1.25^(167/12) / u.
    expected = 0.1 * D0 * 1.25 ** (167 / 12) / U
    solution = solve(shared_scenario(), "links.ofc.phases[0].capacity", "months short <= 12")
    ((value, side),) = solution.switches
    assert side == "at least"
    assert value == pytest.approx(expected, rel=1e-8)
    assert (
        run(
            variant(shared_scenario(), {("links", 0, "phases", 0, "capacity"): value}, "t")
        ).projection.months_short
        <= 12
    )
    fewer = variant(shared_scenario(), {("links", 0, "phases", 0, "capacity"): value * (1 - 1e-6)}, "t")
    assert run(fewer).projection.months_short == 13


def test_capacity_for_a_carried_share_matches_the_closed_form() -> None:
    # One stream carried pro rata: carried share = s min(1, u C / D(t)) with D = s D0 1.25^(k/12).
    # Carried share >= 4% at 2035-01 (k = 108): u C / D0 1.25^9 >= 0.04, C* = 0.04 D0 1.25^9 / u.
    expected = 0.04 * D0 * 1.25**9 / U
    solution = solve(shared_scenario(), "links.ofc.phases[0].capacity", "carried share at 2035-01 >= 4%")
    ((value, side),) = solution.switches
    assert side == "at least"
    assert value == pytest.approx(expected, rel=1e-8)


def test_share_for_an_unserved_share_matches_brute_force() -> None:
    scenario = shared_scenario()
    solution = solve(scenario, "demand.domestic.share.value", "unserved share <= 5%")
    ((value, side),) = solution.switches
    assert side == "at most"
    shares = np.linspace(0.0, 1.0, 2001)
    unserved = [
        run(variant(scenario, {("demand", 0, "share", "value"): s}, "t")).projection.unserved_share
        for s in shares
    ]
    best = max(s for s, lost in zip(shares, unserved, strict=True) if lost <= 0.05)
    assert best <= value < best + 1 / 2000


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("months short <= twelve", "'twelve' is not a whole number of months"),
        ("carried share of nothing at 2030-01 >= 5%", "no stream with a share has the id 'nothing'"),
        ("carried share at 2050-01 >= 5%", "2050-01 is outside the period 2026-01 to 2040-12"),
        ("probability of months short <= 3 >= 50%", "'probability of' takes a shortfall or a target"),
        ("unserved share <= 150%", "outside 0-100%"),
    ],
)
def test_new_conditions_refuse_what_they_cannot_measure(text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_condition(text, shared_scenario())


def test_carried_share_needs_a_stream_with_a_share() -> None:
    with pytest.raises(ScenarioError, match="no demand stream has a share"):
        parse_condition("carried share at 2030-01 >= 5%", build(one_link()))


def test_a_priority_cannot_be_solved_for() -> None:
    with pytest.raises(
        ScenarioError, match="a whole number \\(a priority, a number of samples\\) is a choice"
    ):
        solve(shared_scenario(), "demand.domestic.priority", "no shortfall")


def test_values_whose_period_leaves_the_conditions_month_out_are_skipped() -> None:
    scenario = shared_scenario()
    solution = solve(scenario, "period.end", "carried share at 2035-01 >= 1%", "2030-01:2040-12")
    # Periods ending before 2035-01 cannot be measured there: the search starts at 2035-01.
    assert solution.low == parse_month("2035-01")


def test_no_shortfall_before_the_period_starts_is_refused() -> None:
    with pytest.raises(ScenarioError, match="2019-01 is not after the period's start 2026-01"):
        parse_condition("no shortfall before 2019-01", shared_scenario())
