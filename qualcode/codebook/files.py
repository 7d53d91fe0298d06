"""Read and write codebook YAML files; errors name the file, the line and the field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from qualcode.domain.codebook import Codebook
from qualcode.domain.text import without_controls
from qualcode.domain.wording import counted
from qualcode.errors import InputError, NotFoundError
from qualcode.resources import bundled

BUNDLED_CODEBOOK = "three_concepts"
_Loc = tuple[str | int, ...]


def bundled_codebook_path(name: str = BUNDLED_CODEBOOK) -> Path:
    """A codebook shipped with qualcode, by name (default: the three-concept codebook)."""
    shipped = sorted(path.stem for path in bundled("codebooks").glob("*.yaml"))
    if name not in shipped:
        raise NotFoundError(f"No bundled codebook '{name}'; qualcode ships {', '.join(shipped)}.")
    return bundled(f"codebooks/{name}.yaml")


def load_codebook(path: str | Path) -> Codebook:
    """Read and validate a codebook file; InputError names file, line and field on failure."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise NotFoundError(f"The codebook file {source} does not exist; check the path.") from None
    except UnicodeDecodeError:
        raise InputError(source, "is not UTF-8 text.", hint="Save it as UTF-8.") from None
    except OSError as exc:
        raise InputError(source, f"cannot be read ({exc.strerror}).") from None
    root, data = _parse(text, source)
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        raise _located(exc, root, data, source) from None


def dump_codebook(codebook: Codebook, path: str | Path) -> None:
    """Write `codebook` as readable block-style YAML that load_codebook reads back equal."""
    data = codebook.model_dump(mode="json", exclude_defaults=True)
    text = yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )
    Path(path).write_text(text, encoding="utf-8")


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes multi-line text as literal blocks instead of quoted escapes."""


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Literal blocks normalise \r and Unicode line breaks to \n, so only plain \n text uses them.
    multiline = "\n" in value and not any(c in value for c in "\r\x85\u2028\u2029")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if multiline else None)


_Dumper.add_representer(str, _represent_str)


def _parse(text: str, source: str) -> tuple[MappingNode, Any]:
    """Parse YAML to a node tree (nodes keep their line numbers) and to plain data."""
    loader = yaml.SafeLoader(text)
    try:
        root = _check_shape(loader.get_single_node(), source)
        return root, _without_controls(loader.construct_document(root))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise InputError(
            source,
            f"is not valid YAML: {exc.problem or exc.context}.",
            line=mark.line + 1 if mark else None,
            hint="Check the indentation and quoting on that line.",
        ) from None
    except yaml.YAMLError as exc:
        raise InputError(source, f"is not valid YAML: {exc}.") from None
    except RecursionError:
        raise InputError(
            source,
            "nests lists and mappings too deeply to read.",
            hint="A codebook is a flat list of codes with dotted keys; check the file.",
        ) from None
    finally:
        loader.dispose()


def _without_controls(value: Any) -> Any:
    """Every string of the document without control and direction-override characters
    (names and definitions are printed to the terminal, which would obey them)."""
    if isinstance(value, str):
        return without_controls(value)
    if isinstance(value, list):
        return [_without_controls(item) for item in value]
    if isinstance(value, dict):
        return {_without_controls(key): _without_controls(item) for key, item in value.items()}
    return value


def _check_shape(root: Node | None, source: str) -> MappingNode:
    if root is None:
        raise InputError(source, "is empty.", hint="A codebook needs name, title and codes.")
    if not isinstance(root, MappingNode):
        raise InputError(
            source,
            "must be a mapping of name, title, languages, favourites and codes.",
            line=root.start_mark.line + 1,
        )
    _reject_duplicate_keys(root, source)
    return root


def _reject_duplicate_keys(root: Node, source: str) -> None:
    """PyYAML keeps the last of two equal mapping keys silently; a codebook should not.
    A node met twice is a YAML alias (*name): refused, as an alias can expand without bound."""
    pending, seen_nodes = [root], set()
    while pending:
        node = pending.pop()
        if id(node) in seen_nodes:
            if isinstance(node, ScalarNode):
                continue  # PyYAML may share equal plain scalars
            raise InputError(
                source,
                "repeats the value written here through a YAML alias (*name); codebooks may "
                "not (an alias can expand without bound).",
                line=node.start_mark.line + 1,
                hint="Write the values out in full.",
            )
        seen_nodes.add(id(node))
        if isinstance(node, MappingNode):
            keys: set[str] = set()
            for key_node, value_node in node.value:
                if isinstance(key_node, ScalarNode):
                    if key_node.value in keys:
                        raise InputError(
                            source,
                            f"the field {key_node.value!r} appears twice.",
                            line=key_node.start_mark.line + 1,
                            hint="Keep one of them.",
                        )
                    keys.add(key_node.value)
                pending.append(value_node)
        elif isinstance(node, SequenceNode):
            pending.extend(node.value)


def _located(exc: ValidationError, root: MappingNode, data: Any, source: str) -> InputError:
    """The first problem in file order, as an InputError naming line and field."""
    located = sorted(
        ((_line_of(root, _loc_of(error)), _describe(error, data)) for error in exc.errors()),
        key=lambda item: item[0],
    )
    line, problem = located[0]
    more = len(located) - 1
    # The rules across codes run only once every field is valid, so more may follow these.
    hint = (
        f"The file has {counted(more, 'more problem')} in its fields; the rules across codes "
        "(unique keys, parents, favourites) are checked once the fields are right."
        if more
        else ""
    )
    return InputError(source, problem, line=line, hint=hint)


def _loc_of(error: ErrorDetails) -> _Loc:
    """Where the error applies; rules spanning several codes carry it in their context."""
    if error["type"] == "codebook_rule":
        return tuple(error.get("ctx", {})["loc"])
    return tuple(error["loc"])


def _line_of(root: MappingNode, loc: _Loc) -> int:
    """1-based line of the deepest node on `loc` (a field's key line, a list item's line)."""
    node: Node = root
    line = root.start_mark.line
    for part in loc:
        if isinstance(node, MappingNode):
            match = next((pair for pair in node.value if pair[0].value == part), None)
            if match is None:
                break
            line, node = match[0].start_mark.line, match[1]
        elif isinstance(node, SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line
        else:
            break
    return line + 1


def _describe(error: ErrorDetails, data: Any) -> str:
    """E.g. "code 'temporality.breaks' field 'color': must be a hex colour like #1f77b4"."""
    loc = _loc_of(error)
    if error["type"] == "missing":
        message = "is required"
    elif error["type"] == "extra_forbidden":
        message = "is not a codebook field; check its spelling"
    elif error["type"] == "string_type":
        # YAML reads yes/no/on/off as booleans and digits as numbers unless quoted.
        message = "must be text; put the value in quotes"
    else:
        message = error["msg"][:1].lower() + error["msg"][1:]
    where = ""
    if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
        where = f"code {_code_label(data, loc[1])} "
        loc = loc[2:]
    fields = ".".join(str(part) for part in loc if isinstance(part, str) and part != "[key]")
    if fields:
        where += f"field {fields!r}"
    return f"{where.strip()}: {message}." if where else f"{message}."


def _code_label(data: Any, index: int) -> str:
    """The code's key as written, or its position when the key itself is unusable."""
    try:
        key = data["codes"][index]["key"]
    except (KeyError, IndexError, TypeError):
        key = None
    return repr(key) if isinstance(key, str) else f"number {index + 1}"
