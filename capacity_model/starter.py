"""A commented starter scenario, for ``capacity-model init``.

The text is the package file ``starter.yaml`` with the scenario's name put in; every
figure in it cites a source from the project's reference facts.
"""

from __future__ import annotations

import math
from importlib import resources

import yaml

from .quantities import MAX_NAME, visible_text

__all__ = ["NAME_PLACEHOLDER", "starter_text"]

#: Where ``starter.yaml`` holds the scenario's name (once, as the value of ``name:``).
NAME_PLACEHOLDER = "__NAME__"


def starter_text(name: str, schema: str | None = None) -> str:
    """Return the starter scenario, named ``name``.

    Parameters
    ----------
    name
        Title of the scenario (``capacity-model init`` passes the file name without
        ``.yaml``). Any text: control and invisible characters (a line break or tab in a file
        name) become spaces and the spaces around are removed, as a name may not hold them;
        the rest is written as a double-quoted YAML string, so quotes, colons and ``#`` read
        back unchanged.
    schema
        Where an editor finds the JSON Schema, relative to the file (``capacity-model init``
        passes it when it finds the project's ``schema/scenario.schema.json``): written as the
        first line, the modeline that yaml-language-server reads.

    Returns
    -------
    str
        The scenario as YAML text, ending in a newline.

    Raises
    ------
    ValueError
        If ``name`` is empty or only spaces (a scenario needs a name), or longer than a name
        may be.

    >>> 'name: "my-study"' in starter_text("my-study")
    True
    """
    name = visible_text(name)
    if not name:
        raise ValueError("the scenario name is empty; give the file a name such as 'my-study.yaml'")
    if len(name) > MAX_NAME:
        raise ValueError(
            f"the scenario name would be {len(name):,} characters; a name is at most {MAX_NAME}: "
            "give the file a shorter name"
        )
    template = resources.files(__package__).joinpath("starter.yaml").read_text(encoding="utf-8")
    text = template.replace(NAME_PLACEHOLDER, _quoted(name), 1)
    if schema is not None:
        if any(c in schema for c in "\n\r") or not schema.strip():
            raise ValueError(f"{schema!r} is not a path for a modeline")
        text = f"# yaml-language-server: $schema={schema}\n" + text
    return text


def _quoted(text: str) -> str:
    """``text`` as one double-quoted YAML scalar on one line (the YAML emitter does the escaping)."""
    dumped = yaml.safe_dump(text, default_style='"', allow_unicode=True, width=math.inf)
    return dumped.removesuffix("\n").removesuffix("\n...")
