"""Monte Carlo results against closed forms, chunk sizes and seeds."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from capacity_model.engine import project
from capacity_model.engine.aggregate import QuantileHistogram
from capacity_model.engine.montecarlo import (
    CHUNK_VALUES,
    ENTRY_ARRAYS,
    SHARED_ARRAYS,
    chunk_rows,
    draw,
    run_monte_carlo,
)
from capacity_model.units import parse_month
from tests.scenario_data import build, one_link

#: Relative error bound of the quantile histogram (9 mantissa bits: half a bin).
HISTOGRAM_RTOL = 2.0**-10


def uncertain(
    data: dict[str, Any], parameters: dict[str, Any], samples: int = 20_000, **spec: Any
) -> dict[str, Any]:
    return dict(data, uncertainty={"samples": samples, "seed": 11, "parameters": parameters, **spec})


def test_quantile_histogram_is_within_its_bound_of_numpy() -> None:
    rng = np.random.default_rng(0)
    values = np.exp(rng.normal(2, 3, size=(5001, 3))) * np.array([1.0, -1.0, 1.0])
    histogram = QuantileHistogram(3)
    for start in range(0, 5001, 613):
        histogram.add(values[start : start + 613])
    levels = (0.05, 0.1, 0.5, 0.9, 0.95)
    exact = np.stack([np.quantile(values, q, axis=0, method="inverted_cdf") for q in levels])
    assert np.all(np.abs(histogram.quantiles(levels) / exact - 1) <= HISTOGRAM_RTOL)


def test_median_demand_is_demand_at_the_median_rate() -> None:
    # Demand is increasing in the rate, so its median is the demand at the median rate.
    data = uncertain(
        one_link(),
        {"demand.domestic.growth.rate": {"dist": "uniform", "low": "10%", "high": "30%"}},
        20_001,
        method="latin-hypercube",
    )
    scenario = build(data)
    mc = run_monte_carlo(scenario)
    months = np.arange(180)
    median_rate = float(
        np.quantile(draw(scenario, 20_001, 11, "latin-hypercube")[:, 0], 0.5, method="inverted_cdf")
    )
    expected = 200.0 * (1 + median_rate) ** (months / 12)
    assert np.all(np.abs(mc.quantile("demand_gbps", 0.5) / expected - 1) <= HISTOGRAM_RTOL)
    # A Latin hypercube puts the sample median within one stratum (0.2 / n) of the true median, 20%.
    assert median_rate == pytest.approx(0.20, abs=0.2 / 20_001)


def test_probability_of_a_target_on_time_matches_the_delay_distribution() -> None:
    data = one_link(capacity="1 Tbps")
    data["links"][0]["phases"].append({"capacity": "4 Tbps", "in_service": "2029-01"})
    data["targets"] = [{"name": "T", "capacity": "4 Tbps", "by": "2029-06"}]
    delay = {"dist": "delay", "low": "0 months", "mode": "0 months", "high": "12 months"}
    mc = run_monte_carlo(build(uncertain(data, {"links.ofc.phases[1].in_service": delay})))
    # On time when the rounded delay is at most 5 months: delay < 5.5, with the triangular
    # CDF F(x) = 1 - (12 - x)^2 / 144.
    p = 1 - (12 - 5.5) ** 2 / 144
    (target,) = mc.targets
    assert target.p_on_time == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / 20_000))
    # A delay of k months (k = 6..12) makes it k - 5 months late; none misses the period.
    assert set(target.months_late) <= set(range(0, 8)) and target.not_met == 0


def test_shortfall_probability_by_year_matches_the_rate_distribution() -> None:
    # Constant 1 Tbps, demand 200 Gbps growing at r ~ U(10%, 30%), threshold 70%: a shortfall by
    # month m exactly when 200 (1 + r)^(m/12) > 700, i.e. r > 3.5^(12/m) - 1.
    data = uncertain(
        one_link(), {"demand.domestic.growth.rate": {"dist": "uniform", "low": "10%", "high": "30%"}}
    )
    mc = run_monte_carlo(build(data))
    for year, p_year in zip(mc.years, mc.p_shortfall_in_year, strict=True):
        last_month = int(12 * year + 11 - parse_month("2026-01"))
        threshold = 3.5 ** (12 / last_month) - 1 if last_month > 0 else math.inf
        p = min(1.0, max(0.0, (0.30 - threshold) / 0.20))
        assert p_year == pytest.approx(p, abs=4 * math.sqrt(max(p * (1 - p), 1e-4) / 20_000) + 1e-12)


def test_results_do_not_depend_on_chunk_size_and_repeat_with_the_seed() -> None:
    data = uncertain(
        one_link(),
        {
            "demand.domestic.growth.rate": {"dist": "triangular", "low": "10%", "mode": "20%", "high": "40%"},
            "demand.domestic.base.value": {"dist": "lognormal", "median": "200 Gbps", "p90": "300 Gbps"},
        },
        3000,
        correlations=[{"between": ["demand.domestic.growth.rate", "demand.domestic.base.value"], "rho": 0.5}],
    )
    scenario = build(data)
    runs = [run_monte_carlo(scenario, chunk_size=size) for size in (3000, 997, 101)]
    runs.append(run_monte_carlo(scenario))
    for other in runs[1:]:
        for name, values in runs[0].quantiles.items():
            assert_array_equal(other.quantiles[name], values)
        assert_array_equal(other.first_exhaustion, runs[0].first_exhaustion)
        assert_array_equal(other.p_shortfall_in_year, runs[0].p_shortfall_in_year)
    assert not np.array_equal(
        run_monte_carlo(scenario, seed=12).quantiles["demand_gbps"], runs[0].quantiles["demand_gbps"]
    )


def test_fixed_inputs_reproduce_the_deterministic_run() -> None:
    data = one_link(capacity="1 Tbps")
    data["targets"] = [{"name": "T", "capacity": "1 Tbps", "by": "2030-01"}]
    data = uncertain(data, {"demand.domestic.growth.rate": {"dist": "fixed", "value": "25%"}}, 50)
    scenario = build(data)
    projection, mc = project(scenario), run_monte_carlo(scenario)
    for name in ("demand_gbps", "capacity_gbps", "utilisation", "gap_gbps"):
        expected = getattr(projection, name)
        for level in range(5):
            got = mc.quantiles[name][level]
            assert np.all(np.abs(got - expected) <= HISTOGRAM_RTOL * np.abs(expected) + 1e-4)
    first = projection.exhaustions[0].month - scenario.period.start
    assert mc.first_exhaustion[first] == 50 and mc.first_exhaustion.sum() == 50
    assert mc.targets[0].p_on_time == 1.0


def test_only_some_links_and_streams_sampled() -> None:
    # One sampled link beside a fixed one, one sampled stream beside a fixed one: the corridor
    # sums mix (months,) and (samples, months) arrays.
    data = one_link(capacity="1 Tbps")
    data["links"].append({"id": "b", "phases": [{"capacity": "2 Tbps", "in_service": "2027-01"}]})
    data["demand"].append(
        {"id": "t", "base": {"value": "1 Tbps", "at": "2026-01"}, "growth": {"model": "cagr", "rate": "10%"}}
    )
    delay = {"dist": "delay", "low": "0 months", "mode": "0 months", "high": "12 months"}
    rate = {"dist": "uniform", "low": "5%", "high": "15%"}
    mc = run_monte_carlo(
        build(uncertain(data, {"links.b.phases[0].in_service": delay, "demand.t.growth.rate": rate}, 500))
    )
    # 2040-12 capacity is 3 Tbps in every sample; every quantile says so.
    assert np.all(np.abs(mc.quantiles["capacity_gbps"][:, -1] / 3000.0 - 1) <= HISTOGRAM_RTOL)


percent = st.floats(min_value=0.0, max_value=100.0, allow_nan=False).map(lambda x: round(x, 3))


@st.composite
def share_specs(draw: st.DrawFn) -> tuple[dict[str, Any], float, float]:
    """A valid distribution spec for a share (0-100%), as written in YAML, and its bounds."""
    low, mode, high = sorted(draw(st.lists(percent, min_size=3, max_size=3)))
    kind = draw(st.sampled_from(["uniform", "triangular", "pert", "normal", "choice", "fixed"]))
    if kind == "uniform" and low == high:
        high = min(100.0, low + 1.0) if low < 100 else 100.0
        low = high - 1.0
    specs: dict[str, dict[str, Any]] = {
        "uniform": {"low": f"{low}%", "high": f"{high}%"},
        "triangular": {"low": f"{low}%", "mode": f"{mode}%", "high": f"{high}%"},
        "pert": {"low": f"{low}%", "mode": f"{mode}%", "high": f"{high}%"},
        "normal": {"mean": f"{mode}%", "sd": "5%", "low": f"{low}%", "high": f"{max(high, low + 0.5)}%"},
        "choice": {"values": [f"{low}%", f"{mode}%", f"{high}%"], "weights": [1, 2, 1]},
        "fixed": {"value": f"{mode}%"},
    }
    spec = {"dist": kind, **specs[kind]}
    upper = max(high, low + 0.5) if kind == "normal" else high
    if kind == "normal" and upper > 100:
        spec["high"], upper = "100%", 100.0
        spec["low"], low = f"{min(low, 99.0)}%", min(low, 99.0)
    if kind == "fixed":
        low = upper = mode
    return spec, low / 100, upper / 100


@settings(deadline=None, max_examples=40)
@given(share_specs(), st.sampled_from(["random", "latin-hypercube"]), st.integers(0, 2**31 - 1))
def test_any_valid_spec_samples_within_its_bounds(
    case: tuple[dict[str, Any], float, float], method: str, seed: int
) -> None:
    spec, low, high = case
    data = one_link()
    data["demand"][0]["share"] = {"model": "constant", "value": "10%"}
    data = uncertain(data, {"demand.domestic.share.value": spec}, 300, method=method)
    draws = draw(build(data), 300, seed, method)[:, 0]
    assert np.all(draws >= low - 1e-12) and np.all(draws <= high + 1e-12)


def test_per_sample_outcomes_match_closed_forms() -> None:
    """1 Tbps at 70% against 200 Gbps growing at a sampled rate r, plus a 10% share of 3 Tbps
    (growth 0): each sample's months short, unserved volume and carried share by hand."""
    data = one_link(capacity="1 Tbps", end="2035-12")
    data["demand"].append(
        {
            "id": "transit",
            "base": {"value": "3 Tbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "0%"},
            "share": {"model": "constant", "value": "10%"},
        }
    )
    scenario = build(
        uncertain(data, {"demand.domestic.growth.rate": {"dist": "uniform", "low": "10%", "high": "40%"}}, 64)
    )
    mc = run_monte_carlo(scenario, chunk_size=10)
    rates = draw(scenario, 64, 11)[:, 0]
    k = np.arange(120)
    demand = 200.0 * (1 + rates[:, None]) ** (k / 12) + 300.0
    lost = np.maximum(0.0, demand - 700.0)
    assert_array_equal(mc.per_sample["months_short"], (demand > 700.0).sum(axis=1))
    np.testing.assert_allclose(mc.per_sample["unserved_tbps_months"], lost.sum(axis=1) / 1000, rtol=1e-11)
    # Pro rata: transit carries 300 x min(1, 700 / D), of a base of 3 Tbps.
    carried = 0.1 * np.minimum(1.0, 700.0 / demand[:, -1])
    np.testing.assert_allclose(mc.per_sample["carried_share:transit"], carried, rtol=1e-12)
    assert mc.outcome_quantile("months_short", 0.5) == np.quantile(
        (demand > 700.0).sum(axis=1), 0.5, method="inverted_cdf"
    )
    # At another month: the carried share in 2030-01 (k = 48).
    at = run_monte_carlo(scenario, carried_at=parse_month("2030-01"))
    np.testing.assert_allclose(
        at.per_sample["carried_share:transit"], 0.1 * np.minimum(1.0, 700.0 / demand[:, 48]), rtol=1e-12
    )


@settings(deadline=None, max_examples=30)
@given(st.integers(0, 2**32 - 1), st.integers(1, 97))
def test_quantile_histogram_with_zeros_both_signs_and_wide_spread(seed: int, chunk: int) -> None:
    """Zeros, values of both signs and a spread over many decades (windows grow, sparse counting):
    quantiles within the stated bound of numpy's, whatever the chunk size."""
    rng = np.random.default_rng(seed)
    months = 5
    magnitude = np.exp(rng.uniform(-5, 20, size=(301, months)))  # 1e-2 .. 5e8
    sign = rng.choice([-1.0, 0.0, 1.0], size=(301, months), p=[0.3, 0.2, 0.5])
    values = magnitude * sign
    levels = (0.05, 0.1, 0.5, 0.9, 0.95)
    exact = np.stack([np.quantile(values, q, axis=0, method="inverted_cdf") for q in levels])
    histogram = QuantileHistogram(months)
    for start in range(0, len(values), chunk):
        histogram.add(values[start : start + chunk])
    found = histogram.quantiles(levels, block=2)
    assert np.all((found == exact) | (np.abs(found / np.where(exact == 0, 1, exact) - 1) <= HISTOGRAM_RTOL))
    whole = QuantileHistogram(months)
    whole.add(values)
    assert np.array_equal(whole.quantiles(levels), found)  # chunk-independent


def test_chunks_get_fewer_samples_as_uncertain_streams_add_arrays() -> None:
    """rows = CHUNK_VALUES (SHARED + ENTRY) // (months (SHARED + max(arrays, ENTRY)) + inputs):
    streams without a share that an input touches hold one array each; a link two; a target one."""
    budget = CHUNK_VALUES * (SHARED_ARRAYS + ENTRY_ARRAYS)
    quiet = build(one_link(end="2026-12"))  # 12 months, nothing uncertain, no targets
    assert chunk_rows(quiet, 12) == budget // (12 * (SHARED_ARRAYS + ENTRY_ARRAYS))
    data = one_link(end="2026-12")
    data["demand"] = [
        {
            "id": f"s{k}",
            "base": {"value": "1 Gbps", "at": "2026-01"},
            "growth": {"model": "cagr", "rate": "5%"},
        }
        for k in range(40)
    ]
    rate = {"dist": "uniform", "low": "1%", "high": "9%"}
    data["uncertainty"] = {"parameters": {f"demand.s{k}.growth.rate": rate for k in range(40)}}
    data["uncertainty"]["parameters"]["links.ofc.phases[0].capacity"] = {
        "dist": "uniform",
        "low": "1 Tbps",
        "high": "2 Tbps",
    }
    data["targets"] = [{"name": "T", "capacity": "1 Tbps", "by": "2026-06"}]
    arrays = 40 + 2 + 1
    assert chunk_rows(build(data), 12) == budget // (12 * (SHARED_ARRAYS + arrays) + 41)
