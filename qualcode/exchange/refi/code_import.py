"""Codes of a REFI-QDA file into a codebook: merged by key, siblings of one name kept apart
(suffixed keys), the file's GUIDs and colours remembered for the next export."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy.orm import Session

from qualcode.domain.codebook import KEY_PATTERN, slugify_open_code
from qualcode.domain.text import within_limit
from qualcode.errors import InputError, QualcodeError
from qualcode.exchange.refi.description import CodeText, unpack_description
from qualcode.exchange.refi.model import RefiCode
from qualcode.exchange.refi.summary import ImportSummary
from qualcode.store import codes as code_store
from qualcode.store.coding_rows import ACTIVE_CODEBOOK
from qualcode.store.models import Code, Codebook

_RGB = re.compile(r"#([0-9a-f]{6}|[0-9a-f]{3})")

FALLBACK_COLOR = "#7f7f7f"


class CodeImport:
    """The codes of one file, mapped by GUID to the codes they became."""

    def __init__(self, session: Session, summary: ImportSummary):
        self.session = session
        self.summary = summary
        self.by_guid: dict[str, Code] = {}

    def merge(self, book: Codebook, codes: list[RefiCode]) -> None:
        """Map `codes` (with their children) into `book`, adding the ones it lacks."""
        self.summary.codebook = book.name
        existing = {code.key: code for code in code_store.codes_of(self.session, book.id)}
        had_codes = bool(existing)
        claimed: dict[str, str] = {}  # key -> the GUID of the code of this file that has it
        order = code_store.next_sort_order(self.session, book.id)
        added = False
        stack: list[tuple[RefiCode, Code | None]] = [(code, None) for code in reversed(codes)]
        while stack:
            refi, parent = stack.pop()
            if refi.guid in self.by_guid:
                self.summary.not_imported.append(
                    f"code {refi.name!r}: its GUID {refi.guid} is used twice; its codings went "
                    "to the first code with that GUID"
                )
                continue
            text = unpack_description(refi.description)
            key = self._key(refi, text.key, parent, existing, claimed)
            claimed[key] = refi.guid
            code = existing.get(key)
            if code is None:
                code = self._new_code(book, refi, text, key, parent, order)
                existing[key] = code
                order += 1
                added = True
                self.summary.codes_added.append(key)
            else:
                self.summary.codes_matched += 1
            self.by_guid[refi.guid] = code
            stack.extend((child, code) for child in reversed(refi.children))
        if added and had_codes:  # a codebook this import made is at its first version
            book.version += 1

    def _key(
        self,
        refi: RefiCode,
        packed: str | None,
        parent: Code | None,
        existing: dict[str, Code],
        claimed: dict[str, str],
    ) -> str:
        prefix = f"{parent.key}." if parent else ""
        if packed and KEY_PATTERN.fullmatch(packed) and packed.rpartition(".")[0] == prefix[:-1]:
            return packed
        key = f"{prefix}{slug(refi.name)}"
        if not key.rpartition(".")[2][0].isalpha():
            key = f"{prefix}code_{key.rpartition('.')[2]}"
        candidate, number = key, 2
        # A key another code of this file took, or a stored code of another name, is taken.
        while candidate in claimed or (
            candidate in existing and existing[candidate].name != refi.name
        ):
            candidate, number = f"{key}_{number}", number + 1
        if candidate != key and key in claimed:
            self.summary.warnings.append(
                f"codes {refi.name!r} under {parent.key if parent else 'the top'} share a "
                f"name; they were kept apart as {key} and {candidate}."
            )
        return candidate

    def _new_code(
        self,
        book: Codebook,
        refi: RefiCode,
        text: CodeText,
        key: str,
        parent: Code | None,
        order: int,
    ) -> Code:
        try:
            within_limit("code key", key)
            within_limit("code name", refi.name)
        except QualcodeError as error:
            raise InputError(str(self.summary.path), f"code {refi.name[:60]!r}: {error}") from None
        color = (refi.color or "").strip().lower()
        if color and not _RGB.fullmatch(color):
            # the schema's RGBType: kept, it would make every export of the project invalid
            self.summary.warnings.append(
                f"code {refi.name[:60]!r}: its colour {color[:20]!r} is not #rrggbb or #rgb; "
                "it was left out."
            )
            color = ""
        if len(color) == 4:  # #rgb -> #rrggbb
            color = "#" + "".join(2 * c for c in color[1:])
        code = Code(
            codebook_id=book.id,
            key=key,
            name=refi.name,
            parent_id=parent.id if parent else None,
            definition=text.definition,
            include=text.include,
            exclude=text.exclude,
            examples=text.examples,
            terms=text.terms,
            color=color or FALLBACK_COLOR,
            color_given=bool(color),
            is_open=key.startswith("open."),
            retired=not refi.codable and key.startswith("open."),
            sort_order=order,
            refi_guid=refi.guid,
        )
        self.session.add(code)
        self.session.flush()
        return code


def target_codebook(session: Session, name: str | None, fallback: str, data: bytes) -> Codebook:
    """The codebook `name`, else the active one, else a new active codebook named `fallback`
    (`data` gives its content hash)."""
    book = code_store.codebook_by_name(session, name) if name else None
    if book is None and name is None:
        book = code_store.active_codebook(session)
    if book is None:
        book = Codebook(
            name=slug(name or fallback),
            title=name or fallback,
            version=1,
            content_hash=hashlib.sha256(data).hexdigest(),
        )
        session.add(book)
        session.flush()
        code_store.put_setting(session, ACTIVE_CODEBOOK, {"name": book.name})
    return book


def slug(name: str) -> str:
    """A key part for a name (the open-code slug rules, without the open. prefix)."""
    try:
        return slugify_open_code(name).removeprefix("open.")
    except QualcodeError:
        return "code"
