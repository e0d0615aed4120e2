"""pydantic's validation errors in the words of the YAML: the field as written, what was
expected and what was found."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ..errors import Problem
from ..inheritance import Marks
from ..quantities import did_you_mean
from ..schema import MODEL_TAGS, Scenario
from ..uncertainty import DISTRIBUTIONS
from ..units import written
from .locations import Path_, locate, mark_of


def unique(problems: list[Problem]) -> list[Problem]:
    """Problems once each, in their order (merged files and repeated --set report one mistake once)."""
    return list(dict.fromkeys(problems))


_BOUNDS = {
    "greater_than_equal": ("at least", "ge"),
    "greater_than": ("more than", "gt"),
    "less_than_equal": ("at most", "le"),
    "less_than": ("less than", "lt"),
}
_TYPE_WORDS = {
    "string_type": "text",
    "list_type": "a list (lines starting with '- ', or [a, b])",
    "dict_type": "a mapping of fields (key: value)",
    "model_type": "a mapping of fields (key: value)",
    "model_attributes_type": "a mapping of fields (key: value)",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
}


def problems_from_error(error: Mapping[str, Any], data: Any, marks: Marks, file: str | None) -> list[Problem]:
    """One pydantic error as Problems; a rule's further findings come in its context."""
    first = _problem_from_error(error, data, marks, file)
    ctx = error.get("ctx") or {}
    more = [
        _problem_from_error({**error, "ctx": {"message": message, "at": at}}, data, marks, file)
        for message, at in ctx.get("more", ())
    ]
    return [first, *more]


def _problem_from_error(error: Mapping[str, Any], data: Any, marks: Marks, file: str | None) -> Problem:
    """Turn one pydantic error into a user-facing Problem with file, line and field."""
    ctx = error.get("ctx") or {}
    loc = tuple(error["loc"]) + tuple(ctx.get("at", ()))
    kind = error["type"]
    value = error.get("input")
    field, line_path = locate(data, loc)
    if kind == "scenario":
        message = str(ctx["message"])
    elif kind == "extra_forbidden":
        allowed = _allowed_fields(error["loc"][:-1])
        key = str(error["loc"][-1])
        if re.fullmatch(r"[0-9]{3}(?:[,.][0-9]+)*(?:\s.*)?", key):  # {capacity: 4,000 Gbps}
            message = (
                f"{key!r} is the end of a number cut at a comma: inside {{ }} a comma separates "
                "fields; write the number without commas (e.g. 4000 Gbps)"
            )
        else:
            message = f"unknown field {key!r}" + (
                did_you_mean(key, allowed) or f"; allowed here: {', '.join(allowed)}"
            )
    elif kind == "missing":
        message = "required field is missing"
        holds = _what_it_holds(tuple(error["loc"]))
        if holds:
            message += f": {holds}"
        if tuple(loc) in marks:  # dropped by a remove: list, which is marked there
            message += "; remove: drops it here, and the scenario needs it"
            line_path = tuple(loc)
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        key = str(ctx.get("discriminator", "'model'")).strip("'")
        tags = _expected_tags(ctx, line_path)
        if kind == "union_tag_invalid":
            tag = str(ctx.get("tag"))
            message = f"unknown {key} {tag!r}" + (
                did_you_mean(tag, tags) or f"; use one of {', '.join(tags)}"
            )
            field += f".{key}"
            line_path += (key,)
        else:
            message = f"needs a {key!r} field: one of {', '.join(tags)}"
    elif kind in _TYPE_WORDS:
        message = f"expected {_TYPE_WORDS[kind]}, found {kind_of(value)}"
        if kind == "string_type" and isinstance(value, (bool, int, float)):
            message += (
                "; YAML reads true and false as booleans and digits as numbers: put the value in quotes"
            )
    elif kind in _BOUNDS:
        word, key = _BOUNDS[kind]
        found = (
            _number(value)
            if isinstance(value, (int, float)) and not isinstance(value, bool)
            else kind_of(value)
        )
        message = f"must be {word} {_number(ctx.get(key))}, found {found}"
    elif kind == "literal_error":
        allowed = [
            t.strip().strip("'") for t in str(ctx.get("expected", "")).replace(" or ", ", ").split(",")
        ]
        message = f"{kind_of(value)} is not allowed" + (
            did_you_mean(str(value), allowed) or f"; use one of {', '.join(allowed)}"
        )
    elif kind in ("int_parsing", "int_from_float"):
        message = f"expected a whole number, found {kind_of(value)}"
    elif kind == "float_parsing":
        message = f"expected a number, found {kind_of(value)}"
    elif kind == "too_short":
        minimum = ctx.get("min_length", 1)
        noun = "entry" if minimum == 1 else "entries"
        count = len(value) if isinstance(value, (list, dict, str)) else 0
        message = f"needs at least {minimum} {noun}, found {count}"
        if count == 0 and ("remove", *loc) in marks:
            message += "; remove: leaves it empty here"
    elif kind == "string_pattern_mismatch":
        message = (
            f"{value!r} is not a valid id; use letters, digits, '-' and '_', starting with a letter or digit"
        )
    elif kind == "too_long":
        count = len(value) if isinstance(value, (list, dict)) else 0
        message = f"takes at most {ctx.get('max_length')} entries, found {count}"
    elif kind == "string_too_short":
        message = "is empty; write a value"
    elif kind == "string_unicode":
        message = "is not readable text; write it with ordinary characters"
    elif kind == "string_too_long":
        message = f"is too long; use at most {ctx.get('max_length')} characters"
    else:
        message = str(error["msg"])
    where, line = mark_of(marks, line_path, file)
    if kind == "scenario" and not str(where or "").startswith("--set "):
        message += _with_set_values(marks, line_path)
    return Problem(message, file=where, line=line, field=field)


def _with_set_values(marks: Marks, line_path: Path_) -> str:
    """``' (with --set PATH=VALUE)'`` when a value set on the command line sits in the same list
    entry (or section) as the field a rule reports, which the value may have caused; else ``''``."""
    depth = min(2, len(line_path))
    if depth == 0:
        return ""
    labels = [
        str(label)
        for location, (label, _) in marks.items()
        if str(label or "").startswith("--set ") and tuple(location[:depth]) == tuple(line_path[:depth])
    ]
    return f" (with {', '.join(dict.fromkeys(labels))})" if labels else ""


def _expected_tags(ctx: Mapping[str, Any], line_path: Path_) -> tuple[str, ...]:
    """The tags a discriminated union accepts: from pydantic's context, else by field name."""
    if "expected_tags" in ctx:
        return tuple(t.strip().strip("'") for t in str(ctx["expected_tags"]).split(","))
    return MODEL_TAGS.get(str(line_path[-1]) if line_path else "", DISTRIBUTIONS)


def _model_at(loc: tuple[Any, ...]) -> Any:
    """The model found by following ``loc`` from :class:`Scenario`, or None."""
    model: Any = Scenario
    pending: list[Any] = []
    for step in loc:
        if isinstance(step, str) and _is_model(model):
            fields = {f.alias or name: f for name, f in model.model_fields.items()}
            if step not in fields:
                return None
            pending = [fields[step].annotation]
        elif isinstance(step, str):  # a union tag chooses the member
            pending = [m for m in pending if _literal_model_tag(m) == step]
        model = _unwrap(pending, isinstance(step, int))
        if _is_model(model):
            pending = [model]
        elif isinstance(model, list):
            pending = model
    return model if _is_model(model) else None


def _allowed_fields(loc: tuple[Any, ...]) -> list[str]:
    """Field names of the model found by following ``loc`` from :class:`Scenario`."""
    model = _model_at(loc)
    return [] if model is None else [f.alias or name for name, f in model.model_fields.items()]


def _what_it_holds(loc: tuple[Any, ...]) -> str:
    """The first sentence of the field's description at ``loc``, for a reader (``''`` when
    there is none): ``'title of the scenario, shown on the report'``."""
    model = _model_at(loc[:-1])
    if model is None:
        return ""
    fields = {f.alias or name: f for name, f in model.model_fields.items()}
    described = fields.get(str(loc[-1]))
    text = (described.description or "") if described is not None else ""
    first = text.replace("``", "").split(". ")[0].split("\n\n")[0].strip().rstrip(".")
    return " ".join(first.split())[:1].lower() + " ".join(first.split())[1:]


def _is_model(annotation: Any) -> bool:
    """Whether ``annotation`` is a pydantic model class (``list[X]`` is not, on any Python)."""
    return (
        isinstance(annotation, type)
        and not isinstance(annotation, types.GenericAlias)
        and issubclass(annotation, BaseModel)
    )


def _unwrap(candidates: list[Any], into_item: bool) -> Any:
    """Strip Optional, Annotated and (when ``into_item``) list from a type."""
    members: list[Any] = []
    for annotation in candidates:
        stack = [annotation]
        while stack:
            current = stack.pop()
            origin = typing.get_origin(current)
            if origin is typing.Annotated:
                stack.append(typing.get_args(current)[0])
            elif origin in (typing.Union, types.UnionType):
                stack.extend(typing.get_args(current))
            elif origin is list and into_item:
                stack.append(typing.get_args(current)[0])
            elif current is not type(None):
                members.append(current)
    return members[0] if len(members) == 1 else members


def _literal_model_tag(model: Any) -> str | None:
    field = getattr(model, "model_fields", {}).get("model")
    args = typing.get_args(field.annotation) if field is not None else ()
    return str(args[0]) if args else None


def _number(value: Any) -> str:
    """A bound or a number found beside it, as a reader writes it: ``65,536``, ``1e+300``."""
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) < 1e15):
        return f"{int(value):,}"
    return f"{value:g}" if isinstance(value, float) else str(value)


def kind_of(value: Any) -> str:
    """What a value is, in a reader's words: ``a mapping``, ``a list``, or the value as written."""
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return written(value)
