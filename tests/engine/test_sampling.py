"""Distributions, Latin hypercubes and the Gaussian copula against closed forms."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from numpy.testing import assert_allclose
from scipy import stats

from capacity_model.engine import sampling as smp

U = np.array([0.1, 0.25, 0.5, 0.75, 0.9])


def test_uniform_and_fixed() -> None:
    assert_allclose(smp.Uniform(2.0, 6.0).ppf(U), 2.0 + 4.0 * U, rtol=1e-15)
    assert_allclose(smp.Fixed(3.0).ppf(U), 3.0)


def test_triangular_quantiles_by_hand() -> None:
    # low 0, mode 1, high 4: F(x) = x^2/4 for x <= 1, so ppf(u) = 2 sqrt(u) for u <= 1/4;
    # above, 1 - F(x) = (4 - x)^2 / 12, so ppf(u) = 4 - sqrt(12 (1 - u)).
    expected = [2 * math.sqrt(0.1), 2 * math.sqrt(0.25)] + [4 - math.sqrt(12 * (1 - u)) for u in U[2:]]
    assert_allclose(smp.Triangular(0.0, 1.0, 4.0).ppf(U), expected, rtol=1e-12)


def test_lognormal_from_median_and_p90() -> None:
    dist = smp.LogNormal.from_median_and_percentile(200.0, 300.0, 90)
    assert dist.ppf(np.array([0.5]))[0] == pytest.approx(200.0, rel=1e-12)
    assert dist.ppf(np.array([0.9]))[0] == pytest.approx(300.0, rel=1e-12)
    assert dist.sigma == pytest.approx(math.log(1.5) / 1.2815515655446004, rel=1e-12)


def test_normal_and_truncated_normal() -> None:
    assert smp.Normal(10.0, 2.0).ppf(np.array([0.5]))[0] == pytest.approx(10.0)
    assert smp.Normal(10.0, 2.0).ppf(np.array([0.975]))[0] == pytest.approx(
        10.0 + 2.0 * 1.959963984540054, rel=1e-12
    )
    truncated = smp.Normal(10.0, 2.0, low=9.0, high=15.0).ppf(np.array([1e-12, 0.5, 1 - 1e-12]))
    assert truncated[0] == pytest.approx(9.0, abs=1e-6) and truncated[2] == pytest.approx(15.0, abs=1e-6)


def test_pert_mean_is_the_classic_formula() -> None:
    # PERT mean = (low + 4 mode + high) / 6.
    draws = smp.Pert(2.0, 3.0, 10.0).ppf(smp.uniforms(200_000, 1, seed=1)[:, 0])
    assert draws.mean() == pytest.approx((2 + 4 * 3 + 10) / 6, abs=4 * draws.std() / math.sqrt(draws.size))


def test_choice_frequencies() -> None:
    draws = smp.Choice((1.0, 2.0, 5.0), (1.0, 1.0, 2.0)).ppf(smp.uniforms(100_000, 1, seed=2)[:, 0])
    for value, p in ((1.0, 0.25), (2.0, 0.25), (5.0, 0.5)):
        share = float(np.mean(draws == value))
        assert share == pytest.approx(p, abs=4 * math.sqrt(p * (1 - p) / draws.size))


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@st.composite
def bounded_distributions(draw: st.DrawFn) -> tuple[smp.Distribution, float, float]:
    low, mode, high = sorted(draw(st.lists(finite, min_size=3, max_size=3)))
    kind = draw(st.sampled_from(["uniform", "triangular", "pert", "normal", "choice", "fixed"]))
    if kind == "uniform":
        return smp.Uniform(low, high), low, high
    if kind == "triangular":
        return smp.Triangular(low, mode, high), low, high
    if kind == "pert":
        return smp.Pert(low, mode, high, draw(st.floats(0.5, 10))), low, high
    if kind == "normal":
        return smp.Normal(mode, draw(st.floats(1e-3, 1e6)), low, high), low, high
    if kind == "choice":
        return smp.Choice((low, mode, high), (1.0, 2.0, 3.0)), low, high
    return smp.Fixed(mode), mode, mode


@given(bounded_distributions(), st.integers(0, 2**32 - 1))
def test_any_valid_distribution_samples_within_its_bounds(
    case: tuple[smp.Distribution, float, float], seed: int
) -> None:
    dist, low, high = case
    draws = dist.ppf(smp.uniforms(500, 1, seed)[:, 0])
    slack = 1e-9 * max(1.0, abs(low), abs(high))
    assert np.all(draws >= low - slack) and np.all(draws <= high + slack)


def test_latin_hypercube_marginals_are_uniform_and_stratified() -> None:
    u = smp.uniforms(2000, 4, seed=7, method="latin-hypercube")
    for column in u.T:
        assert stats.kstest(column, "uniform").pvalue > 0.01
        assert np.array_equal(np.sort(np.floor(column * 2000)), np.arange(2000))  # one draw per stratum


def test_same_seed_same_draws_and_other_seed_other_draws() -> None:
    for method in ("random", "latin-hypercube"):
        assert np.array_equal(smp.uniforms(100, 3, 5, method), smp.uniforms(100, 3, 5, method))
        assert not np.array_equal(smp.uniforms(100, 3, 5, method), smp.uniforms(100, 3, 6, method))


def test_copula_keeps_marginals_and_gives_the_correlation() -> None:
    u = smp.correlate(smp.uniforms(50_000, 2, seed=3), [[1.0, 0.6], [0.6, 1.0]])
    for column in u.T:
        assert stats.kstest(column, "uniform").pvalue > 0.001
    scores = stats.norm.ppf(u)
    rho = np.corrcoef(scores.T)[0, 1]
    assert rho == pytest.approx(
        0.6, abs=4 * (1 - 0.36) / math.sqrt(50_000)
    )  # s.e. of r ~ (1 - rho^2)/sqrt(n)
