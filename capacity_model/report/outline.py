"""Assemble rendered pages into the PDF a reader opens: the pages in order, the footers of
pages drawn elsewhere laid over them, a bookmark per page, the document's language and its
title, author, subject and keywords.

matplotlib writes neither an outline nor a language, and pages rendered in other processes
come as PDFs of their own, so the report is put together with pypdf (a well-kept,
pure-Python PDF library, already used by the tests to read reports back) in one pass. The
result stays byte-reproducible: the same pages give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.figure import Figure

__all__ = ["assemble", "bookmark_titles", "heading_of"]


def heading_of(figure: Figure) -> str:
    """The heading a reader sees first on a page: its suptitle, else its first bold text (the
    title of a text page), else the left title of its first chart; ``''`` when it has none."""
    suptitle = getattr(figure, "_suptitle", None)  # Figure.get_suptitle() exists from matplotlib 3.8
    if suptitle is not None and suptitle.get_text():
        return str(suptitle.get_text())
    for text in figure.texts:
        if text.get_fontweight() in ("bold", 700) and text.get_text().strip():
            return str(text.get_text())
    for axes in figure.axes:
        if axes.get_title(loc="left"):
            return str(axes.get_title(loc="left"))
    return ""


def bookmark_titles(headings: Sequence[str]) -> list[str]:
    """A bookmark title for each page from its heading: on one line, ``Page k`` without one,
    and a heading that runs over several pages numbered ``(2)``, ``(3)``, ..."""
    titles: list[str] = []
    seen: dict[str, int] = {}
    for number, heading in enumerate(headings, start=1):
        title = " ".join(heading.split()) or f"Page {number}"
        seen[title] = seen.get(title, 0) + 1
        titles.append(title if seen[title] == 1 else f"{title} ({seen[title]})")
    return titles


def assemble(
    path: Path,
    parts: Sequence[bytes],
    pages: Sequence[tuple[int, int]],
    overlays: Mapping[int, tuple[int, int]],
    titles: Sequence[str],
    metadata: Mapping[str, str],
    language: str = "en",
) -> None:
    """Write the PDF ``path`` from rendered ``parts`` (PDF bytes).

    Parameters
    ----------
    pages
        The document's pages in order, each as (part, page index in that part).
    overlays
        Pages drawn over others (a footer over a page rendered elsewhere): document page
        number (0-based) -> (part, page index).
    titles
        A bookmark per page, in page order.
    metadata
        Document information (keys such as ``Title``, ``Author``, ``Subject``, ``Keywords``).
    language
        The document's language (``/Lang``), for screen readers.
    """
    from pypdf import PageObject, PdfReader, PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    readers = [PdfReader(io.BytesIO(part)) if part else None for part in parts]  # none: no pages
    writer = PdfWriter()

    def page_of(part: int, index: int) -> PageObject:
        reader = readers[part]
        assert reader is not None  # a part without pages has no page to give
        return reader.pages[index]

    for part, index in pages:
        writer.add_page(page_of(part, index))
    for number, (part, index) in sorted(overlays.items()):
        page = writer.pages[number]
        page.merge_page(page_of(part, index))
        page.compress_content_streams()
    for number, title in enumerate(titles):
        writer.add_outline_item(title=title, page_number=number)
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")  # open with bookmarks shown
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    if hasattr(writer, "compress_identical_objects"):  # pypdf 4.3 and later, about 1 ms
        # Leave out the content streams a merge replaced (no page's any more) and keep one
        # copy of objects the parts share.
        writer.compress_identical_objects()
    buffer = io.BytesIO()
    writer.write(buffer)
    data = buffer.getvalue()
    if overlays and not hasattr(writer, "compress_identical_objects"):
        # Before pypdf 4.3 those streams are written, uncompressed: the file was 3.5 times
        # larger. A copy of the document keeps only what its pages use.
        copy = io.BytesIO()
        PdfWriter(clone_from=io.BytesIO(data)).write(copy)
        data = copy.getvalue()
    path.write_bytes(data)
