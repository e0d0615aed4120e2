"""The ``uncertainty:`` section as written: its distributions, correlations and sample
counts, with the bounds that keep a run within about a minute."""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from ..quantities import Duration, SourceKey, StrictModel, WholeNumber, problem


def _check_raw(value: object) -> object:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        shown = (
            str(value).lower()
            if isinstance(value, bool)
            else type(value).__name__.replace("NoneType", "null")
        )
        raise problem(
            f"expected a value in the field's unit such as '200 Gbps', '22%', '2029-06' or '18 months', "
            f"found {shown}"
        )
    return value


Raw = Annotated[
    str | int | float,
    BeforeValidator(_check_raw),
    WithJsonSchema(
        {
            "type": ["number", "string"],
            "description": "A value in the unit of the field the path names: e.g. '200 Gbps' for a "
            "bit rate, '22%' or 0.22 for a percentage or growth rate, '2029-06' for a date, "
            "'18 months' for a duration.",
            "examples": ["200 Gbps", "22%", "2029-06", "18 months"],
        }
    ),
]
"""A value as written, parsed later in the unit of the field its path names."""


class _DistBase(StrictModel):
    source: SourceKey | None = None
    """Key in ``sources`` for the range."""


class FixedDist(_DistBase):
    """Always ``value``."""

    dist: Literal["fixed"]
    value: Raw


class UniformDist(_DistBase):
    """Uniform between ``low`` and ``high``."""

    dist: Literal["uniform"]
    low: Raw
    high: Raw


class TriangularDist(_DistBase):
    """Triangular from ``low`` to ``high``, peaking at ``mode``."""

    dist: Literal["triangular"]
    low: Raw
    mode: Raw
    high: Raw


class PertDist(_DistBase):
    """PERT (a scaled Beta) from ``low`` to ``high`` with its mode at ``mode``."""

    dist: Literal["pert"]
    low: Raw
    mode: Raw
    high: Raw
    shape: float = Field(default=4.0, gt=0, le=1000, allow_inf_nan=False)
    """Weight of the mode; 4 is the classic PERT."""


class NormalDist(_DistBase):
    """Normal with ``mean`` and standard deviation ``sd``, truncated to ``[low, high]`` if given."""

    dist: Literal["normal"]
    mean: Raw
    sd: Raw
    low: Raw | None = None
    high: Raw | None = None


class LogNormalDist(_DistBase):
    """Lognormal by its median and one percentile (``p90: 300 Gbps``), or by ``mu`` and ``sigma``.

    ``mu`` and ``sigma`` are the mean and standard deviation of the natural log of the
    value in the field's base unit (Gbps for bit rates, a fraction for percentages).
    """

    dist: Literal["lognormal"]
    median: Raw | None = None
    p5: Raw | None = None
    p10: Raw | None = None
    p25: Raw | None = None
    p75: Raw | None = None
    p90: Raw | None = None
    p95: Raw | None = None
    mu: float | None = Field(default=None, ge=-50, le=50, allow_inf_nan=False)
    """Mean of the natural log of the value in the field's base unit; -50 to 50 (e^50 Gbps is
    far beyond any link)."""
    sigma: float | None = Field(default=None, gt=0, le=10, allow_inf_nan=False)
    """Standard deviation of the natural log; above 0 and at most 10."""


#: Largest weight of a choice (weights are relative: only their ratios matter).
MAX_WEIGHT = 1e9


class ChoiceDist(_DistBase):
    """One of ``values``, with ``weights`` (equal if left out)."""

    dist: Literal["choice"]
    values: Annotated[list[Raw], Field(min_length=1)]
    weights: list[Annotated[float, Field(ge=0, le=MAX_WEIGHT, allow_inf_nan=False)]] | None = None


class DelayDist(_DistBase):
    """A date moved later by a triangular delay from ``low`` to ``high`` peaking at ``mode``."""

    dist: Literal["delay"]
    low: Duration
    mode: Duration
    high: Duration


DistSpec = Annotated[
    FixedDist | UniformDist | TriangularDist | PertDist | NormalDist | LogNormalDist | ChoiceDist | DelayDist,
    Field(discriminator="dist"),
]
DISTRIBUTIONS = ("fixed", "uniform", "triangular", "normal", "lognormal", "pert", "choice", "delay")


class Correlation(StrictModel):
    """A rank correlation between two parameters, imposed with a Gaussian copula."""

    between: Annotated[list[str], Field(min_length=2, max_length=2)]
    """The two parameter paths, as written under ``parameters``."""
    rho: float = Field(ge=-1, le=1, allow_inf_nan=False)
    """Correlation of the copula's normal scores, from -1 to 1."""


#: Most Monte Carlo samples, in the file and with --samples: about half a minute for 180
#: months, under 1 GB.
MAX_SAMPLES = 2_000_000
#: Most base samples for Sobol' indices (2^16); the model runs ``n (d + 2)`` times.
MAX_SOBOL_SAMPLES = 65_536
#: Most sample-months one run computes: Monte Carlo samples x months of the period, and
#: for Sobol' indices n (d + 2) model runs x months. About half a minute for the Monte Carlo
#: samples and a minute and a half for the indices (README, Speed and memory).
MAX_SAMPLE_MONTHS = 500_000_000
#: Most uncertain inputs (each adds n model runs to the Sobol' indices).
MAX_PARAMETERS = 100
#: Largest seed.
MAX_SEED = 2**63 - 1


class Uncertainty(StrictModel):
    """Which inputs are uncertain, how, and how many samples to draw."""

    samples: WholeNumber = Field(default=10_000, ge=1, le=MAX_SAMPLES)
    """Number of Monte Carlo samples."""
    seed: WholeNumber = Field(default=2026, ge=0, le=MAX_SEED)
    """Seed of the random numbers: the same seed gives the same results on any machine."""
    method: Literal["random", "latin-hypercube"] = "random"
    """``random`` draws, or ``latin-hypercube`` (scipy.stats.qmc) strata."""
    parameters: Annotated[dict[str, DistSpec], Field(max_length=MAX_PARAMETERS)] = Field(default_factory=dict)
    """Distribution of each uncertain input, by field path (e.g. ``demand.transit.growth.rate``);
    may be left out in a scenario with fault rates, whose faults are drawn at random."""
    correlations: list[Correlation] = Field(default_factory=list)
    """Rank correlations between parameters."""
    sobol_samples: WholeNumber = Field(default=8192, ge=64, le=MAX_SOBOL_SAMPLES)
    """Base samples for Sobol' indices (a power of 2); the model runs ``n (d + 2)`` times."""

    @field_validator("sobol_samples")
    @classmethod
    def check_power_of_two(cls, value: int) -> int:
        if value & (value - 1):
            raise problem(f"{value} is not a power of 2; use e.g. 4096 or 8192")
        return value


def workload_problems(
    uncertainty: Uncertainty, months: int, samples: int | None = None
) -> list[tuple[str, str]]:
    """Problems ``(field, message)`` when a run would compute more than :data:`MAX_SAMPLE_MONTHS`.

    ``months`` is the length of the period; ``samples`` overrides ``uncertainty.samples``
    (``--samples``).
    """
    problems: list[tuple[str, str]] = []
    drawn = samples or uncertainty.samples
    if drawn * months > MAX_SAMPLE_MONTHS:
        problems.append(
            (
                "samples",
                f"{drawn:,} samples over the period's {months:,} months is {drawn * months:,} sample-months; "
                f"a run computes at most {MAX_SAMPLE_MONTHS:,}: over this period use at most "
                f"{MAX_SAMPLE_MONTHS // months:,} samples (results settle long before)",
            )
        )
    runs = uncertainty.sobol_samples * (len(uncertainty.parameters) + 2)
    if runs * months > MAX_SAMPLE_MONTHS:
        largest = 2 ** int(
            math.log2(max(1, MAX_SAMPLE_MONTHS // (months * (len(uncertainty.parameters) + 2))))
        )
        fix = (
            f"use sobol_samples: {largest:,} or fewer"
            if largest >= 64
            else "vary fewer inputs or shorten the period"
        )
        problems.append(
            (
                "sobol_samples",
                f"Sobol' indices run the model {runs:,} times (sobol_samples x (inputs + 2)) over "
                f"{months:,} months, {runs * months:,} sample-months; a run computes at most "
                f"{MAX_SAMPLE_MONTHS:,}: {fix}",
            )
        )
    return problems
