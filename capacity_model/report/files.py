"""Write every output of a run into a folder: all of them, or none.

Files are first written into a temporary folder beside the destination and
moved into place only once every one of them has been written, so a failing
run never leaves a half-written report behind.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import matplotlib
from matplotlib.figure import Figure

from .. import __version__
from ..engine import Projection
from ..engine.montecarlo import MonteCarlo, Progress
from ..engine.network import Network
from ..engine.sensitivity import Sensitivity
from ..results import (
    csv_text,
    iamc_columns,
    plan_columns,
    quantile_columns,
    summary,
    timeline_columns,
    uncertainty_summary,
)
from ..results.network import network_columns, network_summary
from ..results.network_outages import network_outage_columns
from ..results.outages import outage_columns
from .assumptions import Location, assumption_pages
from .figures import chart_figures
from .network_pages import network_pages
from .outline import assemble, bookmark_titles, heading_of
from .pages import summary_pages
from .render import PARALLEL_FROM_PAGES, Background, can_fork, render_figures
from .staging import Staged, commit, stage, write_atomically
from .style import report_style
from .text import readable, readable_figure, shorten
from .uncertainty_figures import sobol_pages, tornado_figures, uncertainty_figures

__all__ = [
    "OUTPUT_FILES",
    "csv_text",
    "provenance_text",
    "save_pdf",
    "stage_outputs",
    "start_pages",
    "summary_json",
    "timeline_csv",
    "write_atomically",
    "write_outputs",
    "write_pdf",
]

#: Files a run writes, in the order they are written.
OUTPUT_FILES = ("timeline.csv", "summary.json", "capacity_plan.csv", "scenario.resolved.yaml", "report.pdf")


def timeline_csv(projection: Projection) -> str:
    """The monthly table as CSV text (see :func:`capacity_model.results.timeline_columns`)."""
    return csv_text(timeline_columns(projection))


def summary_json(
    projection: Projection,
    scenario_sha256: str | None,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
) -> str:
    """The headline results as JSON text (see :func:`capacity_model.results.summary`);
    with a Monte Carlo run, its results under ``"uncertainty"``."""
    data = summary(projection, scenario_sha256, mc)
    if mc is not None:
        data["uncertainty"] = uncertainty_summary(mc, sensitivity)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def quantiles_csv(mc: MonteCarlo) -> str:
    """The monthly quantile table as CSV text (see :func:`capacity_model.results.quantile_columns`)."""
    return csv_text(quantile_columns(mc))


def start_pages(
    projection: Projection,
    overrides: Mapping[Location, str] | None = None,
    assumptions: bool = True,
) -> Background:
    """Start building and rendering, beside this process when the machine has a second core,
    the pages that need only the projection: the assumptions (with ``assumptions``) and the
    monthly charts. A run with uncertain inputs starts them before sampling, and hands them
    to :func:`write_pdf` as ``early``; :meth:`Background.cancel` stops them."""

    def build() -> list[Figure]:
        pages = assumption_pages(projection.scenario, overrides) if assumptions else []
        return [*pages, *chart_figures(projection)]

    return Background(build, _prepare_for(projection, overrides), context=report_style)


def _prepare_for(
    projection: Projection, overrides: Mapping[Location, str] | None, *more: str
) -> Callable[[Figure], None]:
    """What to do to a page made from the scenario before drawing it: replace characters no
    font has (see :func:`save_pdf`) when the scenario, the values set or ``more`` hold any."""
    written = "\n".join([projection.scenario.model_dump_json(), *(overrides or {}).values(), *more])
    return readable_figure if readable(written) != written else _unchanged


def write_pdf(
    projection: Projection,
    path: Path,
    provenance: str,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
    overrides: Mapping[Location, str] | None = None,
    early: Background | None = None,
    progress: Progress | None = None,
) -> None:
    """Render the report's pages into one PDF with fixed metadata (byte-reproducible).

    ``early`` are the assumption and chart pages from :func:`start_pages` (with assumptions),
    started before the Monte Carlo run; without it they are started here. While they, and
    the sensitivity pages, are drawn beside this process, this one draws the summary (and the
    assumptions, without a Monte Carlo run, so that both processes have about half the work)
    and the pages of the Monte Carlo run. ``progress(pages done, pages)`` follows the drawing
    (see :func:`save_pdf`).
    """
    body = early if early is not None else start_pages(projection, overrides, assumptions=mc is not None)
    sensitive: list[Background] = []
    try:
        # The sensitivity pages in two groups, one on each core: the tornado, the Sobol' indices.
        if sensitivity is not None:
            for pages_of in (tornado_figures, sobol_pages):
                sensitive.append(
                    Background(
                        partial(pages_of, sensitivity, projection.scenario),
                        _prepare_for(projection, overrides),
                        context=report_style,
                    )
                )
        with report_style():
            pages: list[Figure | Background] = [*summary_pages(projection, provenance, mc)]
            if early is None and mc is None:
                pages += assumption_pages(projection.scenario, overrides)
            pages.append(body)
            if mc is not None:
                pages += uncertainty_figures(mc, projection)
            pages += sensitive
            title = f"{projection.scenario.name}: capacity targets against demand"
            written = [projection.scenario.model_dump_json(), provenance, *(overrides or {}).values()]
            subject = "Whether phased capacity targets keep up with the demand they invite: " + (
                projection.scenario.description or projection.scenario.name
            )
            save_pdf(
                pages,
                path,
                title,
                projection.scenario.name,
                inputs="\n".join(written),
                subject=subject,
                progress=progress,
            )
    finally:  # nothing to stop once their pages are in
        for group in (body, *sensitive):
            group.cancel()


def _unchanged(figure: Figure) -> None:
    """Leave a figure as it is (no character needs replacing)."""


def _stamp(figure: Figure, text: str) -> None:
    """Draw the page's footer (``<name> · page k of n``) in its bottom right corner."""
    figure.text(0.94, 0.012, text, ha="right", va="bottom", fontsize=8, color="#666666")


def save_pdf(
    pages: Sequence[Figure | Background],
    path: Path,
    title: str,
    footer: str,
    inputs: str | None = None,
    subject: str = "",
    progress: Progress | None = None,
) -> None:
    """Save pages (figures, or :class:`Background` groups of pages drawn beside this process)
    as one PDF, each numbered ``<footer> · page k of n``, with a bookmark per page (its
    heading), the document's language, title, author, subject and keywords, and fixed
    metadata so that the same pages give the same bytes.

    The figures here are drawn in two parts when there are enough of them, the second on
    another core when no background group is still drawing there. The footers of background
    pages are drawn here as pages of their own and laid over them when the pages are assembled.

    Characters no font has are replaced in every text of the figures (:func:`readable_figure`,
    a walk over every artist) unless ``inputs``, all the text the figures were made from
    that a user wrote, holds none: the rest is the report's own text.

    ``progress(pages done, pages)`` is called as pages are drawn here and as groups drawn
    elsewhere come in.
    """
    check = inputs is None or readable(inputs) != inputs
    prepare = readable_figure if check else _unchanged
    groups = [item for item in pages if isinstance(item, Background)]
    total = sum(1 if isinstance(item, Figure) else len(item.headings()) for item in pages)
    name = shorten(footer, 6.0, 8)
    local: list[Figure] = []
    order: list[tuple[Background | None, int]] = []  # each page: its group (None: here) and index
    headings: list[str] = []
    for item in pages:
        if isinstance(item, Figure):
            _stamp(item, f"{name} \u00b7 page {len(order) + 1} of {total}")
            order.append((None, len(local)))
            local.append(item)
            headings.append(heading_of(item))
        else:
            order += [(item, k) for k in range(len(item.headings()))]
            headings += item.headings()
    drawn_here = len(local)
    drawn_so_far = reported = 0

    def counted(done: int) -> None:
        nonlocal reported
        if progress is not None and done > reported:  # each count once
            reported = done
            progress(done, total)

    def drawn() -> None:  # a page drawn in this process (the footers drawn last not counted)
        nonlocal drawn_so_far
        if drawn_so_far < drawn_here:
            drawn_so_far += 1
            counted(drawn_so_far)

    overlays: dict[int, int] = {}  # page number -> index among the figures drawn here
    for number, (group, k) in enumerate(order):
        if group is not None:
            overlay = Figure(figsize=group.sizes_in()[k], facecolor="none")  # paints only the footer
            _stamp(overlay, f"{name} \u00b7 page {number + 1} of {total}")
            overlays[number] = len(local)
            local.append(overlay)
    # Enough pages drawn here are drawn as two parts (the footers of background pages, last,
    # take little time), the second beside this process unless a background group is still
    # drawing there. The parts depend on the page count only: the same pages, the same bytes.
    rendered = render_figures(
        local,
        prepare,
        half=(drawn_here + 1) // 2 if drawn_here >= PARALLEL_FROM_PAGES else None,
        fork=can_fork() and all(g.ready() for g in groups),
        drawn=drawn,
    )
    parts, done = [r.pdf for r in rendered], drawn_here
    counted(done)
    for group in groups:
        parts.append(group.result().pdf)
        done += len(group.headings())
        counted(done)
    starts = [sum(len(r.headings) for r in rendered[:i]) for i in range(len(rendered))]

    def located(index: int) -> tuple[int, int]:
        part = max(i for i, start in enumerate(starts) if start <= index)
        return part, index - starts[part]

    assemble(
        path,
        parts,
        [located(k) if group is None else (len(rendered) + groups.index(group), k) for group, k in order],
        {number: located(index) for number, index in overlays.items()},
        [readable(t) for t in bookmark_titles(headings)],
        {
            "Title": readable(" ".join(title.split())),
            "Author": f"capacity_model {__version__} (generated)",
            "Creator": f"capacity_model {__version__}",
            "Producer": f"matplotlib {matplotlib.__version__}, assembled with pypdf",
            "Subject": readable(" ".join((subject or title).split())),
            "Keywords": "capacity planning; connectivity; scenario; " + readable(" ".join(name.split())),
        },
    )


def stage_network(
    network: Network, folder: Path, scenario_sha256: str | None = None, resolved_yaml: str = ""
) -> Staged:
    """Stage the network's files into ``folder``, beside the corridors' folders: ``routes.csv``,
    ``summary.json`` (the network's), ``report.pdf`` (its pages) and ``scenario.resolved.yaml``
    (the whole scenario). Files of a single-corridor run left in ``folder`` are removed."""
    footer = f"{network.scenario.name} (network)"
    contents: dict[str, str | Callable[[Path], None]] = {
        "routes.csv": csv_text(network_columns(network)),
        "summary.json": json.dumps(network_summary(network, scenario_sha256), indent=2, allow_nan=False)
        + "\n",
        "scenario.resolved.yaml": resolved_yaml,
        "report.pdf": lambda path: save_pdf(network_pages(network), path, network.scenario.name, footer),
    }
    if network.outages is not None:
        contents["outages.csv"] = csv_text(network_outage_columns(network))
    stale = [
        name
        for name in (
            "timeline.csv",
            "capacity_plan.csv",
            "outages.csv",
            "timeline_quantiles.csv",
            "timeline_iamc.csv",
        )
        if name not in contents
    ]
    ids = {c.id for c in network.scenario.corridors}
    gone = [name for name in corridor_folders_written(folder) if name not in ids]
    return stage(folder, contents, stale, gone, REMOVABLE)


#: Every file a run may write into a folder: what a stale corridor folder may hold to be removed.
REMOVABLE = frozenset(
    {*OUTPUT_FILES, "outages.csv", "timeline_quantiles.csv", "timeline_iamc.csv", "routes.csv"}
)


def corridor_folders_written(folder: Path) -> list[str]:
    """The corridors' folders an earlier run with corridors wrote into ``folder``, as its
    ``summary.json`` lists them (none when it has none, or is not a network's)."""
    try:
        data = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    corridors = data.get("corridors") if isinstance(data, dict) else None
    if not isinstance(corridors, list):
        return []
    names = [c.get("folder") for c in corridors if isinstance(c, dict)]
    return [n for n in names if isinstance(n, str) and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]*", n)]


def provenance_text(scenario_file: str, scenario_sha256: str, inputs: str = "", outages: bool = False) -> str:
    """Where the report comes from, for its summary: the file, its digest, how the scenario was
    put together (``inputs``), the version, and where the other outputs are (with ``outages``,
    also ``outages.csv``)."""
    return (
        f"Scenario file {scenario_file}, SHA-256 {scenario_sha256}. {inputs}"
        f"Computed by capacity_model {__version__}. The scenario as run, every default filled "
        "in, is in scenario.resolved.yaml beside this report; the monthly figures are in "
        "timeline.csv, the capacity plan in capacity_plan.csv"
        + (", the outages day by day in outages.csv" if outages else "")
        + " and the headline results in summary.json."
    )


def write_outputs(
    projection: Projection,
    folder: Path,
    **options: Any,
) -> list[Path]:
    """Write a run's outputs into ``folder``, all or none (see :func:`stage_outputs`)."""
    return commit([stage_outputs(projection, folder, **options)])


def stage_outputs(
    projection: Projection,
    folder: Path,
    *,
    scenario_file: str,
    scenario_sha256: str,
    resolved_yaml: str,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
    inputs: str = "",
    overrides: Mapping[tuple[str | int, ...], str] | None = None,
    iamc: bool = False,
    early: Background | None = None,
    progress: Progress | None = None,
) -> Staged:
    """Write all of :data:`OUTPUT_FILES` (and, with a Monte Carlo run, ``timeline_quantiles.csv``;
    with ``iamc``, ``timeline_iamc.csv``) into a staging folder beside ``folder``, to be moved
    into place by :func:`~capacity_model.report.staging.commit` (with the other folders of the
    same command, so that they are all written or none).

    Parameters
    ----------
    projection
        The results to write.
    folder
        Destination; created if missing. Existing files of the same names are replaced.
    scenario_file, scenario_sha256
        Path and SHA-256 of the scenario file (of every file it extends, in order), printed in the report.
    resolved_yaml
        The scenario as run, every default filled in.
    mc, sensitivity
        Results over the uncertain inputs, if the run had them.
    inputs
        A sentence on how the scenario was put together (files extended, values set), for the report.
    overrides
        Values set on the command line, by field location, as written; marked on the assumptions page.
    iamc
        Also write the timeline as an IAMC-style long table.
    early
        The report's assumption and chart pages, started before the Monte Carlo run
        (:func:`start_pages`).
    progress
        Called with (pages drawn, pages) while the report is drawn.

    Returns
    -------
    Staged
        The staged files; committing also removes a quantile or IAMC table an earlier run
        left in ``folder`` that this run does not write.
    """
    contents: dict[str, str | Callable[[Path], None]] = {
        "timeline.csv": timeline_csv(projection),
        "summary.json": summary_json(projection, scenario_sha256, mc, sensitivity),
        "capacity_plan.csv": csv_text(plan_columns(projection)),
        "scenario.resolved.yaml": resolved_yaml,
    }
    if projection.outages is not None:
        contents["outages.csv"] = csv_text(outage_columns(projection))
    if mc is not None:
        contents["timeline_quantiles.csv"] = quantiles_csv(mc)
    if iamc:
        contents["timeline_iamc.csv"] = csv_text(
            iamc_columns(projection, f"capacity_model {__version__}", mc)
        )
    provenance = provenance_text(scenario_file, scenario_sha256, inputs, projection.outages is not None)
    contents["report.pdf"] = lambda path: write_pdf(
        projection, path, provenance, mc, sensitivity, overrides, early, progress
    )
    stale = [
        name
        for name in ("outages.csv", "timeline_quantiles.csv", "timeline_iamc.csv", "routes.csv")
        if name not in contents
    ]
    return stage(folder, contents, stale, corridor_folders_written(folder), REMOVABLE)
