"""The key ids a `--keymap` file may name, read from the bindings themselves.

docs/tui.md lists them between two markers; `python -m qualcode.tui.key_ids` prints the
list and a test checks that the document holds exactly what it prints.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.dom import DOMNode

import qualcode.tui
from qualcode.tui.navigation import DESTINATIONS

START, END = "<!-- key-ids: start -->", "<!-- key-ids: end -->"


def key_ids() -> dict[str, list[str]]:
    """Binding ids by their prefix (`coding`, `goto`, ...), each once, in binding order; the
    app's and the screens' first, in the order of the screens' F keys."""
    groups: dict[str, list[str]] = {}
    for cls in _nodes():
        bindings = cls._merged_bindings
        if bindings is None:
            continue
        for binding_list in bindings.key_to_bindings.values():
            for binding in binding_list:
                if binding.id:
                    ids = groups.setdefault(binding.id.split(".")[0], [])
                    if binding.id not in ids:
                        ids.append(binding.id)
    first = ["app", "goto", *(destination.mode for destination in DESTINATIONS)]
    order = [prefix for prefix in first if prefix in groups]
    order += [prefix for prefix in groups if prefix not in first]
    return {prefix: groups[prefix] for prefix in order}


def markdown() -> str:
    """The list as it stands in docs/tui.md: one line per prefix."""
    lines = [
        f"- `{prefix}`: " + " ".join(f"`{key}`" for key in ids) for prefix, ids in key_ids().items()
    ]
    return "\n".join([START, *lines, END])


def _nodes() -> list[type[DOMNode]]:
    """Every widget, screen and app class of the workbench, the app first."""
    found: dict[str, type[DOMNode]] = {}
    for module_info in pkgutil.walk_packages(qualcode.tui.__path__, "qualcode.tui."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return sorted(found.values(), key=lambda cls: (cls.__name__ != "QualcodeApp", cls.__module__))


if __name__ == "__main__":
    print(markdown())
