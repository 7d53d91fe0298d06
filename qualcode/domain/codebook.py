"""The codebook: hierarchical codes with definitions, rules, examples and matcher terms."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterator
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from qualcode.domain.codekey import CodeKey
from qualcode.domain.text import LIMITS
from qualcode.errors import NotFoundError, QualcodeError

KEY_PATTERN = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]*")
LANGUAGE_PATTERN = re.compile(r"[a-z]{2,3}")
COLOUR_PATTERN = re.compile(r"#[0-9a-fA-F]{6}")
OPEN_BRANCH = "open"
MAX_FAVOURITES = 9
DEFAULT_COLOUR = "#7f7f7f"

_Loc = tuple[str | int, ...]


class _Model(BaseModel):
    # Frozen: codebooks are values; changes go through with_code/without_code.
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _no_blank_or_duplicate(items: list[str]) -> list[str]:
    seen: set[str] = set()
    for item in items:
        if not item:
            raise PydanticCustomError("blank_entry", "must not contain empty entries")
        if item.casefold() in seen:
            raise PydanticCustomError(
                "duplicate_entry", "{item} appears twice", {"item": repr(item)}
            )
        seen.add(item.casefold())
    return items


def _check_language(language: str) -> str:
    if not LANGUAGE_PATTERN.fullmatch(language):
        raise PydanticCustomError(
            "language_code",
            "{language} is not a language code: use two or three lowercase letters such as "
            "en, da or nb",
            {"language": repr(language)},
        )
    return language


LanguageCode = Annotated[str, AfterValidator(_check_language)]
TextList = Annotated[list[str], AfterValidator(_no_blank_or_duplicate)]


class CodeSpec(_Model):
    """One code of a codebook; `key` is its dotted place in the hierarchy."""

    key: str
    name: str = Field(min_length=1, max_length=LIMITS["code name"])
    definition: str = ""
    include: TextList = Field(default_factory=list)
    exclude: TextList = Field(default_factory=list)
    examples: TextList = Field(default_factory=list)
    terms: dict[LanguageCode, TextList] = Field(default_factory=dict)
    color: str = DEFAULT_COLOUR
    is_open: bool = False

    @field_validator("key")
    @classmethod
    def _check_key(cls, key: str) -> str:
        if len(key) > LIMITS["code key"]:
            raise PydanticCustomError(
                "code_key_length",
                "the key is {length} characters long; qualcode keeps at most {limit}",
                {"length": len(key), "limit": LIMITS["code key"]},
            )
        if not KEY_PATTERN.fullmatch(key):
            raise PydanticCustomError(
                "code_key",
                "{key} is not a code key: use dotted lowercase segments that start with a "
                "letter, like temporality.breaks",
                {"key": repr(key)},
            )
        return key

    @field_validator("color")
    @classmethod
    def _check_colour(cls, color: str) -> str:
        if not COLOUR_PATTERN.fullmatch(color):
            raise PydanticCustomError(
                "hex_colour",
                "must be a hex colour like #1f77b4, not {color}",
                {"color": repr(color)},
            )
        return color.lower()

    @property
    def parent_key(self) -> str | None:
        """The key of the parent code, or None for a top-level code."""
        return CodeKey(self.key).parent

    @property
    def depth(self) -> int:
        """0 for a top-level code, 1 for its children, and so on."""
        return CodeKey(self.key).depth

    @property
    def concept(self) -> str:
        """The key of the top-level code this code belongs to."""
        return CodeKey(self.key).concept


def _structure_problems(
    codes: list[CodeSpec], favourites: list[str], languages: list[str]
) -> Iterator[tuple[_Loc, str]]:
    """Rules that span several codes: unique keys, parents first, favourites, languages."""
    seen: set[str] = set()
    for index, code in enumerate(codes):
        if code.key in seen:
            yield ("codes", index, "key"), f"the key {code.key!r} is used by an earlier code"
        elif code.parent_key is not None and code.parent_key not in seen:
            message = f"the parent {code.parent_key!r} must be listed before this code"
            yield ("codes", index, "key"), message
        for language in code.terms:
            if language not in languages:
                message = f"{language!r} is not one of the codebook's languages {languages}"
                yield ("codes", index, "terms", language), message
        seen.add(code.key)
    if len(favourites) > MAX_FAVOURITES:
        yield ("favourites",), f"at most {MAX_FAVOURITES} favourites fit on the digit keys 1-9"
    for index, key in enumerate(favourites):
        if key not in seen:
            yield ("favourites", index), f"{key!r} is not a code key in this codebook"
        elif key in favourites[:index]:
            yield ("favourites", index), f"{key!r} is listed twice"


class Codebook(_Model):
    """A named codebook; `codes` is flat, in display order, each parent before its children."""

    name: str
    title: str = Field(min_length=1)
    description: str = ""
    languages: Annotated[list[LanguageCode], AfterValidator(_no_blank_or_duplicate)] = Field(
        default_factory=lambda: ["en"]
    )
    favourites: list[str] = Field(default_factory=list)
    codes: list[CodeSpec] = Field(default_factory=list)

    @field_validator("name")
    @classmethod
    def _check_name(cls, name: str) -> str:
        if not NAME_PATTERN.fullmatch(name):
            raise PydanticCustomError(
                "codebook_name",
                "{name!r} is not a codebook name: use lowercase letters, digits, _ and -, "
                "starting with a letter",
                {"name": name},
            )
        return name

    @model_validator(mode="after")
    def _check_structure(self) -> Self:
        problem = next(_structure_problems(self.codes, self.favourites, self.languages), None)
        if problem is not None:
            loc, message = problem
            # A model validator cannot set pydantic's `loc`; ctx carries it for file loaders.
            raise PydanticCustomError("codebook_rule", message, {"loc": loc})
        return self

    def content_hash(self) -> str:
        """SHA-256 of a canonical JSON dump; equal codebooks have equal hashes."""
        canonical = json.dumps(
            self.model_dump(mode="json"), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

    def __contains__(self, key: object) -> bool:
        return any(code.key == key for code in self.codes)

    def get(self, key: str) -> CodeSpec:
        """The code with this key; NotFoundError if there is none."""
        for code in self.codes:
            if code.key == key:
                return code
        raise NotFoundError(
            f"The codebook {self.name!r} has no code {key!r}; check the key against the codebook."
        )

    def children(self, key: str) -> list[CodeSpec]:
        """Direct children of a code, in display order."""
        return [code for code in self.codes if code.parent_key == key]

    def roots(self) -> list[CodeSpec]:
        """Top-level codes, in display order."""
        return [code for code in self.codes if code.parent_key is None]

    def with_code(self, spec: CodeSpec) -> Codebook:
        """A new codebook with `spec` replacing the code of that key, or added after its
        parent's last descendant (at the end for a new top-level code)."""
        codes = list(self.codes)
        if spec.key in self:
            codes = [spec if code.key == spec.key else code for code in codes]
        else:
            if spec.parent_key is not None:
                self.get(spec.parent_key)
            position = len(codes)
            parent = spec.parent_key
            if parent:
                position = (
                    max(i for i, code in enumerate(codes) if CodeKey(code.key).within(parent)) + 1
                )
            codes.insert(position, spec)
        return self._replace(codes=codes)

    def without_code(self, key: str) -> Codebook:
        """A new codebook without this code (which must have no children)."""
        self.get(key)
        if self.children(key):
            raise QualcodeError(
                f"The code {key!r} has child codes; remove or move them before removing it."
            )
        return self._replace(
            codes=[code for code in self.codes if code.key != key],
            favourites=[fav for fav in self.favourites if fav != key],
        )

    def _replace(self, **changes: object) -> Codebook:
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate(fields | changes)


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa"})


def slugify_open_code(name: str) -> str:
    """The key for an open code typed as `name`: "IT system" -> "open.it_system"."""
    text = name.casefold().translate(_DANISH_LETTERS)
    # NFKD splits accented letters into letter + combining mark, so "é" keeps its "e".
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")
    if not slug:
        raise QualcodeError(
            f"The open code name {name!r} has no letters or digits; type a name with letters."
        )
    if not slug[0].isalpha():
        slug = f"code_{slug}"
    return f"{OPEN_BRANCH}.{slug}"
