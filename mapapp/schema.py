"""Config-file schemas declared with pydantic v2, reported as :class:`~mapapp.problems.ConfigProblem` lines.

A TOML file's schema is a tree of :class:`Strict` models (one per table). :func:`validate_toml` validates a parsed
document and turns every pydantic error into one problem naming the file, the dotted key, the bad value as TOML
writes it, what is wrong and the fix::

    kiosk.toml: kiosk.idle_timeout_s = -5 is out of range. Fix: use a whole number of seconds from 30 to 3600.

How messages are made
    Each kind of pydantic error has one message: an unknown key "is not a setting" (the fix suggests the closest
    setting, difflib, and lists the table's settings), a missing one "is missing", a wrong type "is not a whole
    number" / "is not a number" / "is not true or false" / "is not text" / "is not a table" / "is not a list" /
    "is not a date", a bound "is out of range", a ``ValueError`` raised by a validator "is invalid: <its text>".

Attaching a fix to a field
    An ``Annotated`` marker: ``idle_timeout_s: Annotated[int, Field(ge=30, le=3600), fix("use a whole number of
    seconds from 30 to 3600")] = 90``. The fix is used for every problem of the field (its list items and the
    tables of a union included); for a wrong type of a number it is followed by ", without quotes (e.g. key =
    default)". Without one the problem gets a generic fix (the range from the field's bounds, ``key = true or key
    = false``, "write it in quotes", ...), so every problem has a fix.

    ``fix("...", expected="a non-empty list of language codes")`` also says what the value should be: a wrong type
    or an empty list of the field itself "is not a non-empty list of language codes".

Raising a problem of one's own from a validator
    ``raise problem("lists a language twice", "list each language once")`` in a ``field_validator`` or
    ``model_validator``: the message and fix are used as they are. ``key=`` names the key the problem is about,
    relative to the table being validated (a model validator checking two fields names one of them:
    ``key="start.lang"``), and ``value=`` the value to show (by default the input at that key, if any).

Order
    Problems come table by table in the order the model declares its fields, a table's unknown keys first (a typo
    is usually the cause of what follows). Keys in ``[[arrays of tables]]`` count from 1: ``layers[2].name``.

Strictness
    :class:`Strict` models forbid unknown keys, are frozen and take TOML's types as they are: ``"5"`` is not a whole
    number and ``true`` is not 1. A ``float`` field takes an integer (``text_scale = 2``); a ``tuple`` field takes
    the list TOML gives (a strict tuple would refuse it). Paths are ``str`` fields checked by a validator (a strict
    ``Path`` refuses text). In a union (``A | B``, discriminated or not) a problem is reported on the keys of the
    file: the union's labels are not keys; a value that fits no member of ``int | str`` gets one problem.
"""

from __future__ import annotations

import difflib
import functools
import re
import types
import typing
from collections.abc import Mapping, Sequence, Set
from dataclasses import dataclass, replace
from typing import Any, TypeVar

import annotated_types
import pydantic
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails, PydanticCustomError, PydanticUndefined

from mapapp.problems import ConfigProblem, toml_value

M = TypeVar("M", bound=pydantic.BaseModel)

#: The error type of :func:`problem`; its context holds ``message`` and ``fix`` (and optionally ``key``, ``value``).
PROBLEM = "mapapp_problem"
_NO_VALUE = object()


@dataclass(frozen=True)
class Fix:
    """The fix of a field's problems, attached with ``Annotated[T, fix("...")]`` (see the module docstring)."""

    text: str
    expected: str | None = None  # what the value should be: "is not <expected>" for a wrong type or an empty list


def fix(text: str, *, expected: str | None = None) -> Fix:
    """The ``Annotated`` marker of a field's fix: ``Annotated[int, Field(ge=5, le=120), fix("use ...")]``.

    ``expected`` ("a list of layer ids") replaces the message of a wrong type ("is not a list") or of an empty list
    ("is empty") of the field itself (not of its items) with ``is not <expected>``.
    """
    return Fix(text, expected)


class Strict(pydantic.BaseModel):
    """A table of a config file: unknown keys are problems, values keep their TOML type, the model is frozen."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True, strict=True)

    @pydantic.model_validator(mode="before")
    @classmethod
    def _lists_as_tuples(cls, data: Any) -> Any:
        """TOML has lists only: give a ``tuple`` field its list as a tuple (strict mode takes a tuple only)."""
        if not isinstance(data, dict):
            return data  # pydantic reports it: "is not a table"
        keys = _tuple_keys(cls)
        return {k: tuple(v) if k in keys and isinstance(v, list) else v for k, v in data.items()}


@functools.cache
def _tuple_keys(model: type[pydantic.BaseModel]) -> frozenset[str]:
    return frozenset(key for key, info in _fields(model).items() if _is_tuple(info.annotation))


def _is_tuple(annotation: Any) -> bool:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return any(_is_tuple(arg) for arg in typing.get_args(annotation))
    return annotation is tuple or typing.get_origin(annotation) is tuple


def problem(message: str, fix: str, *, key: str | None = None, value: Any = _NO_VALUE) -> PydanticCustomError:
    """The error for a validator to raise: ``raise problem("lists a language twice", "list each language once")``.

    ``key`` (dotted, relative to the validated table) and ``value`` say what the problem is about when that is not
    the validated value itself (see the module docstring).
    """
    context: dict[str, Any] = {"message": message, "fix": fix}
    if key is not None:
        context["key"] = key
    if value is not _NO_VALUE:
        context["value"] = value
    return PydanticCustomError(PROBLEM, "{message}", context)


def validate_toml(model: type[M], data: Mapping[str, Any], file: str,
                  prefix: str = "") -> tuple[M | None, list[ConfigProblem]]:
    """Validate ``data`` (a parsed TOML document or table) against ``model``: the model and no problems, or ``None``
    and every problem. ``prefix`` (``"kiosk"``) is put before every key when ``data`` is a table of the file."""
    try:
        return model.model_validate(dict(data) if isinstance(data, Mapping) else data), []
    except pydantic.ValidationError as exc:
        errors = exc.errors()
    path = tuple(p for p in prefix.split(".") if p)
    located = [(_walk(model, err["loc"]), err) for err in errors]
    located.sort(key=lambda pair: pair[0].order)  # stable: pydantic's order among equals
    problems: list[ConfigProblem] = []
    for walk, err in located:
        found = _problem(walk, err, file, path)
        last = problems[-1] if problems else None
        if walk.union and last is not None and (last.key, last.value) == (found.key, found.value):
            problems[-1] = _either(last, found)  # a value that fits no member of a union: one problem
        else:
            problems.append(found)
    return None, problems


def _either(first: ConfigProblem, second: ConfigProblem) -> ConfigProblem:
    """``is not a whole number`` and ``is not text`` → ``is not a whole number or text`` (fixes likewise)."""
    tail = second.message.removeprefix("is not ") if first.message.startswith("is not ") else second.message
    fix = first.fix if second.fix in first.fix else f"{first.fix}, or {second.fix}"
    return replace(first, message=f"{first.message} or {tail}", fix=fix)


# ---------------------------------------------------------------------------------------------------------------
# Where an error is: the fields along its location


class _Walk(typing.NamedTuple):
    keys: tuple[str | int, ...]  # the TOML keys (list items as 0-based ints)
    field: FieldInfo | None  # the innermost field of the location
    field_key: str | None  # its key
    table: type[pydantic.BaseModel] | None  # the model of the table holding the last key
    order: tuple[int, ...]  # field indices along the location; unknown keys -1
    union: bool  # the location went through a member of a union


def _walk(model: type[pydantic.BaseModel], loc: tuple[str | int, ...]) -> _Walk:
    current: type[pydantic.BaseModel] | None = model
    container = False  # the last field is a list or a table of values: the next segment is an item
    members: tuple[Any, ...] = ()  # the last field is a union: the next segment is pydantic's label of a member
    keys: list[str | int] = []
    order: list[int] = []
    field: FieldInfo | None = None
    field_key: str | None = None
    table: type[pydantic.BaseModel] | None = model
    union = item = False
    for seg in loc:
        if seg == "[key]" and item:
            continue  # pydantic's own segment after a key of a table of values: the key itself was invalid
        item = container
        if members:
            current = _member(members, field, seg)
            members, union = (), True
            continue
        table = current
        if container:
            container = False
            keys.append(seg)
            order.append(seg if isinstance(seg, int) else 0)
            continue
        fields = _fields(current)
        if isinstance(seg, str) and seg in fields:
            field, field_key = fields[seg], seg
            order.append(list(fields).index(seg))
            current = _inner_model(field.annotation)
            container = _is_container(field.annotation)
            members = _union_members(field.annotation)
        else:
            order.append(-1)
            current = None
        keys.append(seg)
    return _Walk(tuple(keys), field, field_key, table, tuple(order), union)


def _union_members(annotation: Any) -> tuple[Any, ...]:
    """The members of a union of two or more types besides None (pydantic labels each in an error's location)."""
    if typing.get_origin(annotation) not in (typing.Union, types.UnionType):
        return ()
    members = tuple(arg for arg in typing.get_args(annotation) if arg is not type(None))
    return members if len(members) > 1 else ()


def _member(members: tuple[Any, ...], field: FieldInfo | None, label: str | int) -> type[pydantic.BaseModel] | None:
    """The model a union's label names: its tag (discriminated union) or its class name."""
    discriminator = field.discriminator if field is not None and isinstance(field.discriminator, str) else None
    for member in members:
        if not (isinstance(member, type) and issubclass(member, pydantic.BaseModel)):
            continue
        tag = member.model_fields.get(discriminator) if discriminator else None
        if member.__name__ == label or (tag is not None and label in typing.get_args(tag.annotation)):
            return member
    return None


def _fields(model: type[pydantic.BaseModel] | None) -> dict[str, FieldInfo]:
    """The model's fields by their TOML key (the alias, if any)."""
    if model is None:
        return {}
    return {info.alias or name: info for name, info in model.model_fields.items()}


def _inner_model(annotation: Any) -> type[pydantic.BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _is_container(annotation: Any) -> bool:
    """A list, tuple, set or table of values (``X | None`` of one too): the next key of a location is an item."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_container(arg) for arg in typing.get_args(annotation) if arg is not type(None))
    return isinstance(origin, type) and issubclass(origin, Mapping | Sequence | Set) and origin is not str


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _dotted(keys: tuple[str | int, ...]) -> str:
    """``("kiosk", "start", "lang")`` → ``kiosk.start.lang``; list items ``layers[2]`` (from 1); odd keys quoted."""
    out = ""
    for key in keys:
        if isinstance(key, int):
            out += f"[{key + 1}]"
        else:
            text = key if _BARE.fullmatch(key) else toml_value(key)
            out += f".{text}" if out else text
    return out


# ---------------------------------------------------------------------------------------------------------------
# One pydantic error → one ConfigProblem

_TYPE_MESSAGES = {
    "int_type": "is not a whole number", "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_type": "is not a number", "float_parsing": "is not a number",
    "bool_type": "is not true or false", "bool_parsing": "is not true or false",
    "string_type": "is not text",
    "model_type": "is not a table", "dict_type": "is not a table", "model_attributes_type": "is not a table",
    "list_type": "is not a list", "tuple_type": "is not a list", "set_type": "is not a list",
    "frozen_set_type": "is not a list",
    "date_type": "is not a date", "datetime_type": "is not a date and time", "time_type": "is not a time",
}
_RANGE = {"greater_than", "greater_than_equal", "less_than", "less_than_equal", "finite_number",
          "multiple_of"}


def _problem(walk: _Walk, err: ErrorDetails, file: str,
             prefix: tuple[str, ...]) -> ConfigProblem:
    kind, ctx = err["type"], err.get("ctx", {})
    keys, value = walk.keys, err.get("input")
    own_fix = _own_fix(walk.field) if walk.field is not None else None
    marker = _marker(walk.field)
    expected = marker.expected if marker is not None and keys and keys[-1] == walk.field_key else None
    if expected and (kind in _TYPE_MESSAGES or kind == "too_short"):
        return _make(file, prefix, keys, value, f"is not {expected}", own_fix or f"give {expected}")
    leaf = str(keys[-1]) if keys and isinstance(keys[-1], str) else (walk.field_key or "value")
    table = _dotted((*prefix, *keys[:-1]))
    where = f"in [{table}]" if table else "at the top level"
    if kind == PROBLEM:
        message, fix = str(ctx["message"]), str(ctx["fix"])
        if "key" in ctx:
            sub = tuple(str(ctx["key"]).split("."))
            keys = (*keys, *sub)
            value = _lookup(value, sub)
        if "value" in ctx:
            value = ctx["value"]
        return _make(file, prefix, keys, value, message, fix)
    if kind == "extra_forbidden":
        allowed = list(_fields(walk.table))
        close = difflib.get_close_matches(str(keys[-1]), allowed, n=1)
        hint = f"did you mean {close[0]}? " if close else ""
        return _make(file, prefix, keys, value, "is not a setting",
                     f"{hint}correct the spelling or remove it (the settings {where} are: {', '.join(allowed)})")
    if kind in ("union_tag_invalid", "union_tag_not_found"):  # the key naming the table's kind
        tag = str(ctx.get("discriminator", "kind")).strip("'")
        if kind == "union_tag_not_found":
            return _make(file, prefix, (*keys, tag), _NO_VALUE, "is missing",
                         own_fix or f"add {tag} = … in [{_dotted((*prefix, *keys))}]")
        expected = _quoted(str(ctx.get("expected_tags", "")))
        return _make(file, prefix, (*keys, tag), ctx.get("tag"), f"is not one of {expected}",
                     own_fix or f"use one of {expected}")
    if kind == "missing" and keys and isinstance(keys[-1], int):  # a tuple of fixed length
        return _make(file, prefix, keys[:-1], list(value) if isinstance(value, tuple) else value,
                     "has too few items", own_fix or f"give {walk.field_key} every item")
    if kind == "missing":
        fix = f"add {leaf} {where}: {own_fix}" if own_fix else f"add {leaf} = … {where}"
        return _make(file, prefix, keys, _NO_VALUE, "is missing", fix)
    if kind in _TYPE_MESSAGES:
        return _make(file, prefix, keys, value, _TYPE_MESSAGES[kind], _type_fix(kind, leaf, walk, own_fix, prefix))
    if kind in _RANGE:
        return _make(file, prefix, keys, value, "is out of range", own_fix or _range_fix(walk.field, leaf))
    if kind in ("value_error", "assertion_error"):
        reason = str(ctx.get("error", err["msg"]))
        return _make(file, prefix, keys, value, f"is invalid: {reason}", own_fix or "correct the value")
    if kind in ("literal_error", "enum"):
        expected = _quoted(str(ctx.get("expected", "")))
        return _make(file, prefix, keys, value, f"is not one of {expected}", own_fix or f"use one of {expected}")
    if kind in ("too_short", "string_too_short"):
        empty = isinstance(value, str | list | tuple | dict) and len(value) == 0
        message = f"is too short (at least {ctx.get('min_length')} characters)" if kind == "string_too_short" else (
            f"has too few items (at least {ctx.get('min_length')})")
        return _make(file, prefix, keys, value, "is empty" if empty else message, own_fix or f"give {leaf} a value")
    if kind in ("too_long", "string_too_long"):
        message = f"is too long (at most {ctx.get('max_length')} characters)" if kind == "string_too_long" else (
            f"has too many items (at most {ctx.get('max_length')})")
        return _make(file, prefix, keys, value, message, own_fix or f"shorten {leaf}")
    # any other kind: pydantic's own words, lower-cased, still with a fix
    msg = err["msg"]
    return _make(file, prefix, keys, value, f"is invalid: {msg[:1].lower()}{msg[1:]}", own_fix or "correct the value")


def _make(file: str, prefix: tuple[str, ...], keys: tuple[str | int, ...], value: Any, message: str,
          fix: str) -> ConfigProblem:
    shown = None if value is _NO_VALUE or value is None else toml_value(value)
    return ConfigProblem(file, _dotted((*prefix, *keys)) or None, shown, message, fix)


def _quoted(choices: str) -> str:
    """pydantic's ``'a', 'b'`` as TOML writes text: ``"a", "b"``."""
    return re.sub(r"'([^']*)'", r'"\1"', choices)


def _lookup(value: Any, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if not isinstance(value, Mapping) or key not in value:
            return _NO_VALUE
        value = value[key]
    return value


def _marker(field: FieldInfo | None) -> Fix | None:
    return next((m for m in field.metadata if isinstance(m, Fix)), None) if field is not None else None


def _own_fix(field: FieldInfo) -> str | None:
    marker = _marker(field)
    return marker.text if marker is not None else None


def _default(field: FieldInfo | None) -> Any:
    if field is None or field.default is PydanticUndefined:
        return _NO_VALUE
    return field.default


def _type_fix(kind: str, leaf: str, walk: _Walk, own_fix: str | None, prefix: tuple[str, ...]) -> str:
    item = bool(walk.keys) and isinstance(walk.keys[-1], int)  # a list item: the field's default is the list's
    default = _NO_VALUE if item else _default(walk.field)
    example = "" if default is _NO_VALUE else f" (e.g. {leaf} = {toml_value(default)})"
    if kind.startswith(("int", "float")):
        if own_fix:
            return f"{own_fix}, without quotes{example}"
        return f"write a {'whole ' if kind.startswith('int') else ''}number without quotes{example}"
    if kind.startswith("bool"):
        return own_fix or f"write {leaf} = true or {leaf} = false (no quotes)"
    if kind == "string_type":
        return f"write it in quotes, e.g. {leaf} = {toml_value(default)}" if isinstance(default, str) else (
            own_fix or "write it in quotes")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        dotted = _dotted((*prefix, *walk.keys))
        return f"write it as a section: [{dotted}] followed by its settings"
    if kind in ("date_type", "datetime_type", "time_type"):
        return own_fix or "write it without quotes, e.g. 1937-08-05"
    return own_fix or f"write a list in [brackets], e.g. {leaf} = [\"a\", \"b\"]"


def _range_fix(field: FieldInfo | None, leaf: str) -> str:
    bounds = {type(m).__name__: m for m in (field.metadata if field is not None else [])
              if isinstance(m, annotated_types.Ge | annotated_types.Gt | annotated_types.Le | annotated_types.Lt)}
    whole = field is not None and field.annotation is int
    noun = "a whole number" if whole else "a number"
    low = bounds.get("Ge") or bounds.get("Gt")
    high = bounds.get("Le") or bounds.get("Lt")
    low_v = getattr(low, "ge", getattr(low, "gt", None))
    high_v = getattr(high, "le", getattr(high, "lt", None))
    if low_v is not None and high_v is not None:
        return f"use {noun} from {low_v} to {high_v}"
    if low_v is not None:
        return f"use {noun} {'of at least' if 'Ge' in bounds else 'greater than'} {low_v}"
    if high_v is not None:
        return f"use {noun} {'of at most' if 'Le' in bounds else 'less than'} {high_v}"
    return f"use a value {leaf} allows"
