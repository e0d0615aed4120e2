"""N-1 over a network of corridors, in words, tables and JSON: losing the largest link of each
corridor in turn, or each risk group, with the streams spilling onto their backup routes
(README, "Corridors and routes"; :func:`capacity_model.engine.network_events.network_n_minus_1`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..engine.network import Network
from ..engine.network_events import NetworkLoss
from ..units import format_days, format_month
from .words import percent
from .words import rate as _rate

__all__ = ["loss_label", "network_n1_columns", "network_n1_lines", "network_n1_summary"]

#: Streams named one by one in the traffic at risk; the others are counted together.
NAMED_STREAMS = 3


def loss_label(network: Network, loss: NetworkLoss) -> str:
    """What is lost, in words: ``'the largest link of Karachi subsea'``, ``'risk group Jeddah'``."""
    if loss.group is not None:
        group = next(g for g in network.scenario.risk_groups if g.id == loss.group)
        return f"risk group {group.display_name}"
    corridor = next(c for c in network.scenario.corridors if c.id == loss.corridor)
    return f"the largest link of {corridor.display_name}"


def _column_key(loss: NetworkLoss) -> str:
    return f"group_{loss.group}" if loss.group is not None else f"largest_{loss.corridor}"


def _streams_then(network: Network, loss: NetworkLoss, month: int) -> str:
    """The streams at risk in a month, the largest first: ``'national 5.1 Tbps, transit 1 Tbps'``."""
    names = {s.id: s.display_name for s in network.scenario.demand}
    ids = [s.id for s in network.scenario.demand]
    at_risk = {ids[i]: float(loss.stream_at_risk_gbps[i, month]) for i in range(len(ids))}
    short = sorted((i for i in at_risk if at_risk[i] > 0), key=lambda i: -at_risk[i])
    parts = [f"{names[i]} {_rate(at_risk[i])}" for i in short[:NAMED_STREAMS]]
    if len(short) > NAMED_STREAMS:
        parts.append(
            f"{len(short) - NAMED_STREAMS} more streams {_rate(sum(at_risk[i] for i in short[NAMED_STREAMS:]))}"
        )
    return ", ".join(parts)


def _loss_text(network: Network, loss: NetworkLoss) -> str:
    """One loss end to end: when it first leaves a stream short, what is lost then, the traffic
    at risk and whose, and in how many months; or that every stream is carried in full."""
    months = network.months
    first = loss.first_failure()
    label = loss_label(network, loss)
    if first is None:
        return f"losing {label} leaves every stream carried in full in every month"
    names = {link.id: link.display_name for link in network.scenario.links}
    lost = loss.lost[first]
    then = "" if loss.group is not None or lost is None else f" ({names[lost]} then)"
    anyway = float(loss.short_anyway_gbps[first])
    return (
        f"losing {label} leaves streams short from {format_month(int(months[first]))}{then}: "
        f"{_rate(float(loss.at_risk_gbps[first]))} at risk ({_streams_then(network, loss, first)})"
        + (f", of which {_rate(anyway)} short anyway" if anyway > 0 else "")
        + f"; short in {int(loss.failing.sum()):,} of {len(months):,} months"
        + (
            f", {anyway_months:,} of them short even without a loss"
            if (anyway_months := int(np.count_nonzero(loss.short_anyway_gbps > 0)))
            else ""
        )
    )


def network_n1_lines(network: Network) -> list[str]:
    """N-1 end to end in sentences: the conditions and each loss, then the same after
    activation (with an activation delay); empty for a network without corridors."""
    if not network.n_minus_1:
        return []
    planning = network.scenario.planning
    lines = [
        f"N-1 end to end (links run at up to {percent(planning.emergency_utilisation)} while one is down; "
        "what a corridor cannot carry goes to the streams' backup routes): "
        + "; ".join(_loss_text(network, loss) for loss in network.n_minus_1)
        + "."
    ]
    if network.n_minus_1_activated:
        delay = format_days(planning.activation_delay or 0.0)
        lines.append(
            f"With the survivors' unlit capacity switched on in every corridor (after {delay}): "
            + "; ".join(_loss_text(network, loss) for loss in network.n_minus_1_activated)
            + "."
        )
    return lines


def _loss_summary(network: Network, loss: NetworkLoss) -> dict[str, Any]:
    first = loss.first_failure()
    ids = [s.id for s in network.scenario.demand]
    return {
        "corridor": loss.corridor,
        "group": loss.group,
        "first_failure": None if first is None else format_month(int(network.months[first])),
        "lost_then": None if first is None else loss.lost[first],
        "months_failing": int(loss.failing.sum()),
        "months_short_anyway": int(np.count_nonzero(loss.short_anyway_gbps > 0)),
        "at_risk_then_gbps": None if first is None else float(loss.at_risk_gbps[first]),
        "short_anyway_then_gbps": None if first is None else float(loss.short_anyway_gbps[first]),
        "streams_at_risk_then_gbps": None
        if first is None
        else {ids[i]: float(loss.stream_at_risk_gbps[i, first]) for i in range(len(ids))},
        "largest_at_risk_gbps": float(np.max(loss.at_risk_gbps, initial=0.0)),
    }


def network_n1_summary(network: Network) -> dict[str, Any]:
    """The ``n_minus_1`` block of the network's ``summary.json``."""
    return {
        "emergency_utilisation": network.scenario.planning.emergency_utilisation,
        "losses": [_loss_summary(network, loss) for loss in network.n_minus_1],
        "after_activation": [_loss_summary(network, loss) for loss in network.n_minus_1_activated]
        if network.n_minus_1_activated
        else None,
    }


def network_n1_columns(network: Network) -> dict[str, Any]:
    """The N-1 columns of the network's ``routes.csv``: ``n1_largest_<corridor>_at_risk_gbps``
    and ``n1_group_<group>_at_risk_gbps`` (traffic at risk end to end), and with an activation
    delay the same with ``n1_activated_``."""
    columns: dict[str, Any] = {}
    for prefix, losses in (("n1_", network.n_minus_1), ("n1_activated_", network.n_minus_1_activated)):
        for loss in losses:
            columns[f"{prefix}{_column_key(loss)}_at_risk_gbps"] = loss.at_risk_gbps
    return columns
