"""The headline results of a run as a JSON-ready mapping with stable keys (``summary.json``).

Documented in README, "Outputs". Months are written ``YYYY-MM``, rates in Gbps,
fractions as fractions, unserved traffic in Tbps·months; non-finite numbers as null.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import __version__
from ..engine import Projection
from ..engine.resilience import Loss
from ..units import format_month
from .faults import faults_summary
from .narrative import need_text, target_status_text, verdict
from .outages import outages_summary
from .tables import announced_vs_needed

if TYPE_CHECKING:  # the Monte Carlo modules load scipy.stats: only runs with uncertainty need them
    from ..engine.montecarlo import MonteCarlo
    from ..engine.sensitivity import Sensitivity

__all__ = ["SUMMARY_KEYS", "summary", "uncertainty_summary"]

#: Top-level keys of ``summary.json``, in order. A scenario with outages also has ``outages``,
#: after ``n_minus_1`` (left out without, so that such files stay as they were).
SUMMARY_KEYS = (
    "scenario",
    "description",
    "period",
    "max_utilisation",
    "verdict",
    "months_short",
    "unserved_tbps_months",
    "unserved_share",
    "shortfall_episodes",
    "exhaustions",
    "phases",
    "capacity_in_place",
    "n_minus_1",
    "targets",
    "target_steps",
    "carried",
    "plan",
    "largest_gap",
    "horizon",
    "scenario_sha256",
    "version",
)


def _month(month: int | None) -> str | None:
    return None if month is None else format_month(month)


def _finite(value: float) -> float | None:
    """The value, or None when it is infinite or NaN (JSON has neither)."""
    return float(value) if math.isfinite(value) else None


def _json_safe(value: Any) -> Any:
    """Replace non-finite floats (e.g. utilisation with no capacity) by None, recursively."""
    if isinstance(value, float):
        return _finite(value)
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_safe(v) for v in value]
    return value


def _loss_summary(projection: Projection, loss: Loss) -> dict[str, Any]:
    first = loss.first_failure()
    return {
        "first_failure": None if first is None else format_month(int(projection.months[first])),
        "lost_then": None if first is None else loss.lost_at(first),
        "left_then_gbps": None if first is None else float(loss.left_gbps[first]),
        "demand_then_gbps": None if first is None else float(projection.demand_gbps[first]),
        "months_failing": int(np.count_nonzero(loss.failing)),
        "at_risk_tbps_months": float(np.sum(loss.at_risk_gbps)) / 1000,
        "least_headroom_gbps": float(np.min(loss.headroom_gbps)),
    }


def _n_minus_1(projection: Projection) -> dict[str, Any] | None:
    """The N-1 block of ``summary.json``, or None with one link and no risk groups."""
    if not projection.resilience_applies:
        return None
    scenario = projection.scenario
    result: dict[str, Any] = {
        "emergency_utilisation": scenario.planning.emergency_utilisation,
        "largest_link": _loss_summary(projection, projection.n_minus_1),
        "risk_groups": [
            {
                "id": g.id,
                "name": g.display_name,
                "links": list(g.links),
                **_loss_summary(projection, projection.group_losses[g.id]),
            }
            for g in scenario.risk_groups
        ],
    }
    if projection.n_minus_1_activated is not None:  # only with an activation delay
        result["after_activation"] = {
            "activation_delay_days": scenario.planning.activation_delay,
            "largest_link": _loss_summary(projection, projection.n_minus_1_activated),
            "risk_groups": [
                {"id": g.id, **_loss_summary(projection, projection.group_losses_activated[g.id])}
                for g in scenario.risk_groups
            ],
        }
    return result


def summary(
    projection: Projection, scenario_sha256: str | None = None, mc: MonteCarlo | None = None
) -> dict[str, Any]:
    """Headline results as JSON-ready data with the keys of :data:`SUMMARY_KEYS`.

    ``mc``, the Monte Carlo run if there was one, adds its sentences to the verdict.
    Non-finite numbers (a utilisation with no capacity in service) are written as null.
    """
    result = _summary(projection, scenario_sha256, mc)
    if projection.outages is not None:
        items = list(result.items())
        at = [k for k, _ in items].index("n_minus_1") + 1
        result = dict([*items[:at], ("outages", outages_summary(projection)), *items[at:]])
    return _json_safe(result)


def _summary(projection: Projection, scenario_sha256: str | None, mc: MonteCarlo | None) -> dict[str, Any]:
    scenario = projection.scenario
    gap, gap_month = projection.largest_gap
    last = -1
    return {
        "scenario": scenario.name,
        "description": scenario.description,
        "period": {"start": format_month(scenario.period.start), "end": format_month(scenario.period.end)},
        "max_utilisation": scenario.planning.max_utilisation,
        "verdict": verdict(projection, mc),
        "months_short": projection.months_short,
        "unserved_tbps_months": projection.unserved_tbps_months,
        "unserved_share": projection.unserved_share,
        "shortfall_episodes": [
            {
                "start": format_month(e.start),
                "end": format_month(e.end),
                "months": e.months,
                "ongoing_at_end": e.ongoing,
                "peak_gap_gbps": e.peak_gap_gbps,
                "peak_month": format_month(e.peak_month),
                "unserved_tbps_months": e.unserved_tbps_months,
            }
            for e in projection.episodes
        ],
        "exhaustions": [
            {
                "month": format_month(e.month),
                "order_by": format_month(e.order_by),
                "lead_time_months": e.lead_time_months,
                "next_phase": e.next_phase,
                "next_phase_enough": e.next_phase_enough,
            }
            for e in projection.exhaustions
        ],
        "phases": [
            {
                "link": p.link,
                "phase": p.phase,
                "capacity_gbps": p.capacity_gbps,
                "in_service": format_month(p.in_service),
                "lead_time_months": p.lead_time_months,
                "order_by": format_month(p.order_by),
                "order_by_passed": p.order_by_passed,
            }
            for p in projection.phases
        ],
        "capacity_in_place": {
            "at": format_month(projection.in_place.at),
            "lit_gbps": projection.in_place.lit_gbps,
            "installed_gbps": projection.in_place.installed_gbps,
            "potential_gbps": projection.in_place.potential_gbps,
            "links_without_potential": list(projection.in_place.without_potential),
        },
        "n_minus_1": _n_minus_1(projection),
        "targets": [
            {
                "name": t.name,
                "capacity_gbps": t.capacity_gbps,
                "by": format_month(t.by),
                "met_month": _month(t.met_month),
                "on_time": t.on_time,
                "months_late": t.months_late,
                "utilisation_at_by": t.utilisation_at_by,
                "needed_gbps": t.needed_gbps,
                "short_by_gbps": t.short_by_gbps,
                "status": target_status_text(t),
                "status_code": t.status,
                "takes": need.need,
                "takes_text": need_text(need, projection.scenario),
            }
            for t, need in zip(projection.targets, projection.needs, strict=True)
        ],
        "target_steps": [
            {
                "from": s.from_label,
                "to": s.to_label,
                "from_month": format_month(s.from_month),
                "to_month": format_month(s.to_month),
                "capacity_cagr": s.capacity_cagr,
                "demand_cagr": s.demand_cagr,
            }
            for s in projection.steps
        ],
        "carried": _carried(projection),
        "plan": _plan(projection),
        "largest_gap": {"gap_gbps": gap, "month": _month(gap_month)},
        "horizon": {
            "month": format_month(int(projection.months[last])),
            "capacity_gbps": float(projection.capacity_gbps[last]),
            "demand_gbps": float(projection.demand_gbps[last]),
            "required_capacity_gbps": float(projection.required_capacity_gbps[last]),
            "utilisation": float(projection.utilisation[last]),
            "gap_gbps": float(projection.gap_gbps[last]),
        },
        "scenario_sha256": scenario_sha256,
        "version": __version__,
    }


def _carried(projection: Projection) -> list[dict[str, Any]]:
    """Per stream: priority, unserved volume, and carried traffic at the horizon and by year."""
    last_of_year = {int(m) // 12: i for i, m in enumerate(projection.months)}  # last month of each year
    result = []
    for stream in projection.scenario.demand:
        carried = projection.stream_carried_gbps[stream.id]
        demand = projection.stream_demand_gbps[stream.id]
        share = projection.stream_share[stream.id]
        carried_share = projection.carried_share(stream.id)
        unserved = projection.stream_unserved_gbps(stream.id)
        entry: dict[str, Any] = {
            "stream": stream.id,
            "priority": stream.priority,
            "unserved_tbps_months": float(unserved.sum()) / 1000.0,
            "carried_at_horizon_gbps": float(carried[-1]),
            "carried_fraction_at_horizon": float(carried[-1] / demand[-1]) if demand[-1] > 0 else None,
            "share_at_horizon": None if share is None else float(share[-1]),
            "carried_share_at_horizon": None if carried_share is None else float(carried_share[-1]),
        }
        if carried_share is not None:
            entry["carried_share_by_year"] = {
                str(year): float(carried_share[i]) for year, i in last_of_year.items()
            }
        result.append(entry)
    return result


def _plan(projection: Projection) -> dict[str, Any]:
    plan = projection.plan
    return {
        "step_gbps": plan.step_gbps,
        "horizon_months": plan.horizon_months,
        "lead_time_months": plan.lead_time_months,
        "defaults": list(plan.defaults),
        "problem": plan.problem,
        "upgrades_needed": len(plan.upgrades),
        "total_added_gbps": plan.total_added_gbps,
        "capacity_at_horizon_gbps": float(plan.capacity_gbps[-1]),
        "upgrades": [
            {
                "in_service": format_month(u.in_service),
                "steps": u.steps,
                "size_gbps": u.size_gbps,
                "capacity_after_gbps": u.capacity_after_gbps,
                "order_by": format_month(u.order_by),
                "order_by_passed": u.order_by_passed,
            }
            for u in plan.upgrades
        ],
        "announced_vs_needed": [
            {**row, "by": format_month(row["by"])} for row in announced_vs_needed(projection)
        ],
    }


def _quantiles(mc: MonteCarlo, name: str) -> dict[str, float]:
    return {f"p{round(q * 100)}": mc.outcome_quantile(name, q) for q in (0.1, 0.5, 0.9)}


def uncertainty_summary(mc: MonteCarlo, sensitivity: Sensitivity | None) -> dict[str, Any]:
    """The ``uncertainty`` entry of ``summary.json`` (keys documented in README)."""
    spec = mc.scenario.uncertainty
    first = {f"p{round(q * 100)}": _month(mc.first_exhaustion_quantile(q)) for q in (0.1, 0.5, 0.9)}
    result: dict[str, Any] = {
        "samples": mc.samples,
        "method": spec.method if spec else "random",
        "parameters": [p.path for p in mc.scenario.parameters()],
        "p_no_shortfall": mc.p_no_shortfall,
        "first_exhaustion": first,
        "p_shortfall_by_year": {
            str(int(y)): float(p) for y, p in zip(mc.years, mc.p_shortfall_in_year, strict=True)
        },
        "targets": [
            {
                "name": t.name,
                "p_on_time": t.p_on_time,
                "p_not_met": t.not_met / mc.samples,
                "months_late": {str(k): n / mc.samples for k, n in t.months_late.items()},
            }
            for t in mc.targets
        ],
        "months_short": _quantiles(mc, "months_short"),
        "unserved_tbps_months": _quantiles(mc, "unserved_tbps_months"),
        "carried_share_at_horizon": {
            name.split(":", 1)[1]: _quantiles(mc, name)
            for name in mc.per_sample
            if name.startswith("carried_share:")
        },
    }
    faults = faults_summary(mc.faults)
    if faults is not None:
        result["faults"] = faults
    if sensitivity is not None:
        result["tornado"] = [
            {"parameter": b.path, "at_p10": b.outcome_at_low, "at_p90": b.outcome_at_high}
            for b in sensitivity.bars
        ]
        result["tornado_baseline"] = sensitivity.baseline
        result["sobol"] = {
            s.outcome: {
                "first_order": dict(zip(sensitivity.paths, s.first_order.tolist(), strict=True)),
                "total": dict(zip(sensitivity.paths, s.total.tolist(), strict=True)),
                "first_order_interval": dict(
                    zip(sensitivity.paths, s.first_order_interval.T.tolist(), strict=True)
                ),
                "total_interval": dict(zip(sensitivity.paths, s.total_interval.T.tolist(), strict=True)),
            }
            for s in sensitivity.sobol
        }
        result["sobol_utilisation_by_year"] = {
            str(int(y)): dict(zip(sensitivity.paths, row.tolist(), strict=True))
            for y, row in zip(sensitivity.years, sensitivity.utilisation_first_order, strict=True)
        }
        result["sobol_base_samples"] = sensitivity.base_samples
        result["sobol_confidence_level"] = sensitivity.confidence_level
    return _json_safe(result)
