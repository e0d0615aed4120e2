"""Write every output of a run into a folder: all of them, or none.

Files are first written into a temporary folder beside the destination and
moved into place only once every one of them has been written, so a failing
run never leaves a half-written report behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from matplotlib.figure import Figure

from .. import __version__
from ..engine import Projection
from ..engine.montecarlo import MonteCarlo
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
from .figures import report_figures
from .outline import finish_pdf, page_titles
from .render import render_pages
from .staging import Staged, commit, stage, write_atomically
from .style import report_style
from .text import readable, readable_figure, shorten
from .uncertainty_figures import uncertainty_figures

__all__ = [
    "OUTPUT_FILES",
    "csv_text",
    "save_pdf",
    "stage_outputs",
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


def write_pdf(
    projection: Projection,
    path: Path,
    provenance: str,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
    overrides: Mapping[tuple[str | int, ...], str] | None = None,
) -> None:
    """Render the report's pages into one PDF with fixed metadata (byte-reproducible)."""
    with report_style():
        figures = report_figures(projection, provenance, mc, overrides)
        if mc is not None:
            figures += uncertainty_figures(mc, projection, sensitivity)
        title = f"{projection.scenario.name}: capacity targets against demand"
        written = [projection.scenario.model_dump_json(), provenance, *(overrides or {}).values()]
        subject = "Whether phased capacity targets keep up with the demand they invite: " + (
            projection.scenario.description or projection.scenario.name
        )
        save_pdf(figures, path, title, projection.scenario.name, inputs="\n".join(written), subject=subject)


def save_pdf(
    figures: list[Figure],
    path: Path,
    title: str,
    footer: str,
    inputs: str | None = None,
    subject: str = "",
) -> None:
    """Save figures as the pages of one PDF, each numbered ``<footer> · page k of n``,
    with a bookmark per page (its heading), the document's language, title, author, subject
    and keywords, and fixed metadata so that the same figures give the same bytes.

    Characters no font has are replaced in every text of the figures (:func:`readable_figure`,
    a walk over every artist) unless ``inputs``, all the text the figures were made from
    that a user wrote, holds none: the rest is the report's own text.
    """
    metadata = {
        "Title": readable(" ".join(title.split())),
        "Creator": f"capacity_model {__version__}",
        "CreationDate": None,
    }
    total = len(figures)
    footer = shorten(footer, 6.0, 8)
    for number, figure in enumerate(figures, start=1):
        figure.text(
            0.94,
            0.012,
            f"{footer} \u00b7 page {number} of {total}",
            ha="right",
            va="bottom",
            fontsize=8,
            color="#666666",
        )
    check = inputs is None or readable(inputs) != inputs
    # Characters no font has, replaced before drawing (and no warning on stderr).
    render_pages(figures, path, metadata, readable_figure if check else lambda figure: None)
    finish_pdf(
        path,
        [readable(t) for t in page_titles(figures)],
        {
            "Author": f"capacity_model {__version__} (generated)",
            "Subject": readable(" ".join((subject or title).split())),
            "Keywords": "capacity planning; connectivity; scenario; " + readable(" ".join(footer.split())),
        },
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
    if mc is not None:
        contents["timeline_quantiles.csv"] = quantiles_csv(mc)
    if iamc:
        contents["timeline_iamc.csv"] = csv_text(
            iamc_columns(projection, f"capacity_model {__version__}", mc)
        )
    provenance = (
        f"Scenario file {scenario_file}, SHA-256 {scenario_sha256}. {inputs}"
        f"Computed by capacity_model {__version__}. The scenario as run, every default filled "
        "in, is in scenario.resolved.yaml beside this report; the monthly figures are in "
        "timeline.csv, the capacity plan in capacity_plan.csv and the headline results in summary.json."
    )
    contents["report.pdf"] = lambda path: write_pdf(projection, path, provenance, mc, sensitivity, overrides)
    stale = [name for name in ("timeline_quantiles.csv", "timeline_iamc.csv") if name not in contents]
    return stage(folder, contents, stale)
