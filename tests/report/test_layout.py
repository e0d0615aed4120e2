"""Pages of flowing text: a heading stays with what it introduces."""

from __future__ import annotations

from matplotlib.figure import Figure

from capacity_model.report.layout import TextFlow


def texts(page: Figure) -> list[str]:
    return [t.get_text() for t in page.texts]


def filled_flow(lines: int) -> TextFlow:
    """A flow whose first page holds ``lines`` bullet lines."""
    flow = TextFlow("Title")
    flow.bullets([f"item {k}" for k in range(lines)])
    return flow


def test_a_heading_its_introduction_and_its_table_share_a_page() -> None:
    # 22 bullet lines leave about 1.8 in: room for the heading and its line (0.6 in), not for
    # the 13 rows of the table too (3 in).
    flow = filled_flow(22)
    flow.heading("Shortfalls")
    flow.paragraph("Unserved: traffic above the threshold.")
    flow.table(["Starts", "Ends"], [[str(k), str(k + 1)] for k in range(12)], [1, 1])
    pages = flow.pages
    assert len(pages) == 2
    assert "Shortfalls" not in texts(pages[0]) and "Unserved: traffic above the threshold." not in texts(
        pages[0]
    )
    second = texts(pages[1])
    assert (
        second.index("Shortfalls")
        < second.index("Unserved: traffic above the threshold.")
        < second.index("Starts")
    )


def test_with_room_they_stay_where_they_are() -> None:
    flow = filled_flow(3)
    flow.heading("Shortfalls")
    flow.paragraph("Unserved: traffic above the threshold.")
    flow.table(["Starts", "Ends"], [["1", "2"]], [1, 1])
    (page,) = flow.pages
    shown = texts(page)
    assert shown.index("item 2") < shown.index("Shortfalls") < shown.index("Starts")


def test_a_heading_and_paragraph_at_the_end_are_drawn() -> None:
    flow = TextFlow("Title")
    flow.heading("Provenance")
    flow.paragraph("Scenario file baseline.yaml.")
    (page,) = flow.pages
    assert texts(page)[-2:] == ["Provenance", "Scenario file baseline.yaml."]
    assert flow.pages == [page]  # drawn once


def test_a_section_of_one_paragraph_is_kept_when_the_next_heading_comes() -> None:
    flow = TextFlow("Title")
    flow.heading("Provenance")
    flow.paragraph("Scenario file baseline.yaml.")
    flow.heading("Sources")
    flow.bullets(["PTA, 2025"])
    (page,) = flow.pages
    assert texts(page)[1:] == ["Provenance", "Scenario file baseline.yaml.", "Sources", "\u2022", "PTA, 2025"]


def body_rows_by_page(flow: TextFlow, prefix: str) -> list[list[str]]:
    return [[t for t in texts(page) if t.startswith(prefix)] for page in flow.pages]


def test_a_split_table_never_leaves_its_header_without_a_row() -> None:
    # Rows three lines tall (a long citation in a narrow column) after every amount of text above.
    citation = "a citation long enough to wrap onto three lines in a column this narrow, with its address"
    for above in range(31):
        flow = filled_flow(above)
        flow.heading("Sources")
        flow.table(["Key", "Citation"], [[f"key{k}", citation] for k in range(40)], [1.0, 0.6])
        for page, rows in zip(flow.pages, body_rows_by_page(flow, "key"), strict=True):
            if "Key" in texts(page):
                assert rows, f"{above} lines above: a header with no row under it"


def test_a_split_table_never_leaves_its_last_row_alone() -> None:
    for count in range(20, 60):
        flow = TextFlow("Title")
        flow.table(["Row", "Value"], [[f"row{k}", str(k)] for k in range(count)], [1, 1], keep_together=False)
        pages = body_rows_by_page(flow, "row")
        assert [r for rows in pages for r in rows] == [f"row{k}" for k in range(count)]
        assert len(pages[-1]) != 1, f"{count} rows: the last one alone on page {len(pages)}"
