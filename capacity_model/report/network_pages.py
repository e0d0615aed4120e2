"""The network report of a scenario with corridors: each corridor's verdict and folder, each
stream end to end, and charts of the streams' carried traffic and the corridors' load.

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..engine.network import Network
from ..results.narrative import verdict
from ..results.network import load_line, network_verdict, stream_line, uncertain_stream_lines
from ..results.network_outages import network_outage_rows, stream_cost_words
from ..results.network_resilience import loss_label, network_n1_lines
from ..results.outages import conditions
from ..results.uncertainty_text import scenario_samples_phrase
from ..results.words import percent, rate, tbps_days
from ..units import format_day, format_days
from .axes import chart_page, extend_last, legend_below, month_edges, rate_axis
from .layout import TextFlow
from .style import OKABE_ITO, month_middles, spans_decades

__all__ = ["network_pages"]

#: Streams (or corridors) drawn on one chart: one colour each, and a legend that fits.
MOST_LINES = 6


def _largest(sizes: dict[str, float], most: int) -> list[str]:
    """The ``most`` largest keys, in their own order."""
    keep = set(sorted(sizes, key=lambda k: -sizes[k])[:most])
    return [k for k in sizes if k in keep]


def network_pages(network: Network) -> list[Figure]:
    """The network report's pages: the summary, then the streams and the corridors over time."""
    scenario = network.scenario
    flow = TextFlow(f"{scenario.name}: the network of corridors")
    flow.paragraph(network_verdict(network), size=12, weight="bold")
    flow.paragraph(
        "Each corridor is reported on its own, in the folder named by its id, with the demand routed "
        "over it as if that corridor were the streams' only leg. Here, each stream is followed end to "
        "end: what it carries is limited by the tightest corridor of its route (usable capacity "
        "given out by priority, filled progressively over corridors in series), and its backup routes "
        "take what is left of the spare capacity."
    )
    flow.heading("Corridors")
    flow.table(
        [
            "Corridor",
            "Folder",
            "Verdict as its own corridor (as if it were the only leg of its streams; no backup traffic)",
        ],
        [[c.display_name, f"{c.id}/", verdict(network.corridors[c.id])[0]] for c in scenario.corridors],
        [2.0, 1.2, 6.0],
        keep_together=False,
    )
    flow.heading("Streams end to end, with the values written")
    flow.bullets([stream_line(network, s.id) for s in scenario.demand])
    rows = network_outage_rows(network)
    if rows:
        flow.heading("Outages end to end")
        flow.paragraph(
            f"Each outage alone, over the whole network: {conditions(scenario.planning)}, and traffic "
            "spills onto the surviving links of each corridor and onto the streams' backup routes. "
            "Lost: traffic not carried end to end because of the outage, beyond what is not carried "
            "anyway; on its first day and a week later as the mean rate over that day. Share: of all "
            "streams' demand during the outage. On backups: traffic the backup routes carry because "
            "of it. Day by day in outages.csv."
        )
        flow.table(
            [
                "Outage",
                "Hit, from, for",
                "Lost, first day",
                "A week later",
                "Lost in all",
                "Share",
                "On backups",
            ],
            [
                [
                    r.outage.name,
                    f"{r.outage.hit}, {format_day(r.outage.start_day)}, {format_days(r.outage.duration_days)}",
                    rate(r.outage.lost_first_day_gbps),
                    "–" if r.outage.lost_after_week_gbps is None else rate(r.outage.lost_after_week_gbps),
                    tbps_days(r.outage.lost_tbps_days),
                    percent(r.outage.lost_share),
                    tbps_days(r.moved_tbps_days),
                ]
                for r in rows
            ],
            [1.8, 2.4, 1.0, 1.0, 1.2, 0.7, 1.2],
            keep_together=len(rows) <= 10,
        )
        streams = [
            f"{r.outage.name}: " + "; ".join(stream_cost_words(network, c) for c in r.streams) + "."
            for r in rows
            if r.streams
        ]
        if streams:
            flow.paragraph("By stream:")
            flow.bullets(streams)
    if network.n_minus_1:
        flow.heading("N-1 end to end")
        flow.bullets(network_n1_lines(network))
    if network.mc is not None:
        flow.heading(f"Streams end to end, over {scenario_samples_phrase(scenario, network.mc.samples)}")
        flow.bullets(uncertain_stream_lines(network))
    flow.heading("Corridors' load")
    flow.bullets([load_line(network)])
    pages = [*flow.pages, _streams_figure(network), _corridors_figure(network)]
    if network.n_minus_1:
        pages.append(_n1_figure(network))
    if network.mc is not None and network.mc.faults is not None:
        from .uncertainty_figures import fault_figure  # loads scipy: only runs that sampled

        years = len(np.unique(network.months // 12))
        pages.append(fault_figure(network.mc.faults, years, network.mc.samples, " end to end"))
    return pages


def _streams_figure(network: Network) -> Figure:
    months = network.months
    shown = _largest(
        {s.id: float(network.demand_gbps(s.id).max()) for s in network.scenario.demand}, MOST_LINES
    )
    streams = [s for s in network.scenario.demand if s.id in shown]
    left_out = len(network.scenario.demand) - len(streams)
    figure, axes = chart_page(
        "Streams end to end: demand and traffic carried",
        "Lines, one colour a stream: its demand (thin, dashed) and what it carries end to end (thick), over "
        "every corridor of its route and its backups. Where the thick line falls below the thin one, the tightest corridor of "
        "the route limits the stream."
        + (
            f" The {len(streams)} largest streams are drawn; {left_out} more are in routes.csv."
            if left_out
            else ""
        ),
        months,
    )
    every = np.concatenate([network.demand_gbps(s.id) for s in streams])
    divisor = rate_axis(axes, every, "Peak rate")
    middles = month_middles(months)
    for k, stream in enumerate(streams):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        axes.plot(
            middles,
            network.demand_gbps(stream.id) / divisor,
            color=colour,
            lw=1,
            ls="--",
        )
        axes.plot(
            middles,
            network.carried_gbps(stream.id) / divisor,
            color=colour,
            lw=2.2,
            label=stream.display_name,
        )
    legend_below(figure, axes)
    return figure


def _corridors_figure(network: Network) -> Figure:
    months = network.months
    names = {c.id: c.display_name for c in network.scenario.corridors}
    shown = _largest({c: float(network.usable_gbps(c).max()) for c in network.corridors}, MOST_LINES)
    left_out = len(network.corridors) - len(shown)
    figure, axes = chart_page(
        "Corridors: traffic carried against usable capacity",
        "One colour a corridor. Steps: its usable capacity (its capacity times the utilisation threshold). "
        "Thick lines: the traffic carried over it, on routes and backups. A corridor whose line meets its steps is full."
        + (
            f" The {len(shown)} largest corridors are drawn; {left_out} more are in routes.csv."
            if left_out
            else ""
        ),
        months,
    )
    every = np.concatenate([network.usable_gbps(c) for c in shown])
    divisor = rate_axis(axes, every, "Peak rate")
    edges = month_edges(months)
    for k, corridor in enumerate(shown):
        colour = OKABE_ITO[k % len(OKABE_ITO)]
        axes.stairs(
            extend_last(network.usable_gbps(corridor))[:-1] / divisor,
            edges,
            baseline=None,
            color=colour,
            lw=1.2,
        )
        axes.plot(
            month_middles(months),
            network.used_gbps(corridor) / divisor,
            color=colour,
            lw=2.2,
            label=names[corridor],
        )
    legend_below(figure, axes)
    return figure


def _n1_figure(network: Network) -> Figure:
    """N-1 end to end: the traffic at risk over the months, one line per loss."""
    months = network.months
    losses = list(network.n_minus_1)
    shown = [
        int(k)
        for k in _largest(
            {str(k): float(loss.at_risk_gbps.max()) for k, loss in enumerate(losses)}, MOST_LINES
        )
    ]
    left_out = len(losses) - len(shown)
    planning = network.scenario.planning
    anyway = losses[0].short_anyway_gbps
    every = np.concatenate([losses[k].at_risk_gbps for k in shown] + [anyway])
    log = spans_decades(every[np.isfinite(every)], 2.0)
    figure, axes = chart_page(
        "N-1 end to end: traffic at risk",
        f"One line for each loss: the largest link of each corridor in turn (the largest in each month), "
        f"then each risk group. Traffic at risk: the demand the streams cannot carry end to end, links running at "
        f"up to {percent(planning.emergency_utilisation)}, with what a corridor cannot carry sent to the streams' "
        "backup routes. A line at 0 means every stream is carried in full."
        + (" Dashed: what is not carried even without a loss." if anyway.any() else "")
        + (" On the log scale, amounts below a ten-thousandth of the largest are not drawn." if log else "")
        + (
            " Dotted: the same with the survivors' unlit capacity switched on."
            if network.n_minus_1_activated
            else ""
        )
        + (
            f" The {len(shown)} largest losses are drawn; {left_out} more are in routes.csv."
            if left_out
            else ""
        ),
        months,
    )
    divisor = rate_axis(axes, every, "Traffic at risk")
    if axes.get_yscale() == "log":  # four decades at most: a trickle at risk is not the story
        bottom, top = axes.get_ylim()
        axes.set_ylim(max(bottom, top / 1e4), top)
    middles = month_middles(months)
    for n, k in enumerate(shown):
        colour = OKABE_ITO[n % len(OKABE_ITO)]
        loss = losses[k]
        label = loss_label(network, loss)
        axes.plot(
            middles, loss.at_risk_gbps / divisor, color=colour, lw=2, label=label[0].upper() + label[1:]
        )
        if network.n_minus_1_activated:
            after = network.n_minus_1_activated[k]
            axes.plot(middles, after.at_risk_gbps / divisor, color=colour, lw=1.2, ls=":")
    if anyway.any():
        axes.plot(middles, anyway / divisor, color="#000000", lw=1, ls="--", label="Without a loss")
    legend_below(figure, axes)
    return figure
