"""A scenario's network of corridors in words and tables: each stream end to end, each
corridor's load (``routes.csv`` and the network's ``summary.json``; README, "Corridors").
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import __version__
from ..engine.network import Network
from ..units import format_month
from .faults import fault_line, faults_summary, loss_quantile
from .narrative import verdict
from .network_outages import network_outage_lines, network_outages_summary
from .network_resilience import network_n1_columns, network_n1_lines, network_n1_summary
from .uncertainty_text import scenario_samples_phrase
from .words import percent, tbps_days, tbps_days_alike, volume
from .words import rate as _rate

__all__ = [
    "load_line",
    "network_columns",
    "network_fault_lines",
    "network_lines",
    "network_summary",
    "network_verdict",
    "stream_line",
    "uncertain_stream_lines",
]


def _corridor_names(network: Network) -> dict[str, str]:
    return {c.id: c.display_name for c in network.scenario.corridors}


def _path(network: Network, path: list[str]) -> str:
    names = _corridor_names(network)
    return " then ".join(names[c] for c in path)


def _short_months(network: Network, stream_id: str) -> np.ndarray:
    """Indices of the months in which a stream is not carried in full end to end."""
    demand = network.demand_gbps(stream_id)
    return np.flatnonzero(network.unserved_gbps(stream_id) > 1e-9 * np.maximum(1.0, demand))


def network_verdict(network: Network) -> str:
    """The network's answer first: ``'Yes.'`` when every stream is carried in full end to end
    in every month, else ``'No.'`` with the streams that run short, from when, and the corridor
    that limits each then (the tightest of its route)."""
    months = network.months
    names = _corridor_names(network)
    streams = network.scenario.demand
    short = []
    for stream in streams:
        indices = _short_months(network, stream.id)
        if indices.size:
            limit = network.tightest(stream.id, int(indices[0]))
            short.append((int(indices[0]), stream.display_name, names[limit] if limit else None))
    if not short:
        return f"Yes. End to end, every stream is carried in full in every month to {format_month(int(months[-1]))}."
    short.sort(key=lambda entry: entry[0])
    return (
        f"No. End to end, {len(short)} of {len(streams)} streams run short: "
        + "; ".join(
            f"{name} from {format_month(int(months[first]))}" + (f", limited by {limit}" if limit else "")
            for first, name, limit in short
        )
        + "."
    )


def stream_line(network: Network, stream_id: str) -> str:
    """One stream end to end: its route, what it carries at the horizon, when it is first
    short, which corridor limits it then, and its unserved traffic."""
    stream = next(s for s in network.scenario.demand if s.id == stream_id)
    demand = network.demand_gbps(stream_id)
    carried = network.carried_gbps(stream_id)
    unserved = network.unserved_gbps(stream_id)
    months = network.months
    short = _short_months(network, stream_id)
    names = _corridor_names(network)
    text = f"{stream.display_name} (over {_path(network, network.route_of(stream_id))}"
    if stream.backup:
        text += "; backup " + "; ".join(_path(network, list(b)) for b in stream.backup)
    text += "): "
    if not short.size:
        return (
            text
            + f"carried in full in every month; {_rate(float(carried[-1]))} at {format_month(int(months[-1]))}."
        )
    first = int(short[0])
    limit = network.tightest(stream_id, first)
    on_backup = sum(
        (np.broadcast_to(b, months.shape) for b in network.routed.on_backup_gbps[_index(network, stream_id)]),
        start=np.zeros(months.shape),
    )
    return (
        text
        + f"short from {format_month(int(months[first]))}"
        + (f", limited by {names[limit]}" if limit else "")
        + f"; {len(short):,} of {len(months):,} months short, {volume(float(unserved.sum()) / 1000)} unserved; "
        + f"at {format_month(int(months[-1]))} it carries {_rate(float(carried[-1]))} of {_rate(float(demand[-1]))}"
        + (
            (
                f" ({_rate(float(on_backup[-1]))} on backups)"
                if on_backup[-1] > 0
                else " (none on backups then)"
            )
            if float(on_backup.max(initial=0.0)) > 0
            else ""
        )
        + "."
    )


def _uncertain_stream_line(network: Network, stream_id: str) -> str:
    """One stream end to end over the samples: the chance it is short, its unserved traffic and
    the share of its demand it carries at the horizon."""
    mc = network.mc
    assert mc is not None
    stream = next(s for s in network.scenario.demand if s.id == stream_id)
    low, mid, high = mc.quantiles(stream_id, "unserved_tbps_months")
    share = mc.quantiles(stream_id, "carried_fraction_at_horizon")
    end = format_month(int(network.months[-1]))
    return (
        f"{stream.display_name}: short in {percent(mc.p_short(stream_id))} of samples; unserved median "
        f"{volume(mid)} (P10 {volume(low)}, P90 {volume(high)}); at {end} it carries a median "
        f"{percent(share[1])} of its demand (P10 {percent(share[0])}, P90 {percent(share[2])})."
    )


def _index(network: Network, stream_id: str) -> int:
    return [s.id for s in network.scenario.demand].index(stream_id)


def network_lines(network: Network) -> list[str]:
    """The network in sentences: its answer (:func:`network_verdict`), each corridor's verdict,
    each stream end to end (and over the samples, when they were run), then which corridors
    are full."""
    names = _corridor_names(network)
    lines = [network_verdict(network)]
    lines += [
        f"{names[c]} ({c}/), as if it were the only leg of its streams: {verdict(p)[0]}"
        for c, p in network.corridors.items()
    ]
    lines.append("End to end, with the values written:")
    lines += [stream_line(network, s.id) for s in network.scenario.demand]
    lines += network_outage_lines(network)
    lines += network_n1_lines(network)
    if network.mc is not None:
        lines.append(f"Over {scenario_samples_phrase(network.scenario, network.mc.samples)}, end to end:")
        lines += uncertain_stream_lines(network)
    lines.append(load_line(network))
    return lines


def uncertain_stream_lines(network: Network) -> list[str]:
    """Each stream end to end over the samples (empty when they were not run), then the faults
    at random end to end (with fault rates)."""
    if network.mc is None:
        return []
    return [_uncertain_stream_line(network, s.id) for s in network.scenario.demand] + network_fault_lines(
        network
    )


def network_fault_lines(network: Network) -> list[str]:
    """The faults at random end to end: the network's loss in one sentence, then what each
    stream loses and moves onto its backups a year; empty without fault rates."""
    mc = network.mc
    if mc is None or mc.faults is None:
        return []
    line = fault_line(mc.faults, " end to end, drawn once for the whole network")
    assert line is not None
    parts = []
    for stream in network.scenario.demand:
        values = mc.per_stream[stream.id]
        loss, moved = values["fault_loss_tbps_days_per_year"], values["fault_moved_tbps_days_per_year"]
        low, high = (loss_quantile(loss, q) for q in (0.1, 0.9))
        text = f"{stream.display_name} "
        if not loss.any() and not moved.any():
            parts.append(text + "nothing")
            continue
        mean_text, low_text, high_text = tbps_days_alike(float(loss.mean()), low, high)
        text += f"loses {mean_text} (P10 {low_text}, P90 {high_text})"
        if moved.any():
            text += f", {tbps_days(float(moved.mean()))} carried on its backup routes instead"
        parts.append(text)
    return [line, "By stream, a year on average: " + "; ".join(parts) + "."]


def load_line(network: Network) -> str:
    """Which corridors are full, and in how many months; or the busiest when none is."""
    names = _corridor_names(network)
    full_months = {
        c: int(
            np.count_nonzero(
                (network.spare_gbps(c) <= 1e-9 * np.maximum(1.0, network.usable_gbps(c)))
                & (network.used_gbps(c) > 0)
            )
        )
        for c in network.corridors
    }
    full = [c for c, n in full_months.items() if n]
    if full:
        return (
            "Full (all their usable capacity carrying traffic): "
            + "; ".join(f"{names[c]} in {full_months[c]:,} of {len(network.months):,} months" for c in full)
            + "."
        )
    used = {
        c: float(np.max(network.used_gbps(c) / np.maximum(network.usable_gbps(c), 1e-12)))
        for c in network.corridors
    }
    busiest = max(used, key=used.__getitem__)
    return f"No corridor is full; the busiest, {names[busiest]}, carries up to {percent(used[busiest])} of its usable capacity."


def network_columns(network: Network) -> dict[str, Any]:
    """``routes.csv``: one row per month.

    Columns: ``date``; per stream ``demand_<id>_gbps``, ``carried_<id>_gbps`` (end to end),
    ``on_route_<id>_gbps``, ``on_backup<k>_<id>_gbps`` (k from 1, for each backup route),
    ``unserved_<id>_gbps``; per corridor ``usable_<id>_gbps`` (``u·C``), ``used_<id>_gbps``
    (carried over it, on routes and backups) and ``spare_<id>_gbps``; then the N-1 columns
    (:func:`~.network_resilience.network_n1_columns`).
    """
    months = network.months
    columns: dict[str, Any] = {"date": [format_month(int(m)) for m in months]}
    for k, stream in enumerate(network.scenario.demand):
        i = stream.id
        columns[f"demand_{i}_gbps"] = network.demand_gbps(i)
        columns[f"carried_{i}_gbps"] = network.carried_gbps(i)
        columns[f"on_route_{i}_gbps"] = np.broadcast_to(network.routed.on_route_gbps[k], months.shape)
        for b, values in enumerate(network.routed.on_backup_gbps[k], start=1):
            columns[f"on_backup{b}_{i}_gbps"] = np.broadcast_to(values, months.shape)
        columns[f"unserved_{i}_gbps"] = network.unserved_gbps(i)
    for corridor in network.corridors:
        usable = network.usable_gbps(corridor)
        used = network.used_gbps(corridor)
        columns[f"usable_{corridor}_gbps"] = usable
        columns[f"used_{corridor}_gbps"] = used
        columns[f"spare_{corridor}_gbps"] = np.maximum(0.0, usable - used)
    return columns | network_n1_columns(network)


def network_summary(network: Network, scenario_sha256: str | None = None) -> dict[str, Any]:
    """The network's ``summary.json``: its corridors (folder and verdict) and each stream end to end."""
    months = network.months
    streams = []
    for s in network.scenario.demand:
        unserved = network.unserved_gbps(s.id)
        demand = network.demand_gbps(s.id)
        short = np.flatnonzero(unserved > 1e-9 * np.maximum(1.0, demand))
        first = int(short[0]) if short.size else None
        streams.append(
            {
                "stream": s.id,
                "route": network.route_of(s.id),
                "backup": [list(b) for b in s.backup],
                "months_short": int(short.size),
                "first_short": None if first is None else format_month(int(months[first])),
                "limited_by": None if first is None else network.tightest(s.id, first),
                "unserved_tbps_months": float(unserved.sum()) / 1000,
                "carried_at_horizon_gbps": float(network.carried_gbps(s.id)[-1]),
                "demand_at_horizon_gbps": float(demand[-1]),
            }
        )
    uncertainty = None
    if network.mc is not None:
        mc = network.mc

        def spread(stream_id: str, name: str) -> dict[str, float]:
            return dict(zip(("p10", "p50", "p90"), mc.quantiles(stream_id, name), strict=True))

        def with_mean(stream_id: str, name: str) -> dict[str, float]:
            return {"mean": float(np.mean(mc.per_stream[stream_id][name]))} | spread(stream_id, name)

        fault_names = ("fault_loss_tbps_days_per_year", "fault_moved_tbps_days_per_year")
        uncertainty = {
            "samples": mc.samples,
            "streams": [
                {
                    "stream": s.id,
                    "p_short": mc.p_short(s.id),
                    "months_short": spread(s.id, "months_short"),
                    "unserved_tbps_months": spread(s.id, "unserved_tbps_months"),
                    "carried_fraction_at_horizon": spread(s.id, "carried_fraction_at_horizon"),
                }
                | ({name: with_mean(s.id, name) for name in fault_names} if mc.faults is not None else {})
                for s in network.scenario.demand
            ],
            **({"faults": faults_summary(mc.faults)} if mc.faults is not None else {}),
        }
    return {
        "scenario": network.scenario.name,
        "corridors": [
            {"id": c.id, "name": c.display_name, "folder": c.id, "verdict": verdict(network.corridors[c.id])}
            for c in network.scenario.corridors
        ],
        "streams": streams,
        "n_minus_1": network_n1_summary(network),
        **({"outages": outages} if (outages := network_outages_summary(network)) is not None else {}),
        **({"uncertainty": uncertainty} if uncertainty is not None else {}),
        "scenario_sha256": scenario_sha256,
        "version": __version__,
    }
