"""Rules that span the scenario: corridors named and crossed, outages inside the period."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .. import units
from ..quantities import Finding, did_you_mean

if TYPE_CHECKING:
    from .scenario import Scenario


def corridor_findings(scenario: Scenario) -> list[Finding]:
    """Corridors named must exist; with several, every link, stream and target names its own;
    a route crosses each corridor once; every corridor has a link."""
    ids = [c.id for c in scenario.corridors]
    findings: list[Finding] = []
    several = len(ids) > 1
    known = f"; the corridors are {', '.join(ids)}" if ids else "; the file has no corridors: section"

    def check(value: str | None, at: tuple[str | int, ...], what: str) -> None:
        if value is None:
            if several:
                findings.append(
                    (f"{what} must name its corridor when there are several ({', '.join(ids)})", at)
                )
        elif value not in ids:
            findings.append((f"no corridor {value!r}" + (did_you_mean(value, ids) or known), at))

    for k, link in enumerate(scenario.links):
        check(
            link.corridor, ("links", k, "corridor") if link.corridor else ("links", k), "a link (corridor:)"
        )
    for k, target in enumerate(scenario.targets):
        check(
            target.corridor,
            ("targets", k, "corridor") if target.corridor else ("targets", k),
            "a target (corridor:)",
        )
    for k, stream in enumerate(scenario.demand):
        paths: list[tuple[tuple[str | int, ...], list[str]]] = [(("demand", k, "route"), stream.route or [])]
        paths += [(("demand", k, "backup", b), r) for b, r in enumerate(stream.backup)]
        if stream.route is None:
            check(None, ("demand", k), "a stream (route:)")
        for at, path in paths:
            for j, corridor in enumerate(path):
                check(corridor, (*at, j), "")
                if corridor in path[:j]:
                    findings.append(
                        (
                            f"{corridor!r} is crossed twice: a route crosses each corridor once, in order",
                            (*at, j),
                        )
                    )
        if stream.route is not None and stream.route in stream.backup:
            findings.append(
                ("a backup route is the stream's own route; give another", ("demand", k, "backup"))
            )
    if ids:
        crossed = {c for stream in scenario.demand for c in (stream.route or ids[:1])}
        for k, entry in enumerate(scenario.corridors):
            if entry.id not in crossed:
                findings.append(
                    (
                        f"no stream's route crosses corridor {entry.id!r}; each corridor is reported with "
                        "the demand routed over it, so give it a stream (a corridor only as a backup is not "
                        "supported yet)",
                        ("corridors", k),
                    )
                )
        used = {link.corridor or ids[0] for link in scenario.links}
        for k, entry in enumerate(scenario.corridors):
            if entry.id not in used:
                findings.append(
                    (
                        f"no link is in corridor {entry.id!r}; give it a link, or remove it",
                        ("corridors", k),
                    )
                )
    return findings


def outage_findings(scenario: Scenario) -> list[Finding]:
    """Problems of the outages: unknown links or groups, links not in service on the day, an
    outage outside the period, and two outages of one link at once."""
    links = {link.id: link for link in scenario.links}
    groups = [g.id for g in scenario.risk_groups]
    first_day = units.first_day_of_month(scenario.period.start)
    after_last_day = units.first_day_of_month(scenario.period.end + 1)
    findings: list[Finding] = []
    busy: dict[str, list[tuple[float, float, str]]] = {}
    first_corridor = scenario.corridors[0].id if scenario.corridors else None
    for o, outage in enumerate(scenario.outages):
        at: tuple[str | int, ...] = ("outages", o)
        corridors = {links[i].corridor or first_corridor for i in scenario.outage_links(outage) if i in links}
        if outage.lost.gbps is not None and len(corridors) > 1:
            findings.append(
                (
                    f"the outage hits links in {len(corridors)} corridors and gives its loss as a bit rate, "
                    "which cannot be shared between corridors; give a share ('lost: 30%'), or one outage "
                    "per corridor",
                    (*at, "lost"),
                )
            )
        if outage.group is not None and outage.group not in groups:
            known = (
                f"; the risk groups are {', '.join(groups)}" if groups else "; the file has no risk_groups"
            )
            findings.append(
                (
                    f"no risk group {outage.group!r}" + (did_you_mean(outage.group, groups) or known),
                    (*at, "group"),
                )
            )
            continue
        for k, link_id in enumerate(outage.links or []):
            if link_id not in links:
                findings.append(
                    (
                        f"no link {link_id!r}"
                        + (did_you_mean(link_id, links) or f"; the links are {', '.join(links)}"),
                        (*at, "links", k),
                    )
                )
            elif link_id in (outage.links or [])[:k]:
                findings.append((f"{link_id!r} is listed twice", (*at, "links", k)))
        if outage.start < first_day or outage.end_day > after_last_day:
            findings.append(
                (
                    f"the outage runs from {units.format_day(outage.start)} for {units.format_days(outage.duration)}, "
                    f"outside the period {units.format_day(first_day)} to {units.format_day(after_last_day - 1)}; "
                    "move it inside, or widen the period",
                    (*at, "start" if not first_day <= outage.start < after_last_day else "duration"),
                )
            )
        month = units.month_of_day(outage.start)
        for link_id in dict.fromkeys(scenario.outage_links(outage)):
            link = links.get(link_id)
            if link is None:
                continue
            if month < link.phases[0].in_service or (link.retire is not None and month >= link.retire):
                findings.append(
                    (
                        f"{link.display_name} is not in service on {units.format_day(outage.start)} "
                        f"(in service {units.format_month(link.phases[0].in_service)}"
                        + (f" to {units.format_month(link.retire - 1)}" if link.retire is not None else " on")
                        + "); an outage hits links in service",
                        (*at, "start"),
                    )
                )
            for start, end, other in busy.get(link_id, []):
                if outage.start < end and start < outage.end_day:
                    findings.append(
                        (
                            f"{link.display_name} is already out in outage {other!r} then "
                            f"({units.format_day(int(start))} for {units.format_days(end - start)}); "
                            "one link has one outage at a time: join them, or move one",
                            (*at, "start"),
                        )
                    )
            busy.setdefault(link_id, []).append((outage.start, outage.end_day, outage.id))
    return findings
