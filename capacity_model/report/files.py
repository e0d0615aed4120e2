"""Write every output of a run into a folder: all of them, or none.

Files are first written into a temporary folder beside the destination and
moved into place only once every one of them has been written, so a failing
run never leaves a half-written report behind.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.backends.backend_pdf import PdfPages

from .. import __version__
from ..engine import Projection
from ..engine.montecarlo import MonteCarlo
from ..engine.sensitivity import Sensitivity
from ..results import quantile_columns, summary, timeline_columns, uncertainty_summary
from .figures import report_figures
from .style import report_style
from .uncertainty_figures import headlines, uncertainty_figures

__all__ = ["OUTPUT_FILES", "summary_json", "timeline_csv", "write_outputs", "write_pdf"]

#: Files a run writes, in the order they are written.
OUTPUT_FILES = ("timeline.csv", "summary.json", "scenario.resolved.yaml", "report.pdf")


def _cell(value: Any) -> str:
    if isinstance(value, (float, np.floating)):
        return repr(float(value))
    return str(value)


def timeline_csv(projection: Projection) -> str:
    """The monthly table as CSV text (see :func:`capacity_model.results.timeline_columns`)."""
    return _csv(timeline_columns(projection))


def _csv(columns: Mapping[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in zip(*columns.values(), strict=True):
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()


def summary_json(
    projection: Projection,
    scenario_sha256: str | None,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
) -> str:
    """The headline results as JSON text (see :func:`capacity_model.results.summary`);
    with a Monte Carlo run, its results under ``"uncertainty"``."""
    data = summary(projection, scenario_sha256)
    if mc is not None:
        data["uncertainty"] = uncertainty_summary(mc, sensitivity)
    return json.dumps(data, indent=2, allow_nan=False) + "\n"


def quantiles_csv(mc: MonteCarlo) -> str:
    """The monthly quantile table as CSV text (see :func:`capacity_model.results.quantile_columns`)."""
    return _csv(quantile_columns(mc))


def write_pdf(
    projection: Projection,
    path: Path,
    provenance: str,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
) -> None:
    """Render the report's pages into one PDF with fixed metadata (byte-reproducible)."""
    metadata = {
        "Title": f"{projection.scenario.name}: capacity targets against demand",
        "Creator": f"capacity_model {__version__}",
        "CreationDate": None,
    }
    with report_style():
        figures = report_figures(projection, provenance, headlines(mc) if mc else None)
        if mc is not None:
            figures += uncertainty_figures(mc, projection, sensitivity)
        total = len(figures)
        for number, figure in enumerate(figures, start=1):
            figure.text(
                0.94,
                0.012,
                f"{projection.scenario.name} \u00b7 page {number} of {total}",
                ha="right",
                va="bottom",
                fontsize=8,
                color="#666666",
            )
        with PdfPages(path, metadata=metadata) as pdf:
            for figure in figures:
                pdf.savefig(figure)


def write_outputs(
    projection: Projection,
    folder: Path,
    *,
    scenario_file: str,
    scenario_sha256: str,
    resolved_yaml: str,
    mc: MonteCarlo | None = None,
    sensitivity: Sensitivity | None = None,
) -> list[Path]:
    """Write all of :data:`OUTPUT_FILES` (and, with a Monte Carlo run, ``timeline_quantiles.csv``)
    into ``folder``, or nothing at all.

    Parameters
    ----------
    projection
        The results to write.
    folder
        Destination; created if missing. Existing files of the same names are replaced.
    scenario_file, scenario_sha256
        Path and SHA-256 of the scenario file, printed in the report.
    resolved_yaml
        The scenario as run, every default filled in.
    mc, sensitivity
        Results over the uncertain inputs, if the run had them.

    Returns
    -------
    list of Path
        The files written.
    """
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".partial", dir=folder.parent))
    try:
        texts = {
            "timeline.csv": timeline_csv(projection),
            "summary.json": summary_json(projection, scenario_sha256, mc, sensitivity),
            "scenario.resolved.yaml": resolved_yaml,
        }
        if mc is not None:
            texts["timeline_quantiles.csv"] = quantiles_csv(mc)
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        provenance = (
            f"Scenario file {scenario_file}, SHA-256 {scenario_sha256}. "
            f"Computed by capacity_model {__version__}. The scenario as run, every default filled "
            "in, is in scenario.resolved.yaml beside this report; the monthly figures are in "
            "timeline.csv and the headline results in summary.json."
        )
        write_pdf(projection, staging / "report.pdf", provenance, mc, sensitivity)
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        stale = folder / "timeline_quantiles.csv"  # from an earlier run with uncertainty
        if mc is None and stale.exists():
            stale.unlink()
        for name in [*OUTPUT_FILES, *(["timeline_quantiles.csv"] if mc is not None else [])]:
            os.replace(staging / name, folder / name)
            written.append(folder / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
