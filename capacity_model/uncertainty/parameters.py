"""The section resolved: each distribution's path to its field, its values in the field's
base units checked against the field's range, and the correlations as a matrix."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from .. import units
from ..paths import FieldRef, PathError, resolve
from ..quantities import Duration, Finding
from .section import Uncertainty


@dataclass(frozen=True)
class Parameter:
    """One uncertain input, resolved: where it is and its distribution in base units."""

    ref: FieldRef
    dist: str
    """Name of the distribution (see :data:`.section.DISTRIBUTIONS`)."""
    values: dict[str, Any]
    """The distribution's numbers in the field's base unit (``low``, ``mode``, ...)."""

    @property
    def path(self) -> str:
        return self.ref.path


#: Range each kind of field accepts, in base units (inclusive unless noted in the message).
_RANGES = {
    "bit rate": (0.0, units.MAX_BIT_RATE_GBPS),
    "percentage": (0.0, 1.0),
    "growth rate": (-1.0, 10.0),
    "coefficient": (0.0, 1.0),
    "duration": (0.0, units.MAX_DURATION_MONTHS),
    "date": (12.0 * units.FIRST_YEAR, 12.0 * units.LAST_YEAR + 11),
    "fault rate": (0.0, units.MAX_FAULTS_PER_YEAR),
    "fault rate per 1000 km": (0.0, units.MAX_FAULTS_PER_1000_KM_YEAR),
    "repair time": (units.MIN_DURATION_DAYS, units.MAX_DURATION_DAYS),
    "length": (1e-9, units.MAX_LENGTH_KM),
}
#: Narrower ranges of particular fields, by (model, field).
_FIELD_RANGES = {
    ("Planning", "max_utilisation"): (0.01, 1.0),
    ("LogisticShare", "ramp"): (1.0, units.MAX_DURATION_MONTHS),
}


def parse_value(ref: FieldRef, raw: Any, as_duration: bool = False) -> float:
    """A written value in the field's base unit; raises ValueError with the unit's message."""
    annotation = Duration if as_duration else ref.annotation
    try:
        return float(TypeAdapter(annotation).validate_python(raw))
    except ValidationError as error:
        details = error.errors()[0]
        ctx = details.get("ctx") or {}
        raise ValueError(str(ctx.get("message", details["msg"]))) from None


def _spread(ref: FieldRef, raw: Any) -> float:
    """A standard deviation: a positive amount in the field's unit (months for dates)."""
    value = parse_value(ref, raw, as_duration=ref.kind == "date")
    if value <= 0:
        raise ValueError("sd must be more than 0")
    return value


def _resolve_one(ref: FieldRef, spec: BaseModel) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Numbers of one distribution and problems ``(field, message)``."""
    values: dict[str, Any] = {}
    problems: list[tuple[str, str]] = []
    data = spec.model_dump(exclude_none=True, exclude={"source"})
    dist = data.pop("dist")

    def parse(name: str, reader: Any = None) -> None:
        try:
            values[name] = (reader or (lambda raw: parse_value(ref, raw)))(data[name])
        except ValueError as error:
            problems.append((name, str(error)))

    if dist == "delay":
        if ref.kind != "date":
            return {}, [("dist", f"'delay' moves a date; {ref.path} is a {ref.kind}")]
        values.update(low=float(data["low"]), mode=float(data["mode"]), high=float(data["high"]))
    elif dist == "lognormal":
        given = [k for k in ("p5", "p10", "p25", "p75", "p90", "p95") if k in data]
        if "mu" in data or "sigma" in data:
            if "mu" not in data or "sigma" not in data or "median" in data or given:
                return {}, [("dist", "give either median and one percentile (e.g. p90), or mu and sigma")]
            values.update(mu=float(data["mu"]), sigma=float(data["sigma"]))
        else:
            if "median" not in data or len(given) != 1:
                return {}, [
                    (
                        "dist",
                        "give the median and exactly one percentile, e.g. median: 200 Gbps, p90: 300 Gbps",
                    )
                ]
            parse("median")
            parse(given[0])
            if not problems:
                median, other, level = values.pop("median"), values.pop(given[0]), int(given[0][1:])
                if median <= 0 or other <= 0 or (other > median) != (level > 50) or other == median:
                    side = "above" if level > 50 else "below"
                    problems.append((given[0], f"must be {side} the median and both above 0"))
                else:
                    values.update(median=median, value=other, percentile=float(level))
    elif dist == "choice":
        try:
            values["values"] = [parse_value(ref, raw) for raw in data["values"]]
        except ValueError as error:
            problems.append(("values", str(error)))
        weights = data.get("weights")
        if weights is not None and (
            len(weights) != len(data["values"]) or min(weights) < 0 or sum(weights) <= 0
        ):
            problems.append(("weights", "give one weight of 0 or more per value, not all 0"))
        values["weights"] = weights or [1.0] * len(data["values"])
    else:
        for name in data:
            if name == "shape":
                values["shape"] = float(data["shape"])
            else:
                parse(name, (lambda raw: _spread(ref, raw)) if name == "sd" else None)
    if problems:
        return {}, problems
    return values, _check_order_and_range(ref, dist, values)


def _check_order_and_range(ref: FieldRef, dist: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """low <= mode <= high, low < high, and every reachable value valid for the field."""
    problems: list[tuple[str, str]] = []
    if dist in ("uniform", "triangular", "pert", "delay") or (
        dist == "normal" and "low" in values and "high" in values
    ):
        low, high = values["low"], values["high"]
        mode = values.get("mode", low)
        if not low <= mode <= high or (dist == "uniform" and not low < high):
            order = "low < high" if dist == "uniform" else "low <= mode <= high"
            problems.append(("low", f"needs {order}"))
    if dist == "normal" and "low" in values and "high" in values and not values["low"] < values["high"]:
        problems.append(("low", "needs low < high"))
    lowest, highest = _reach(dist, values)
    if dist == "delay":  # a delay moves the date written
        lowest, highest = lowest + ref.value, highest + ref.value
    allowed = _FIELD_RANGES.get((type(ref.owner).__name__, ref.field), _RANGES.get(ref.kind))
    if allowed is not None and not problems:
        if ref.kind == "bit rate" and not lowest >= units.MIN_BIT_RATE_GBPS:
            problems.append(
                (
                    "dist",
                    f"can reach {lowest:g} Gbps; a bit rate must stay at 1 bps or more (bound it with low:)",
                )
            )
        elif not (allowed[0] <= lowest and highest <= allowed[1]):
            reach = (
                f"is {_show(ref, lowest)}, which is"
                if lowest == highest
                else f"can reach {_show(ref, lowest)} to {_show(ref, highest)},"
            )
            problems.append(
                (
                    "dist",
                    f"{reach} outside what {ref.path} allows ({_show(ref, allowed[0])} to "
                    f"{_show(ref, allowed[1])}); narrow it or give low: and high: bounds",
                )
            )
    return problems


#: Largest standard normal score the sampler produces: uniforms are kept within
#: [eps, 1 - eps] (float64 eps), and Phi^-1(1 - eps) = 8.1258906647.
Z_MAX = 8.125890664701906


def _reach(dist: str, values: dict[str, Any]) -> tuple[float, float]:
    """Smallest and largest values the sampler can produce from a distribution."""
    if dist == "fixed":
        return values["value"], values["value"]
    if dist == "choice":
        return min(values["values"]), max(values["values"])
    if dist == "normal":
        spread = Z_MAX * values["sd"]
        return max(values.get("low", -math.inf), values["mean"] - spread), min(
            values.get("high", math.inf), values["mean"] + spread
        )
    if dist == "lognormal":
        if "mu" in values:
            mu, sigma = values["mu"], values["sigma"]
        else:
            mu = math.log(values["median"])
            sigma = math.log(values["value"] / values["median"]) / _normal_score(values["percentile"] / 100)
        return _exp(mu - Z_MAX * sigma), _exp(mu + Z_MAX * sigma)
    return values["low"], values["high"]


def reach(parameter: Parameter) -> tuple[float, float]:
    """Smallest and largest values a parameter's distribution can draw, in base units."""
    return _reach(parameter.dist, parameter.values)


def _exp(x: float) -> float:
    """``e^x``, infinite instead of an OverflowError."""
    return math.exp(x) if x < 709 else math.inf


def _normal_score(p: float) -> float:
    """Phi^-1(p) for the percentiles the lognormal accepts (5, 10, 25, 75, 90, 95)."""
    from scipy.stats import norm

    return float(norm.ppf(p))


def _show(ref: FieldRef, value: float) -> str:
    if not math.isfinite(value):
        return "-infinity" if value < 0 else "infinity"
    if ref.kind in ("percentage", "growth rate"):
        return units.format_percent(value)
    if ref.kind == "bit rate":
        return units.format_bit_rate(value)
    if ref.kind == "date" and abs(value) < 1e6:
        return units.format_month(round(value))
    if ref.kind == "duration" and abs(value) < 1e6:
        return units.format_duration(round(value))
    if ref.kind == "repair time":
        return units.format_days(value)
    if ref.kind in ("fault rate", "fault rate per 1000 km"):
        return units.format_fault_rate(value, per_1000_km=ref.kind != "fault rate")
    if ref.kind == "length":
        return f"{value:g} km"
    return f"{value:g}"


_JUDGED_AS_WRITTEN = (
    "installed capacity and a link's potential tell what meeting a target takes (activation, an "
    "upgrade or a new system), judged from the values written; to compare values, run with "
    "'--set {path}=...' and compare the reports"
)
#: Fields that are not uncertain inputs of the model, by (model, field), and why.
_NOT_UNCERTAIN = {
    ("Period", "start"): "the period is the window the report covers, not an uncertain input; "
    "write the dates you want to look at",
    ("Period", "end"): "the period is the window the report covers, not an uncertain input; "
    "write the dates you want to look at",
    ("Target", "capacity"): "a target is the goal capacity is measured against, not an uncertain input; "
    "give the phases' capacity or in_service a distribution instead",
    ("Target", "by"): "a target is the goal capacity is measured against, not an uncertain input; "
    "give the phases' in_service a distribution (e.g. dist: delay) instead",
    ("Phase", "lead_time"): "lead times date the orders of the capacity plan, which uses the values "
    "written; compare lead times with 'capacity-model sweep --param {path} --values ...' instead",
    ("Planning", "default_lead_time"): "lead times date the orders of the capacity plan, which uses the "
    "values written; compare lead times with 'capacity-model sweep --param {path} --values ...' instead",
    ("Phase", "installed"): _JUDGED_AS_WRITTEN,
    ("Planning", "emergency_utilisation"): "the N-1 analysis uses the values written; to compare "
    "emergency utilisations, run with '--set {path}=...' and compare the reports",
    ("Potential", "value"): _JUDGED_AS_WRITTEN,
    ("Potential", "rate"): _JUDGED_AS_WRITTEN,
}


def resolve_parameters(
    scenario: BaseModel, uncertainty: Uncertainty
) -> tuple[list[Parameter], list[Finding]]:
    """The section's parameters in base units, and its problems as findings relative to the scenario.

    Checks: each path names a numeric field; each distribution's values are in the field's
    unit, ordered, and within what the field allows; correlations name parameters of
    the section, each pair once, and form a positive semi-definite matrix.
    """
    parameters: list[Parameter] = []
    findings: list[Finding] = []
    for path, spec in uncertainty.parameters.items():
        at = ("uncertainty", "parameters", path)
        try:
            ref = resolve(scenario, path)
        except PathError as error:
            findings.append((str(error), at))
            continue
        if ref.kind == "whole number":
            findings.append(
                (
                    "a whole number (a priority, a number of samples) is a choice, not an uncertain "
                    f"input; compare values with 'capacity-model sweep --param {path} --values ...' instead",
                    at,
                )
            )
            continue
        fixed = _NOT_UNCERTAIN.get((type(ref.owner).__name__, ref.field))
        if fixed is not None:
            findings.append((fixed.format(path=path), at))
            continue
        if ref.location[:2] == ("planning", "upgrade"):
            findings.append(
                (
                    "planning.upgrade is the rule of the capacity plan, which uses the values written, "
                    "not an uncertain input; compare rules with 'capacity-model sweep --param "
                    f"{path}' instead",
                    at,
                )
            )
            continue
        values, problems = _resolve_one(ref, spec)
        findings += [(message, (*at, name)) for name, message in problems]
        if not problems:
            parameters.append(Parameter(ref=ref, dist=spec.dist, values=values))
    findings += _check_correlations(uncertainty)
    return parameters, findings


def correlation_matrix(uncertainty: Uncertainty, paths: list[str]) -> list[list[float]]:
    """The correlation matrix of ``paths`` (in that order), ones on the diagonal."""
    index = {p: i for i, p in enumerate(paths)}
    matrix = [[1.0 if i == j else 0.0 for j in range(len(paths))] for i in range(len(paths))]
    for c in uncertainty.correlations:
        a, b = (index[p] for p in c.between)
        matrix[a][b] = matrix[b][a] = c.rho
    return matrix


def _check_correlations(uncertainty: Uncertainty) -> list[Finding]:
    import numpy as np

    findings: list[Finding] = []
    seen: set[frozenset[str]] = set()
    for i, c in enumerate(uncertainty.correlations):
        at = ("uncertainty", "correlations", i, "between")
        unknown = [p for p in c.between if p not in uncertainty.parameters]
        if unknown:
            findings.append(
                (
                    f"{unknown[0]!r} is not one of the parameters above; correlate parameters by their paths",
                    at,
                )
            )
        elif c.between[0] == c.between[1]:
            findings.append(("a parameter cannot be correlated with itself", at))
        elif frozenset(c.between) in seen:
            findings.append(("this pair is already correlated above", at))
        seen.add(frozenset(c.between))
    if findings or not uncertainty.correlations:
        return findings
    paths = list(uncertainty.parameters)
    smallest = float(np.linalg.eigvalsh(np.array(correlation_matrix(uncertainty, paths))).min())
    if smallest < -1e-10:
        findings.append(
            (
                f"these correlations cannot hold together (the matrix is not positive semi-definite: its "
                f"smallest eigenvalue is {smallest:.3g}); weaken some of them",
                ("uncertainty", "correlations"),
            )
        )
    return findings


def describe(spec: BaseModel) -> str:
    """A distribution as written, e.g. ``triangular: low 15%, mode 22%, high 30%``."""
    data = spec.model_dump(mode="json", exclude_none=True, exclude={"source"})
    dist = data.pop("dist")
    return f"{dist}: " + ", ".join(f"{k} {v}" for k, v in data.items())
