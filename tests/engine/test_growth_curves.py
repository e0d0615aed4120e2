"""The saturating curves' parameterisation: bounds, and the reported parameters' inverse."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from capacity_model.engine.growth_curves import (
    BASS_MAX_LEAD,
    BASS_MIN_P,
    log_curve_of,
    natural_parameters,
    theta_of,
)


def test_the_bass_bounds_keep_it_a_diffusion() -> None:
    # The innovation rate at least BASS_MIN_P, the start at most BASS_MAX_LEAD years early.
    natural = natural_parameters("bass", np.array([0.0, -50.0, 0.0, 50.0]), 2010.0)
    assert natural[1] == pytest.approx(BASS_MIN_P)
    assert natural[3] == pytest.approx(2010.0 - BASS_MAX_LEAD)


finite = st.floats(-3.0, 3.0)


@given(form=st.sampled_from(["logistic", "gompertz", "bass"]), theta=st.lists(finite, min_size=4, max_size=4))
def test_theta_of_inverts_the_reported_parameters(form: str, theta: list[float]) -> None:
    row = np.array(theta[: 4 if form == "bass" else 3])
    natural = natural_parameters(form, row, 2010.0)
    assert theta_of(form, list(natural), 2010.0) == pytest.approx(row, rel=1e-9, abs=1e-9)


def test_the_logistic_curve_is_half_its_saturation_at_the_midpoint() -> None:
    # K = 1000, r = 0.5 a year, t_m = 2020: ln f(2020) = ln(K / 2), and f(2020 + ln 9 / r) = 0.9 K.
    theta = theta_of("logistic", [1000.0, 0.5, 2020.0], 2010.0)
    t = np.array([2020.0, 2020.0 + np.log(9.0) / 0.5])
    assert np.exp(log_curve_of("logistic", 2010.0)(theta, t)) == pytest.approx([500.0, 900.0], rel=1e-12)


def test_the_gompertz_curve_is_k_over_e_at_its_inflection() -> None:
    # f = K exp(-e^{-c (t - t_m)}): at t_m, K / e.
    theta = theta_of("gompertz", [800.0, 0.3, 2025.0], 2010.0)
    assert np.exp(log_curve_of("gompertz", 2010.0)(theta, np.array([2025.0]))) == pytest.approx(
        [800.0 / np.e], rel=1e-12
    )
