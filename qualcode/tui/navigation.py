"""Where the workbench can go: every screen, its key and title, defined in one place.

The Compare and Agreement screens of later issues add one line each here (and their
screen class in `QualcodeApp.MODES`); the keys, footer and command palette follow.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Destination:
    mode: str
    title: str
    key: str
    help: str


DESTINATIONS = (
    Destination("corpus", "Corpus", "f1", "Departments and transcripts, with your progress"),
    Destination("coding", "Coding", "f2", "Read and code the open transcript"),
    Destination("codebook", "Codebook", "f3", "Codes with definitions; rename, merge, promote"),
    Destination("compare", "Compare", "f4", "Codes across departments, group kinds or roles"),
    Destination("agreement", "Agreement", "f5", "Agreement between coders; adjudicate"),
    Destination("report", "Report", "f6", "A department's report: preview and write it"),
)


def navigation_bindings() -> list[Binding]:
    return [
        Binding(d.key, f"goto('{d.mode}')", d.title, id=f"goto.{d.mode}", tooltip=d.help)
        for d in DESTINATIONS
    ]
