"""``capacity-model init`` and ``schema``: files for writing scenarios."""

from __future__ import annotations

import argparse
import json
import os
import secrets
from pathlib import Path

from ..errors import CapacityModelError
from .console import echo
from .exit_codes import EXIT_OK


def init_command(arguments: argparse.Namespace) -> int:
    """``init``: write a starter scenario, whole or not at all (``--force`` to replace a file)."""
    from ..starter import starter_text

    file: Path = arguments.file
    try:
        if file.exists() and not arguments.force:
            raise CapacityModelError(
                f"{file} already exists; choose another name, or add --force to replace it"
            )
        if not file.parent.is_dir():
            raise CapacityModelError(f"cannot write {file}: the folder {file.parent} does not exist")
        try:
            text = starter_text(file.stem, _schema_near(file))
        except ValueError as error:
            raise CapacityModelError(str(error)) from None
        # Written beside, then renamed: the file appears whole or not at all.
        staged = file.parent / f".capacity-model-init.{os.getpid()}.{secrets.token_hex(4)}.partial"
        try:
            staged.write_text(text, encoding="utf-8")
            os.replace(staged, file)
        finally:
            staged.unlink(missing_ok=True)
    except OSError as error:
        raise CapacityModelError(f"cannot write {file}: {error.strerror or error}") from None
    echo(f"wrote {file}; edit it, then: capacity-model run {file}")
    return EXIT_OK


def _schema_near(file: Path) -> str | None:
    """The path, relative to ``file``, of a scenario JSON Schema an editor can reach: a
    ``scenario.schema.json`` beside it, or a project's ``schema/scenario.schema.json`` in its
    folder or the two folders above; None when there is none."""
    folder = file.resolve().parent
    candidates = [folder / "scenario.schema.json"]
    candidates += [above / "schema" / "scenario.schema.json" for above in [folder, *folder.parents][:3]]
    for candidate in candidates:
        if candidate.is_file():
            return Path(os.path.relpath(candidate, folder)).as_posix()
    return None


def schema_command(arguments: argparse.Namespace) -> int:
    """``schema``: print the JSON Schema of scenario files."""
    from ..json_schema import scenario_json_schema

    echo(json.dumps(scenario_json_schema(), indent=2))
    return EXIT_OK
