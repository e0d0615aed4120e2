"""The network report of a scenario with corridors: each corridor's verdict and folder, each
stream end to end, and charts of the streams' carried traffic and the corridors' load.

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..engine.network import Network
from ..results.narrative import verdict
from ..results.network import network_lines, stream_line
from .axes import chart_page, extend_last, legend_below, month_edges, rate_axis
from .layout import TextFlow
from .style import OKABE_ITO, month_middles

__all__ = ["network_pages"]


def network_pages(network: Network) -> list[Figure]:
    """The network report's pages: the summary, then the streams and the corridors over time."""
    scenario = network.scenario
    flow = TextFlow(f"{scenario.name}: the network of corridors")
    flow.paragraph(
        "Each corridor is reported on its own, in the folder named by its id, with the demand routed "
        "over it as if that corridor were the streams' only leg. Here, each stream is followed end to "
        "end: what it carries is limited by the tightest corridor of its route (usable capacity "
        "given out by priority, filled progressively over corridors in series), and its backup routes "
        "take what is left of the spare capacity."
    )
    flow.heading("Corridors")
    flow.table(
        ["Corridor", "Folder", "Verdict"],
        [[c.display_name, f"{c.id}/", verdict(network.corridors[c.id])[0]] for c in scenario.corridors],
        [2.0, 1.2, 6.0],
        keep_together=False,
    )
    flow.heading("Streams end to end")
    flow.bullets([stream_line(network, s.id) for s in scenario.demand])
    flow.heading("In short")
    flow.bullets(network_lines(network)[len(scenario.corridors) + len(scenario.demand) :])
    return [*flow.pages, _streams_figure(network), _corridors_figure(network)]


def _streams_figure(network: Network) -> Figure:
    months = network.months
    figure, axes = chart_page(
        "Streams end to end: demand and traffic carried",
        "Lines: each stream's demand (thin) and what it carries end to end (thick), over every corridor of its "
        "route and its backups. Where the thick line falls below the thin one, the tightest corridor of the "
        "route limits the stream.",
        months,
    )
    streams = network.scenario.demand
    every = np.concatenate([network.demand_gbps(s.id) for s in streams])
    divisor = rate_axis(axes, every, "Peak rate")
    middles = month_middles(months)
    for k, stream in enumerate(streams):
        colour = OKABE_ITO[k % 6]
        axes.plot(
            middles,
            network.demand_gbps(stream.id) / divisor,
            color=colour,
            lw=1,
            ls="--",
            label=f"{stream.display_name}: demand",
        )
        axes.plot(
            middles,
            network.carried_gbps(stream.id) / divisor,
            color=colour,
            lw=2.2,
            label=f"{stream.display_name}: carried",
        )
    legend_below(figure, axes)
    return figure


def _corridors_figure(network: Network) -> Figure:
    months = network.months
    figure, axes = chart_page(
        "Corridors: traffic carried against usable capacity",
        "Steps: each corridor's usable capacity (its capacity times the utilisation threshold). Lines: the "
        "traffic carried over it, on routes and backups. A corridor whose line meets its steps is full.",
        months,
    )
    names = {c.id: c.display_name for c in network.scenario.corridors}
    every = np.concatenate([network.usable_gbps(c) for c in network.corridors])
    divisor = rate_axis(axes, every, "Peak rate")
    edges = month_edges(months)
    for k, corridor in enumerate(network.corridors):
        colour = OKABE_ITO[k % 6]
        axes.stairs(
            extend_last(network.usable_gbps(corridor))[:-1] / divisor,
            edges,
            baseline=None,
            color=colour,
            lw=1.2,
            label=f"{names[corridor]}: usable capacity",
        )
        axes.plot(
            month_middles(months),
            network.used_gbps(corridor) / divisor,
            color=colour,
            lw=2.2,
            label=f"{names[corridor]}: carried",
        )
    legend_below(figure, axes)
    return figure
