"""The ``uncertainty:`` section: distributions of inputs, addressed by path, and correlations.

Values of a distribution are written in the unit of the field its path names
(``low: 15%`` for a growth rate, ``median: 200 Gbps`` for a bit rate, dates for a
date, durations for ``dist: delay``). :func:`resolve_parameters` turns the section
into :class:`Parameter` objects holding numbers in the package's base units, ready
for the engine's sampler; it is also how the schema checks the section.

In two steps: :mod:`.section` (the section as written, and its bounds) and
:mod:`.parameters` (resolved to fields and base units).
"""

from __future__ import annotations

from .parameters import Z_MAX, Parameter, correlation_matrix, describe, parse_value, reach, resolve_parameters
from .section import (
    DISTRIBUTIONS,
    MAX_PARAMETERS,
    MAX_SAMPLE_MONTHS,
    MAX_SAMPLES,
    MAX_SEED,
    MAX_SOBOL_SAMPLES,
    Correlation,
    Uncertainty,
    workload_problems,
)

__all__ = [
    "DISTRIBUTIONS",
    "MAX_PARAMETERS",
    "MAX_SAMPLES",
    "MAX_SAMPLE_MONTHS",
    "MAX_SEED",
    "MAX_SOBOL_SAMPLES",
    "Z_MAX",
    "Correlation",
    "Parameter",
    "Uncertainty",
    "correlation_matrix",
    "describe",
    "parse_value",
    "reach",
    "resolve_parameters",
    "workload_problems",
]
