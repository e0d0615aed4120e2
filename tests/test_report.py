"""The written outputs: PDF pages and text, CSV, JSON, all-or-nothing writing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from capacity_model.engine import project
from capacity_model.report import files
from capacity_model.scenario_files import dump_scenario_yaml, load_scenario

BASELINE = Path(__file__).parent.parent / "scenarios" / "baseline.yaml"


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scenario = load_scenario(BASELINE)
    folder = tmp_path_factory.mktemp("out") / "baseline"
    files.write_outputs(
        project(scenario),
        folder,
        scenario_file="scenarios/baseline.yaml",
        scenario_sha256="0123abcd" * 8,
        resolved_yaml=dump_scenario_yaml(scenario),
    )
    return folder


def page_texts(folder: Path) -> list[str]:
    return [page.extract_text() for page in PdfReader(folder / "report.pdf").pages]


def test_all_files_written(written: Path) -> None:
    assert sorted(p.name for p in written.iterdir()) == sorted(files.OUTPUT_FILES)


def test_pdf_pages_in_order_with_searchable_text(written: Path) -> None:
    pages = page_texts(written)
    summary = pages[0]
    assert summary.splitlines()[1].startswith(
        "No. Every announced target is met on time"
    )  # the verdict first
    assert "Baseline: capacity targets against demand" in summary
    # a heading, its short introduction and its table's first rows are on one page
    for heading, row in (
        ("Capacity targets", "Phase 2"),
        ("Shortfalls", "Starts"),
        ("Capacity plan: what to order", "Upgrade"),
    ):
        page = next(page for page in pages if heading in page)
        assert row in page.split(heading, 1)[1], heading
    whole = "\n".join(pages)
    assert "0123abcd" * 8 in whole and "capacity_model 0.1.0" in whole
    titles = [
        "Assumptions: every input, with its unit and source",
        "Capacity against demand",
        "Utilisation of corridor capacity",
        "Gap: capacity missing to stay at the threshold",
        "Demand by stream",
        "Traffic carried, by stream",
        "Announced phases against the capacity plan",
        "Losing the largest link (N-1)",
    ]
    first_page_of = [next(i for i, page in enumerate(pages) if title in page) for title in titles]
    assert first_page_of == sorted(first_page_of) and first_page_of[0] > 0
    assert len(pages) == first_page_of[-1] + 1
    assert f"page {len(pages)} of {len(pages)}" in pages[-1]


def test_assumptions_list_inputs_with_units_and_sources(written: Path) -> None:
    lines = "\n".join(page_texts(written)).splitlines()

    def row(label: str) -> str:
        return next(line for line in lines if line.startswith(label + " "))

    # Input in words, value with its unit, source, and the field's path
    assert row("Phase 1 capacity") == "Phase 1 capacity 450 Gbps pta-ofc links[ofc].phases[0].capacity"
    assert row("Base value") == "Base value 193.5 Gbps domestic-base demand[pakistan-china].base.value"
    assert "Demand: Chinese operators' traffic routed via Pakistan (peak)" in lines
    # A lead time the file leaves out comes from planning.default_lead_time, cited as such.
    assert (
        row("Phase 3 lead time")
        == "Phase 3 lead time 26 months default lead time (planning) links[ofc].phases[2].lead_time"
    )
    assert row("Phase 3 ramp") == "Phase 3 ramp 0 months default links[ofc].phases[2].ramp"


def test_axis_labels_carry_units(written: Path) -> None:
    text = "\n".join(page_texts(written))
    assert "Peak rate, log scale [Tbps]" in text
    assert "Peak utilisation [%]" in text
    assert "Gap [Tbps]" in text or "Gap, log scale [Tbps]" in text


def test_csv_and_json(written: Path) -> None:
    with open(written / "timeline.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 180 and rows[0]["date"] == "2026-01" and rows[-1]["date"] == "2040-12"
    # By hand from baseline.yaml: 450 Gbps in 2026-01; 4 + 12 Tbps from 2030-01 (row 48) on.
    assert (rows[0]["capacity_ofc_gbps"], rows[0]["total_capacity_gbps"]) == ("450.0", "450.0")
    assert (rows[6]["date"], rows[6]["capacity_ofc_gbps"]) == ("2026-07", "1000.0")
    assert (rows[48]["capacity_new-cable_gbps"], rows[48]["total_capacity_gbps"]) == ("12000.0", "16000.0")
    # Domestic demand: 193.5 Gbps at 2025-01 growing 30% a year, 12 months on at 2026-01.
    assert float(rows[0]["demand_pakistan-china_gbps"]) == pytest.approx(193.5 * 1.3, rel=1e-13)
    assert float(rows[0]["demand_chinese-transit_gbps"]) == 0.0  # Bass adoption starts 2026-01
    summary = json.loads((written / "summary.json").read_text())
    assert summary["scenario"] == "Baseline"
    assert summary["scenario_sha256"] == "0123abcd" * 8


def test_pdf_is_reproducible(written: Path, tmp_path: Path) -> None:
    scenario = load_scenario(BASELINE)
    files.write_pdf(project(scenario), tmp_path / "again.pdf", provenance=_provenance(written))
    files.write_pdf(project(scenario), tmp_path / "twice.pdf", provenance=_provenance(written))
    assert (tmp_path / "again.pdf").read_bytes() == (tmp_path / "twice.pdf").read_bytes()


def _provenance(_: Path) -> str:
    return "fixed text"


def test_failing_run_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(files, "write_pdf", broken)
    scenario = load_scenario(BASELINE)
    with pytest.raises(RuntimeError, match="rendering failed"):
        files.write_outputs(
            project(scenario),
            tmp_path / "out" / "baseline",
            scenario_file="b.yaml",
            scenario_sha256="0",
            resolved_yaml="",
        )
    assert list((tmp_path / "out").iterdir()) == []  # no report folder, no staging folder left


def test_failing_rerun_keeps_the_previous_report(written: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = {p.name: p.read_bytes() for p in written.iterdir()}
    monkeypatch.setattr(files, "timeline_csv", lambda projection: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        files.write_outputs(
            project(load_scenario(BASELINE)),
            written,
            scenario_file="b.yaml",
            scenario_sha256="0",
            resolved_yaml="",
        )
    assert {p.name: p.read_bytes() for p in written.iterdir()} == before
    assert [p.name for p in written.parent.iterdir()] == ["baseline"]


def test_uncertain_inputs_have_their_own_table(tmp_path: Path) -> None:
    scenario = load_scenario(BASELINE)
    files.write_pdf(project(scenario), tmp_path / "r.pdf", provenance="p")
    lines = "\n".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages).splitlines()
    assert "Uncertain inputs" in lines
    text = "\n".join(lines)  # pypdf 4 joins a row's cells without a line break, later ones with one
    assert "uniform: low 10%, high 15% ranges demand.chinese-transit.share.end" in text
    assert "The final share of Chinese operators'" in text  # the input in words, wrapped
    assert "ofc phase 3 (4 Tbps) in service" in text  # a link id keeps its case
    assert not any(line.startswith("uncertainty.") for line in lines)  # not mixed into the inputs table


def test_pdf_has_a_bookmark_per_page_its_language_and_metadata(written: Path) -> None:
    reader = PdfReader(written / "report.pdf")
    titles = [item.title for item in reader.outline]
    assert len(titles) == len(reader.pages)
    assert [reader.get_destination_page_number(item) for item in reader.outline] == list(range(len(titles)))
    assert titles[0] == "Baseline: capacity targets against demand"
    assert "Capacity against demand" in titles and "Utilisation of corridor capacity" in titles
    # a heading over several pages is numbered, so that each bookmark is told apart
    assert "Assumptions: every input, with its unit and source (2)" in titles
    assert len(set(titles)) == len(titles)
    assert reader.trailer["/Root"]["/Lang"] == "en"
    metadata = reader.metadata
    assert metadata is not None
    assert metadata["/Title"] == "Baseline: capacity targets against demand"
    assert metadata["/Author"].startswith("capacity_model ")
    assert metadata["/Subject"].startswith(
        "Whether phased capacity targets keep up with the demand they invite"
    )
    assert metadata["/Keywords"].endswith("Baseline")


def test_what_meeting_each_target_takes_is_in_the_summary_table_and_json(written: Path) -> None:
    # baseline.yaml: at 2026-01 the OFC has 450 Gbps lit and 1 Tbps installed (PTA), no
    # potential given. Phase 1 (1 Tbps) is within the installed capacity: switching it on;
    # Phase 2 (4 Tbps) and the new cable (12 Tbps) are beyond it, with no ceiling to tell an
    # upgrade from a new system.
    summary = json.loads((written / "summary.json").read_text())
    assert [t["takes"] for t in summary["targets"]] == ["activation", "beyond_installed", "beyond_installed"]
    assert summary["capacity_in_place"] == {
        "at": "2026-01",
        "lit_gbps": 450.0,
        "installed_gbps": 1000.0,
        "potential_gbps": None,
        "links_without_potential": ["ofc"],
    }
    whole = " ".join("\n".join(page_texts(written)).split())
    assert (
        "What meeting the targets takes, from what is in place at 2026-01 (450 Gbps lit, 1 Tbps installed)"
        in whole
    )
    assert "Phase 1: switching on installed capacity (days to weeks)" in whole
    assert "Phase 1 installed 1 Tbps pta-ofc links[ofc].phases[0].installed" in "\n".join(page_texts(written))
