"""What a PDF reader shows beside the pages: a bookmark per page, the document's language and
its title, author, subject and keywords.

matplotlib writes neither an outline nor a language, so the saved PDF is finished with pypdf
(a well-kept, pure-Python PDF library, already used by the tests to read reports back). The
result stays byte-reproducible: the same pages give the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path

from matplotlib.figure import Figure

__all__ = ["finish_pdf", "page_titles"]


def _title_of(figure: Figure) -> str:
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


def page_titles(figures: Sequence[Figure]) -> list[str]:
    """A bookmark title for each page: its heading on one line, ``Page k`` without one, and a
    heading that runs over several pages numbered ``(2)``, ``(3)``, ..."""
    titles: list[str] = []
    seen: dict[str, int] = {}
    for number, figure in enumerate(figures, start=1):
        title = " ".join(_title_of(figure).split()) or f"Page {number}"
        seen[title] = seen.get(title, 0) + 1
        titles.append(title if seen[title] == 1 else f"{title} ({seen[title]})")
    return titles


def finish_pdf(path: Path, titles: Sequence[str], metadata: Mapping[str, str], language: str = "en") -> None:
    """Rewrite the PDF at ``path`` with one bookmark per page (``titles``, in page order), the
    document language (``/Lang``) and ``metadata`` (keys such as ``Author``, ``Subject``,
    ``Keywords``) added to what it has."""
    from pypdf import PdfWriter
    from pypdf.generic import NameObject, TextStringObject

    writer = PdfWriter(clone_from=io.BytesIO(path.read_bytes()))
    for number, title in enumerate(titles):
        writer.add_outline_item(title=title, page_number=number)
    writer._root_object[NameObject("/Lang")] = TextStringObject(language)
    writer._root_object[NameObject("/PageMode")] = NameObject("/UseOutlines")  # open with bookmarks shown
    writer.add_metadata({f"/{key}": value for key, value in metadata.items()})
    buffer = io.BytesIO()
    writer.write(buffer)
    path.write_bytes(buffer.getvalue())
