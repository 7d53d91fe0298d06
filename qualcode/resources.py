"""Files shipped with qualcode (codebooks, demo transcripts, migrations), wherever installed."""

from __future__ import annotations

from pathlib import Path

from qualcode.errors import NotFoundError

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The path of a shipped file or folder such as "codebooks/three_concepts.yaml".

    A wheel carries copies under qualcode/_bundled/; an editable install reads the repository.
    """
    for candidate in (_PACKAGE / "_bundled" / name, _PACKAGE.parent / name):
        if candidate.exists():
            return candidate
    raise NotFoundError(
        f"The bundled file {name!r} is missing from this qualcode installation; reinstall qualcode."
    )
