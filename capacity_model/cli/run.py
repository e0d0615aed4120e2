"""``capacity-model run`` (and ``--check``), and ``watch``."""

from __future__ import annotations

import argparse
import gc
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..scenario_files import LoadedScenario, dump_scenario_yaml, load
from ..units import format_duration, format_month, format_percent
from .console import ProgressBar, echo, printable
from .exit_codes import EXIT_CHECK_FAILED, EXIT_OK
from .scenarios import (
    corridor_parts,
    files_sha256,
    load_all,
    named,
    network_of,
    output_folders,
    overrides_of,
    project_item,
    samples_of,
    writing,
)
from .text import network_text, summary_text

if TYPE_CHECKING:
    from ..engine import Projection
    from ..engine.montecarlo import MonteCarlo


def _inputs_sentence(item: LoadedScenario) -> str:
    parts = []
    if len(item.files) > 1:
        parts.append(
            f"It extends {' , which extends '.join(item.files[1:])} (the hash covers every file, in that order)."
        )
    if item.overrides:
        parts.append("Set on the command line: " + "; ".join(f"--set {o}" for o in item.overrides) + ".")
    return " ".join(parts) + (" " if parts else "")


def run_command(arguments: argparse.Namespace) -> int:
    """``run``: project every scenario (each corridor, and the network, of one with corridors),
    sample it, and write every report, or none if any fails; ``--check`` exits 4 on a miss."""
    files: list[Path] = arguments.files
    loaded = load_all(files, arguments.overrides, samples_of(arguments))
    top_items = list(loaded)
    # A scenario with corridors is run as one scenario per corridor, each in its own folder,
    # and the network (the streams over their routes) is written beside them.
    top_folders = output_folders(files, arguments.output)
    expanded = [
        (file, part, folder if corridor is None else folder / corridor, corridor, top)
        for top, (file, item, folder) in enumerate(zip(files, loaded, top_folders, strict=True))
        for corridor, part in corridor_parts(item)
    ]
    labels = [str(e[0]) if e[3] is None else f"{e[0]} (corridor {e[3]})" for e in expanded]
    files = [e[0] for e in expanded]
    loaded = [e[1] for e in expanded]
    folders = [e[2] for e in expanded]
    # Imported only once the input is valid: matplotlib and scipy take a second to load.
    from ..engine.montecarlo import run_monte_carlo
    from ..engine.sensitivity import sobol
    from ..report.files import stage_network, stage_outputs, start_pages
    from ..report.staging import Staged, commit, discard

    # What is loaded now lives until the end of the command: the collector need not revisit
    # it while the report's many short-lived objects come and go, nor touch it in the
    # children that draw pages (memory shared after the fork stays shared). Unfrozen at the
    # end, for a caller that runs commands one after another in one process.
    gc.freeze()
    samples, seed, deterministic = arguments.samples, arguments.seed, arguments.deterministic
    # Compute every scenario, then stage every report, then move them all into place: a
    # scenario failing at any stage leaves nothing written.
    results = []
    early = None  # one scenario's pages that need no samples, drawn while it is sampled
    staged: list[Staged] = []
    try:
        for file, item in zip(files, loaded, strict=True):
            scenario = item.scenario
            projection = project_item(item)
            mc = sensitivity = None
            if scenario.uncertainty is not None and not deterministic:
                if len(expanded) == 1:
                    early = start_pages(projection, overrides_of(item), assumptions=True)
                progress = ProgressBar(f"{file.name}: sampling")
                mc = named(item, partial(run_monte_carlo, scenario, samples, seed, progress=progress))
                if scenario.parameters():  # faults alone: samples, but no inputs to rank
                    progress = ProgressBar(f"{file.name}: Sobol' indices, model runs")
                    sensitivity = named(item, partial(sobol, scenario, seed=seed, progress=progress))
            elif (samples is not None or seed is not None) and not deterministic:
                echo(f"{file}: no uncertainty section; --samples and --seed have no effect", file=sys.stderr)
            results.append((projection, mc, sensitivity))
        # The network of each scenario with corridors, from its corridors' projections.
        networks = [
            named(
                item,
                partial(
                    network_of,
                    item,
                    not deterministic,
                    samples,
                    seed,
                    {e[3]: r[0] for e, r in zip(expanded, results, strict=True) if e[4] == top and e[3]},
                ),
            )
            for top, item in enumerate(top_items)
        ]
        for file, item, folder, (projection, mc, sensitivity) in zip(
            files, loaded, folders, results, strict=True
        ):
            with writing(folder):
                staged.append(
                    stage_outputs(
                        projection,
                        folder,
                        scenario_file=str(file),
                        scenario_sha256=files_sha256(item.files),
                        resolved_yaml=dump_scenario_yaml(item.scenario),
                        mc=mc,
                        sensitivity=sensitivity,
                        inputs=_inputs_sentence(item),
                        overrides=overrides_of(item),
                        iamc="iamc" in arguments.format,
                        early=early,
                        progress=ProgressBar(f"{file.name}: drawing the report, pages"),
                    )
                )
        for item, folder, network in zip(top_items, top_folders, networks, strict=True):
            if network is not None:
                with writing(folder):
                    staged.append(
                        stage_network(
                            network, folder, files_sha256(item.files), dump_scenario_yaml(item.scenario)
                        )
                    )
        with writing(arguments.output):
            commit(staged)
    except BaseException:
        discard(staged)
        raise
    finally:
        if early is not None:
            early.cancel()
        gc.unfreeze()
    failures: list[str] = []
    for top, (file, folder, network) in enumerate(zip(arguments.files, top_folders, networks, strict=True)):
        if network is not None:  # the network's answer first, then each corridor's own
            echo(folder if arguments.quiet else network_text(network, file, folder))
        for k in (k for k, e in enumerate(expanded) if e[4] == top):
            projection, mc, _ = results[k]
            echo(folders[k] if arguments.quiet else summary_text(projection, files[k], folders[k], mc))
            if arguments.check:
                failures += [
                    f"{labels[k]}: {line}" for line in _check(projection, mc, arguments.min_probability)
                ]
    if failures:
        echo("\n".join(failures), file=sys.stderr)
        return EXIT_CHECK_FAILED
    return EXIT_OK


def watch_command(arguments: argparse.Namespace) -> int:
    """Re-validate and re-run the scenario on each save (see :mod:`capacity_model.watch`)."""
    from ..watch import Watch, report_command

    file: Path = arguments.file
    (folder,) = output_folders([file], arguments.output)
    extra = ["--deterministic"] if arguments.deterministic else []
    for option, value in (("--samples", arguments.samples), ("--seed", arguments.seed)):
        if value is not None and not arguments.deterministic:
            extra += [option, str(value)]
    for setting in arguments.overrides:
        extra += ["--set", setting]

    def check() -> tuple[list[Path], str]:
        item = load(file, arguments.overrides)
        projected = {corridor: project_item(part) for corridor, part in corridor_parts(item)}
        texts = [
            summary_text(projection, file, folder if corridor is None else folder / corridor)
            for corridor, projection in projected.items()
        ]
        network = network_of(item, projections=projected)
        if network is not None:
            texts.append(network_text(network, file, folder))
        return [Path(f) for f in item.files], printable("\n".join(texts))

    watcher = Watch(
        file=file,
        check=check,
        report=report_command(sys.executable, file, arguments.output, extra),
        say=lambda text: echo(text),
        warn=lambda text: echo(text, file=sys.stderr),
        runs=arguments.runs,
    )
    echo(f"watching {file} (and the files it extends); Ctrl-C to stop")
    return watcher.loop()


def _check(projection: Projection, mc: MonteCarlo | None, min_probability: float) -> list[str]:
    """What ``run --check`` fails on, one line each."""
    threshold = format_percent(min_probability)
    if mc is not None:
        failing = [
            f"check failed: {t.name} on time with probability {format_percent(round(t.p_on_time, 3))}, "
            f"below {threshold}"
            for t in mc.targets
            if t.p_on_time < min_probability
        ]
        if mc.p_no_shortfall < min_probability:
            failing.append(
                f"check failed: no shortfall in the period with probability "
                f"{format_percent(round(mc.p_no_shortfall, 3))}, below {threshold}"
            )
        return failing
    failing = []
    for target in projection.targets:
        if target.met_month is None:
            failing.append(f"check failed: target {target.name} not reached within the period")
        elif not target.on_time:
            failing.append(
                f"check failed: target {target.name} late by {format_duration(target.months_late or 0)}"
            )
    if projection.exhaustions:
        first = projection.exhaustions[0]
        failing.append(
            f"check failed: shortfall from {format_month(first.month)} "
            f"(demand above {format_percent(projection.max_utilisation)} of capacity)"
        )
    return failing
