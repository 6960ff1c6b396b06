"""The JSON Schemas (draft 2020-12) of ``workedout.result/1`` and ``workedout.exercise/1``, shipped in the package.

``workedout.exercise/1`` is a generated exercise (``workedout exercise TOPIC
--format json``, and each topic's object in ``workedout exam``'s keys): its
required keys typed, and each topic's ``givens`` keys.


One schema describes the JSON object every worked command writes (``--format
json``) and the check report (``--check`` with ``--format json``, kind
``"check"``): the common keys strictly (``schema``, ``kind``, ``title``,
``exact``, ``givens``, ``steps``, ``notes``: required, typed), and each kind's
answer keys (``if`` the kind is ``gmm.estep`` ``then`` its keys, ...). Keys the
schema does not name are allowed: the format is extended, never changed.

>>> from workedout.derivations import schema
>>> schema.load()["title"]
'workedout.result/1'
>>> schema.validate(result.to_dict())      # doctest: +SKIP  (needs the jsonschema package)

The file itself is ``workedout/derivations/schema/result-1.json`` (read it with
:func:`path`), for validators in any language.
"""
from __future__ import annotations

import copy
import functools
import json
from importlib import resources

__all__ = ["NAMES", "load", "path", "validate"]

#: The schemas shipped, by the name their JSON gives in its ``schema`` key.
NAMES: dict[str, str] = {"workedout.result/1": "result-1.json", "workedout.exercise/1": "exercise-1.json"}


def load(name: str = "workedout.result/1") -> dict:
    """The JSON Schema called ``name``, as a dict (a fresh copy each call).

    Parameters
    ----------
    name : str, default "workedout.result/1"
        The value of the ``schema`` key of the JSON to validate; also
        accepted: its file name (``"result-1.json"``) or ``"result"``.

    Raises
    ------
    ValueError
        For a name that is not shipped (the message lists the names).
    """
    return copy.deepcopy(_load(_file(name)))


def path(name: str = "workedout.result/1"):
    """The schema's file in the installed package (an :class:`importlib.resources` traversable)."""
    return resources.files(__package__) / _file(name)


def validate(instance, name: str | None = None) -> None:
    """Validate a result's JSON object (a dict, or JSON text) against its schema.

    Parameters
    ----------
    instance : dict or str
        ``result.to_dict()``, or the text ``--format json`` wrote.
    name : str, optional
        The schema; default: the one ``instance["schema"]`` names, else
        ``"workedout.result/1"``.

    Raises
    ------
    jsonschema.ValidationError
        Naming the path of the first value that does not fit.
    ImportError
        When the ``jsonschema`` package is not installed (it is in the
        ``test`` extra; the run-time package does not need it).
    """
    try:
        import jsonschema
    except ImportError:  # pragma: no cover - jsonschema is in the test extra
        raise ImportError("validate: needs the jsonschema package (pip install jsonschema, or the "
                          "workedout[test] extra)") from None
    if isinstance(instance, (str, bytes)):
        instance = json.loads(instance)
    if name is None:
        given = instance.get("schema") if isinstance(instance, dict) else None
        name = given if given in NAMES else "workedout.result/1"
    schema = _load(_file(name))
    jsonschema.Draft202012Validator(schema, format_checker=None).validate(instance)


def _file(name: str) -> str:
    if not isinstance(name, str):
        raise TypeError(f"name: expected a schema name, got {type(name).__name__}")
    for key, file in NAMES.items():
        if name in (key, file, file.removesuffix(".json"), key.split("/")[0].split(".")[-1]):
            return file
    raise ValueError(f"name: {name!r} is not a shipped schema; expected one of {', '.join(NAMES)}")


@functools.lru_cache(maxsize=None)
def _load(file: str) -> dict:
    return json.loads((resources.files(__package__) / file).read_text(encoding="utf-8"))
