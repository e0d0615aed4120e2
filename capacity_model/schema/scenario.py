"""A whole scenario, and the rules that tie its parts together."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator, model_validator

from ..paths import FieldRef
from ..quantities import (
    Finding,
    Fraction,
    Name,
    SourceKey,
    StrictModel,
    Text,
    did_you_mean,
    problem,
    raise_all,
    same_name_key,
)
from ..uncertainty import Parameter, Uncertainty, resolve_parameters, workload_problems
from .checks import corridor_findings, outage_findings
from .demand import DemandStream, FittedGrowth
from .failures import FaultSource, Outage, RiskGroup
from .limits import MAX_ENTRIES, MAX_SOURCES
from .links import Corridor, Link, Phase, Target
from .planning import Period, Planning
from .workload import fault_findings, workload_findings


class Scenario(StrictModel):
    """A whole scenario: the corridor's links, targets, demand and planning rules."""

    name: Name
    """Title of the scenario, shown on the report."""
    description: Text = ""
    """One or two sentences shown under the title."""
    period: Period
    """Months to project, both ends included."""
    planning: Planning = Field(default_factory=Planning)
    """Utilisation threshold and default lead time."""
    links: Annotated[list[Link], Field(min_length=1, max_length=MAX_ENTRIES)]
    """The corridor's links; corridor capacity is their sum."""
    targets: list[Target] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Announced capacity targets."""
    demand: Annotated[list[DemandStream], Field(min_length=1, max_length=MAX_ENTRIES)]
    """Demand streams; corridor demand is their sum."""
    corridors: list[Corridor] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Corridors in series or side by side; without, all links form one corridor."""
    risk_groups: list[RiskGroup] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Links that fail together, each lost at once in the N-1 analysis."""
    outages: list[Outage] = Field(default_factory=list, max_length=MAX_ENTRIES)
    """Scripted outages, evaluated day by day inside their windows."""
    sources: dict[SourceKey, Text] = Field(default_factory=dict, max_length=MAX_SOURCES)
    """Citations, by key: the ``source`` fields elsewhere name these keys."""
    uncertainty: Uncertainty | None = None
    """Optional distributions of inputs for Monte Carlo runs and sensitivity analysis."""

    @field_validator("links", "demand", "risk_groups", "outages", "corridors")
    @classmethod
    def check_ids_unique(
        cls, items: list[Link] | list[DemandStream] | list[RiskGroup] | list[Outage] | list[Corridor]
    ) -> Any:
        _check_unique([item.id for item in items], "id")
        return items

    @field_validator("targets")
    @classmethod
    def check_target_names_unique(cls, targets: list[Target]) -> list[Target]:
        _check_unique([t.name for t in targets], "name")
        return targets

    @model_validator(mode="after")
    def check_sources_defined(self) -> Scenario:
        defined = (
            "sources defines " + ", ".join(repr(k) for k in self.sources)
            if self.sources
            else "the file has no sources: section"
        )
        raise_all(
            [
                (
                    f"{key!r} is not defined under sources"
                    + (did_you_mean(key, self.sources) or f"; {defined}"),
                    path,
                )
                for path, key in _source_references(self)
                if key not in self.sources
            ]
        )
        return self

    @model_validator(mode="after")
    def check_risk_groups_name_links(self) -> Scenario:
        ids = [link.id for link in self.links]
        findings: list[tuple[str, tuple[str | int, ...]]] = []
        for g, group in enumerate(self.risk_groups):
            if group.id in ids:
                findings.append(
                    (
                        f"{group.id!r} is also a link's id; give the group an id of its own, so that "
                        "what is lost is never in doubt",
                        ("risk_groups", g, "id"),
                    )
                )
            for k, link in enumerate(group.links):
                if link not in ids:
                    findings.append(
                        (
                            f"no link {link!r}"
                            + (did_you_mean(link, ids) or f"; the links are {', '.join(ids)}"),
                            ("risk_groups", g, "links", k),
                        )
                    )
                elif link in group.links[:k]:
                    findings.append((f"{link!r} is listed twice", ("risk_groups", g, "links", k)))
        raise_all(findings)
        return self

    @model_validator(mode="after")
    def check_corridors(self) -> Scenario:
        raise_all(corridor_findings(self))
        return self

    @model_validator(mode="after")
    def check_faults(self) -> Scenario:
        raise_all(fault_findings(self))
        raise_all(workload_findings(self))
        return self

    def fault_sources(self) -> list[FaultSource]:
        """Each source of faults at random: links with faults, then risk groups with faults."""
        return [
            FaultSource(link.id, link.faults, (link.id,), link.faults_per_year or 0.0, ("links", k, "faults"))
            for k, link in enumerate(self.links)
            if link.faults is not None
        ] + [
            FaultSource(g.id, g.faults, tuple(g.links), g.faults.rate or 0.0, ("risk_groups", k, "faults"))
            for k, g in enumerate(self.risk_groups)
            if g.faults is not None
        ]

    @model_validator(mode="after")
    def check_outages(self) -> Scenario:
        raise_all(outage_findings(self))
        return self

    def outage_links(self, outage: Outage) -> list[str]:
        """Ids of the links an outage hits: its ``links``, or its group's."""
        if outage.links is not None:
            return list(outage.links)
        return next((list(g.links) for g in self.risk_groups if g.id == outage.group), [])

    @model_validator(mode="after")
    def check_uncertainty(self) -> Scenario:
        fitted = any(isinstance(s.growth, FittedGrowth) for s in self.demand)
        if (
            self.uncertainty is not None
            and not self.uncertainty.parameters
            and not self.fault_sources()
            and not fitted
        ):
            raise problem(
                "the uncertainty section has no parameters: give at least one distribution, e.g. "
                "'demand.<stream>.growth.rate: {dist: uniform, low: 20%, high: 30%}', or fault rates "
                "to draw faults at random",
                "uncertainty",
                "parameters",
            )
        if self.uncertainty is not None:
            months = self.period.end - self.period.start + 1
            raise_all(
                resolve_parameters(self, self.uncertainty)[1]
                + [
                    (message, ("uncertainty", field))
                    for field, message in workload_problems(self.uncertainty, months)
                ]
            )
        return self

    def parameters(self) -> list[Parameter]:
        """The uncertain inputs, resolved to fields and base units (empty without uncertainty):
        those of the uncertainty section, then one for each fitted growth, the draw of its
        fit's joint uncertainty (``demand.<id>.growth.draw``, uniform on 0-1: see
        :func:`~capacity_model.engine.evaluation.fitted_growth_gbps`)."""
        if self.uncertainty is None:
            return []
        fitted = [
            Parameter(
                FieldRef(
                    f"demand.{s.id}.growth.draw", s.growth, "draw", Fraction, ("demand", k, "growth", "draw")
                ),
                "uniform",
                {"low": 0.0, "high": 1.0},
            )
            for k, s in enumerate(self.demand)
            if isinstance(s.growth, FittedGrowth)
        ]
        return resolve_parameters(self, self.uncertainty)[0] + fitted

    def resolved(self) -> Scenario:
        """Return the scenario with every default written out.

        Each phase gets its effective lead time and each link and stream its
        display name, so that the dumped file reproduces the run even if a
        default changes.
        """
        lead = self.planning.default_lead_time
        upgrade = self.planning.upgrade
        planning = self.planning.model_copy(
            update={"upgrade": upgrade.model_copy(update={"lead_time": self.plan_lead_time_months})}
        )
        links = [
            link.model_copy(
                update={
                    "name": link.display_name,
                    "phases": [
                        p.model_copy(update={"lead_time": lead if p.lead_time is None else p.lead_time})
                        for p in link.phases
                    ],
                }
            )
            for link in self.links
        ]
        demand = [s.model_copy(update={"name": s.display_name}) for s in self.demand]
        return self.model_copy(update={"planning": planning, "links": links, "demand": demand})

    @property
    def plan_lead_time_months(self) -> int:
        """Lead time of the capacity plan's upgrades [months]."""
        lead = self.planning.upgrade.lead_time
        return self.planning.default_lead_time if lead is None else lead

    def lead_time_months(self, phase: Phase) -> int:
        """Effective lead time of a phase [months]."""
        return self.planning.default_lead_time if phase.lead_time is None else phase.lead_time


def _check_unique(keys: Sequence[str], field: str) -> None:
    """Each key once. Names are compared as a reader sees them (:func:`same_name_key`); ids,
    which are plain letters, digits, '-' and '_', exactly."""
    first: dict[str, int] = {}
    findings: list[Finding] = []
    for i, key in enumerate(keys):
        seen = same_name_key(key) if field == "name" else key
        if seen in first:
            earlier = keys[first[seen]]
            alike = (
                ""
                if earlier == key
                else f" ({earlier!r}: names must differ in more than case, spacing or look-alike characters)"
            )
            findings.append(
                (
                    f"{key!r} is already the {field} of entry {first[seen] + 1} of this list{alike}; "
                    f"each {field} must be unique",
                    (i, field),
                )
            )
        first.setdefault(seen, i)
    raise_all(findings)


def _source_references(scenario: Scenario) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """Yield ``(path, key)`` for every ``source`` field that is set."""

    def walk(model: BaseModel, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
        for name, field in type(model).model_fields.items():
            value = getattr(model, name)
            key = field.alias or name
            if name == "source" and isinstance(value, str):
                yield (*path, key), value
            elif isinstance(value, BaseModel):
                yield from walk(value, (*path, key))
            elif isinstance(value, (list, dict)):
                entries = value.items() if isinstance(value, dict) else enumerate(value)
                for entry, item in entries:
                    if isinstance(item, BaseModel):
                        yield from walk(item, (*path, key, entry))

    yield from walk(scenario, ())
