"""The network report of a scenario with corridors: each corridor's verdict and folder, each
stream end to end, and charts of the streams' carried traffic and the corridors' load.

Each function returns figures and never shows, saves or keeps global state.
"""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from ..engine.network import Network
from ..results.narrative import verdict
from ..results.network import load_line, stream_line, uncertain_stream_lines
from .axes import chart_page, extend_last, legend_below, month_edges, rate_axis
from .layout import TextFlow
from .style import OKABE_ITO, month_middles

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
    flow.paragraph("Outages and faults stay in each corridor's report.")
    flow.bullets([stream_line(network, s.id) for s in scenario.demand])
    if network.mc is not None:
        flow.heading(f"Streams end to end, over {network.mc.samples:,} samples of the uncertain inputs")
        flow.bullets(uncertain_stream_lines(network))
    flow.heading("Corridors' load")
    flow.bullets([load_line(network)])
    return [*flow.pages, _streams_figure(network), _corridors_figure(network)]


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
