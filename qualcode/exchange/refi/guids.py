"""Stable GUIDs: the same identity gives the same GUID in every export and every database.

GUIDs are UUID5 values in one qualcode namespace, named by what identifies the thing across
databases of one study (a code key, a transcript's sha256, a coder's name), so two coders'
exports of the same study agree on the GUIDs of shared codes and sources.
"""

from __future__ import annotations

import re
import uuid

from qualcode.errors import InputError

NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://qualcode.invalid/refi-qda")
_GUID = re.compile(r"\{?([0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12})\}?")


def stable_guid(kind: str, *parts: object) -> str:
    """The GUID of a `kind` of thing ("code", "source", ...) identified by `parts`."""
    name = "\x1f".join([kind, *(str(part) for part in parts)])
    return str(uuid.uuid5(NAMESPACE, name))


def normalise_guid(value: str | None, source: str) -> str:
    """A GUID as written by any tool (any case, with or without braces) in canonical form."""
    match = _GUID.fullmatch((value or "").strip())
    if match is None:
        raise InputError(
            source, f"{value!r} is not a GUID.", hint="The file is damaged; export it again."
        )
    return match.group(1).lower()
