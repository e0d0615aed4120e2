"""The report's assumption pages: every input with its value, unit and source.

Inputs are grouped as a reader looks for them (the scenario and its period, planning, each
link, the targets, each demand stream), named in words ("Phase 3 in service", "Base
value"), with the field's path in a last column for ``--set`` and the uncertainty section.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from matplotlib.figure import Figure

from ..engine.fitting import BOOTSTRAP, LINEAR_DRAWS, LINEAR_FORMS
from ..quantities import entry_label
from ..results.fit import fitted_growth_line
from ..results.uncertainty_text import parameter_label
from ..schema import FittedGrowth, Scenario
from ..uncertainty import describe
from .layout import TextFlow

__all__ = ["Location", "assumption_pages", "input_label"]

Location = tuple[str | int, ...]

#: Words for field names that are not words already.
_WORDS = {
    "in_service": "in service",
    "lead_time": "lead time",
    "max_utilisation": "utilisation threshold",
    "default_lead_time": "default lead time",
    "at": "month",
    "by": "due by",
    "p": "Bass p",
    "q": "Bass q",
}
#: A list's entries, by the list's key: ``phases[2]`` is "phase 3".
_ENTRY = {"phases": "phase", "rates": "period", "points": "point"}
#: Columns: input, value, source, field path (relative widths).
_WIDTHS = [2.4, 2.9, 1.7, 2.6]


def input_label(location: Location) -> str:
    """A field named in words, within its group: ``("phases", 2, "in_service")`` is
    ``"Phase 3 in service"``, ``("growth", "rates", 1, "rate")`` ``"Growth period 2 rate"``."""
    words: list[str] = []
    for step in location:
        if isinstance(step, int):
            plural = words.pop() if words else "entry"
            words.append(f"{_ENTRY.get(plural, plural)} {step + 1}")
        else:
            words.append(_WORDS.get(step, step.replace("_", " ")))
    text = " ".join(words) or "value"
    return text[0].upper() + text[1:]


def _leaves(
    node: Any, path: str = "", source: str = "", list_key: str | int | None = None, at: Location = ()
) -> Iterator[tuple[str, str, str, Location]]:
    """``(field path, value, source key of the nearest entry that has one, location)`` of dumped data."""
    if isinstance(node, dict):
        own = node.get("source", source)
        for key, value in node.items():
            if key not in ("source", "sources"):
                yield from _leaves(value, f"{path}.{key}" if path else str(key), own, key, (*at, key))
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from _leaves(item, f"{path}[{entry_label(list_key, item, i)}]", source, i, (*at, i))
    else:
        yield path, str(node), source, at


def _input_rows(
    scenario: Scenario, overrides: Mapping[Location, str] | None = None
) -> Iterator[tuple[str, str, str, Location]]:
    """``(field path, value with unit, source, location)`` for every input, defaults and values
    set on the command line included and marked.

    The uncertainty section has a table of its own (:func:`_uncertain_rows`)."""
    user = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True, exclude={"uncertainty"})
    given = {path for path, _, _, _ in _leaves(user)}
    resolved = scenario.resolved().model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude={"uncertainty"}
    )
    planning_source = scenario.planning.source
    overrides = overrides or {}
    for path, value, source, at in _leaves(resolved):
        if len(at) > 3 and at[0] == "demand" and at[2:4] == ("growth", "points") and _fitted(scenario, at):
            continue  # the data a curve is fitted to: summarised under "Growth fitted to data"
        if at in overrides:
            yield path, value, "command line (--set)", at
        elif path in given:
            yield path, value, source, at
        elif path.endswith(".lead_time"):
            default = f"default lead time ({planning_source})" if planning_source else "default lead time"
            yield path, value, default, at
        else:
            yield path, value, "default", at


def _fitted(scenario: Scenario, at: Location) -> bool:
    """Whether a location is inside a demand stream's fitted growth."""
    return isinstance(scenario.demand[int(at[1])].growth, FittedGrowth)


def _group(scenario: Scenario, at: Location) -> tuple[str, int]:
    """The heading of the group an input belongs to, and how many steps of its location name
    the group (the rest names the input within it)."""
    kind = at[0]
    if kind == "links" and len(at) > 1:
        link = scenario.links[int(at[1])]
        return f"Link: {link.display_name}", 2
    if kind == "demand" and len(at) > 1:
        stream = scenario.demand[int(at[1])]
        return f"Demand: {stream.display_name}", 2
    if kind == "targets" and len(at) > 1:
        return "Targets", 1
    if kind == "planning":
        return "Planning", 1
    return "Scenario and period", 0


def _grouped_rows(scenario: Scenario, overrides: Mapping[Location, str] | None) -> dict[str, list[list[str]]]:
    """Rows ``[input in words, value, source, field path]`` by group, groups in file order."""
    groups: dict[str, list[list[str]]] = {}
    for path, value, source, at in _input_rows(scenario, overrides):
        heading, depth = _group(scenario, at)
        within = at[depth:]
        if heading != "Scenario and period" and at[-1] in ("id", "name") and len(at) == 3:
            continue  # the heading names the entry and the last column its id
        if heading == "Targets":  # targets[1].capacity: "Phase 2 capacity"
            name = scenario.targets[int(at[1])].name
            label = f"{name}: {input_label(at[2:]).lower()}"
        else:
            label = input_label(within)
        groups.setdefault(heading, []).append([label, value, source, path])
    return groups


def _uncertain_rows(scenario: Scenario) -> list[list[str]]:
    """``[input in words, distribution with units, source, field path]`` of each uncertain input."""
    spec = scenario.uncertainty
    if spec is None:
        return []
    rows = []
    for parameter in scenario.parameters():
        label = parameter_label(scenario, parameter)
        label = "T" + label[1:] if label.startswith("the ") else label  # a link id keeps its case
        if isinstance(parameter.ref.owner, FittedGrowth):  # the draw of a fit, not a written field
            rows.append(
                [
                    label,
                    "its parameters drawn jointly ("
                    + (
                        f"{LINEAR_DRAWS:,} normal draws with the fit's P10-P90"
                        if parameter.ref.owner.form in LINEAR_FORMS
                        else f"{BOOTSTRAP} residual bootstrap refits"
                    )
                    + ", ordered by the curve they give at the end of the period)",
                    parameter.ref.owner.source or "",
                    parameter.path,
                ]
            )
            continue
        written = spec.parameters[parameter.path]
        rows.append([label, describe(written), written.source or "", parameter.path])
    return rows


def assumption_pages(scenario: Scenario, overrides: Mapping[Location, str] | None = None) -> list[Figure]:
    """Every input with its unit and its source, grouped; values set on the command line marked."""
    flow = TextFlow("Assumptions: every input, with its unit and source")
    flow.paragraph(
        "Values as run, grouped by link, target and demand stream. The source column names a key of "
        "the citations at the end; a value without a source of its own takes that of the entry "
        "containing it. Values the file leaves out are marked 'default'"
        + (
            "; values set on the command line with --set are marked 'command line (--set)'"
            if overrides
            else ""
        )
        + ". The last column is the field's path, as --set and the uncertainty section write it.",
        size=9.5,
    )
    header = ["Input", "Value", "Source", "Field"]
    for heading, rows in _grouped_rows(scenario, overrides).items():
        flow.heading(heading)
        flow.table(header, rows, _WIDTHS, keep_together=len(rows) <= 8)
    fitted = [s for s in scenario.demand if isinstance(s.growth, FittedGrowth)]
    if fitted:
        flow.heading("Growth fitted to data")
        flow.paragraph(
            "Each curve is fitted to the data when the scenario is loaded, in log space, and checked on the "
            "points it did not see (a rolling-origin backtest); see README, 'Calibrating demand'.",
            size=9.5,
        )
        flow.bullets([fitted_growth_line(s) for s in fitted])
    if scenario.uncertainty is not None:
        spec = scenario.uncertainty
        flow.heading("Uncertain inputs")
        flow.paragraph(
            f"{spec.samples:,} samples ({spec.method}, seed {spec.seed}); Sobol' indices from "
            f"{spec.sobol_samples:,} base samples. Each input below replaces the value above by draws "
            "from its distribution; the central case keeps the value above.",
            size=9.5,
        )
        flow.table(
            ["Input", "Distribution", "Source", "Field"],
            _uncertain_rows(scenario),
            _WIDTHS,
            keep_together=False,
        )
        if spec.correlations:
            flow.table(
                ["Correlated inputs", "", "Rank correlation"],
                [[c.between[0], c.between[1], f"{c.rho:g}"] for c in spec.correlations],
                [3.0, 3.6, 2.2],
            )
    if scenario.sources:
        flow.heading("Sources")
        flow.table(["Key", "Citation"], [[k, v] for k, v in scenario.sources.items()], [1.4, 7.4])
    return flow.pages
