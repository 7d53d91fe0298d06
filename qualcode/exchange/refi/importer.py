"""Map a read REFI-QDA project into the database (inside the caller's transaction).

Codes merge by key (siblings with the same name stay apart, with suffixed keys), users by
name, sources by the GUID they came with (or qualcode's own sha256), by identical text only
when asked. What cannot be placed (a missing text, a selection outside its text, a coding
of an unknown code) is listed in `ImportSummary.not_imported`; the caller decides whether
the rest is committed. GUIDs, sets, cases and variables are kept for the next export.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from qualcode.domain.cards import SectionStart
from qualcode.domain.text import MAX_TURN_CHARS, within_limit, without_controls
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.exchange.refi import cards as refi_cards
from qualcode.exchange.refi import kept, metadata
from qualcode.exchange.refi.code_import import CodeImport
from qualcode.exchange.refi.guids import stable_guid
from qualcode.exchange.refi.model import (
    CREATED,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSource,
)
from qualcode.exchange.refi.positions import (
    CODEPOINTS,
    UTF16,
    PositionMap,
    from_utf16,
    normalise_text,
    utf16_length,
    utf16_origin,
)
from qualcode.exchange.refi.stamps import from_stamp
from qualcode.exchange.refi.summary import ImportSummary
from qualcode.store import cards as card_store
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import done as done_store
from qualcode.store import exchange as store
from qualcode.store import transcripts as transcript_store
from qualcode.store.models import Codebook, Memo, Transcript
from qualcode.store.tables import now

# REFI-QDA users have no roles: an export names the consensus layer in the project's
# description, so that importing it keeps a consensus layer (not one more coder of "all")
CONSENSUS_MARKER = "qualcode-consensus: "
MODERATOR_ROLES_MARKER = "qualcode-moderator-roles: "  # the study's, comma-separated
PROJECT_SETTING = "refi_project"  # the name and origin of the file a project came from

# (start, end, speaker, role) of each turn of a text, tiling it.
Segmenter = Callable[[str], list[tuple[int, int, str | None, str | None]]]


@dataclass
class ImportOptions:
    fallback_coder: str
    segmenter: Segmenter
    positions: str | None = None  # codepoints | utf16; None: detect
    merge_by_text: bool = False
    # Called (to raise) with a source the project lacks when the importer may not add
    # transcripts (the caller's rule); the stored transcripts' variables are then left alone.
    refuse_transcript: Callable[[str], None] | None = None


def _section_differences(
    here: set[tuple[int, str]], theirs: set[tuple[int, str]], turns: list[int]
) -> str:
    """How the file's card sections of a transcript differ from the stored ones, by turn
    number ('' when they are the same): each a (segment id, card key) start."""
    number = {segment_id: position for position, segment_id in enumerate(turns, start=1)}
    notes = [
        f"the file opens {key} at turn {number.get(segment_id, '?')}, this database does not"
        for segment_id, key in sorted(theirs - here, key=lambda item: number.get(item[0], 0))
    ] + [
        f"this database opens {key} at turn {number.get(segment_id, '?')}, the file does not"
        for segment_id, key in sorted(here - theirs, key=lambda item: number.get(item[0], 0))
    ]
    if len(notes) > 3:
        notes = [*notes[:3], f"{len(notes) - 3} more"]
    return "; ".join(notes)


@dataclass
class _Segment:
    id: int
    start: int
    end: int


class Importer:
    """One import's state: GUID maps into the database and the summary being filled."""

    def __init__(self, session: Session, summary: ImportSummary, options: ImportOptions):
        self.session = session
        self.summary = summary
        self.options = options
        self.codes = CodeImport(session, summary)
        self.coders_by_guid: dict[str, int] = {}
        self.fallback_codings = 0
        self.notes: dict[str, RefiNote] = {}
        self.used_notes: set[str] = set()
        self.identities: dict[str, int] | None = None  # source GUID -> transcript id
        self.utf16: set[str] = set()  # sources whose positions count UTF-16 code units
        self.deck: dict[str, refi_cards.DeckCard] = {}  # statement cards by code GUID
        self.sections: dict[int, list[tuple[int, refi_cards.SectionIn]]] = {}
        self.new_transcripts: set[int] = set()
        self.layers: set[int] = set()  # coders whose codings or memos this file writes
        self.descriptions = 0  # a peer's source and selection descriptions kept as memos

    def project(self, book: Codebook, refi: RefiProject) -> None:
        codes, self.deck = refi_cards.split_deck(refi.codes)
        self.codes.merge(book, codes)
        consensus = {
            line.removeprefix(CONSENSUS_MARKER)
            for line in refi.description.splitlines()
            if line.startswith(CONSENSUS_MARKER)
        }
        for user in refi.users:
            name = user.name.strip() or f"user-{user.guid[:8]}"
            self.coders_by_guid[user.guid] = self._coder(name, user.guid, name in consensus)
            if name not in self.summary.coders:
                self.summary.coders.append(name)
        self.notes = {note.guid: note for note in refi.notes}
        for missing in refi.missing:
            lost = (
                f"; its {counted(missing.codings, 'coding')} "
                f"{'is' if missing.codings == 1 else 'are'} not imported"
                if missing.codings
                else ""
            )
            self.summary.not_imported.append(
                f"source {missing.name!r} ({missing.guid}): {missing.reason}{lost}"
            )
        self._moderator_roles(refi.description)  # before the sources: a new project takes them
        self._positions(refi)
        sources: dict[str, Transcript] = {}
        for source in refi.sources:
            transcript = self.source(source)
            if transcript is not None:
                sources[source.guid] = transcript
        if self.options.refuse_transcript is not None:  # metadata is not the importer's
            if any(source.variables for source in refi.sources):
                self.summary.warnings.append(
                    "the file's variables were not applied to the transcripts: changing a "
                    "transcript's metadata is a supervisor's."
                )
            sources = {}
        self.summary.kept = kept.keep(self.session, refi, sources, str(self.summary.path))
        self._cards()
        for guid in refi.project_notes:
            self.memo(guid, "project")
        for code in refi.all_codes():
            if code.guid in self.deck or refi_cards.is_deck(code):
                continue
            for guid in code.notes:
                self.memo(guid, "code", code_id=self.codes.by_guid[code.guid].id)
        for guid, note in self.notes.items():
            if guid not in self.used_notes:
                self.summary.warnings.append(
                    f"note {note.name!r} is attached to nothing qualcode holds; "
                    "imported as a project memo."
                )
                self.memo(guid, "project")
        if self.descriptions:
            self.summary.warnings.append(
                f"{counted(self.descriptions, 'description')} of sources or selections (text "
                f"qualcode has no field for) {'was' if self.descriptions == 1 else 'were'} kept "
                "as memos on their transcript or turn."
            )
        if self.fallback_codings:
            self.summary.warnings.append(
                f"{counted(self.fallback_codings, 'coding')} "
                + (
                    "names no user; it was"
                    if self.fallback_codings == 1
                    else "name no user; they were"
                )
                + f" given to the coder {self.options.fallback_coder!r}."
            )
        for item in refi.unsupported:
            self.summary.not_imported.append(item)
        if code_store.get_setting(self.session, PROJECT_SETTING) is None:
            code_store.put_setting(
                self.session, PROJECT_SETTING, {"name": refi.name, "origin": refi.origin}
            )

    def _moderator_roles(self, description: str) -> None:
        """The exporting study's moderator roles: a new project (no transcripts, no roles of
        its own) takes them, since they decide which turns every figure counts; a project
        whose roles differ keeps its own, warned."""
        from qualcode.domain.scope import (
            DEFAULT_MODERATOR_ROLES,
            MODERATOR_ROLES_SETTING,
            moderator_roles,
        )

        line = next(
            (x for x in description.splitlines() if x.startswith(MODERATOR_ROLES_MARKER)), None
        )
        if line is None:
            return
        theirs = moderator_roles(line.removeprefix(MODERATOR_ROLES_MARKER).split(","))
        setting = code_store.get_setting(self.session, MODERATOR_ROLES_SETTING)
        if setting is None and not card_store.transcript_ids(self.session):
            code_store.put_setting(self.session, MODERATOR_ROLES_SETTING, {"roles": list(theirs)})
            return
        here = moderator_roles(setting.get("roles", [])) if setting else DEFAULT_MODERATOR_ROLES
        if here != theirs:
            self.summary.warnings.append(
                f"the file's study counts {', '.join(theirs) or 'no role'} as moderators; this "
                f"project keeps its own ({', '.join(here) or 'none'}), which decide the "
                "participant turns of every figure (`qualcode import --manifest` with "
                "moderator_roles: changes them)."
            )

    def _coder(self, name: str, guid: str | None, consensus: bool = False) -> int:
        if guid is not None:  # a name from the file (else --coder's, checked where added)
            within_limit(
                "coder name", name, f"{self.summary.path}: the name of <User guid={guid!r}>"
            )
        from qualcode.domain.layer import MODEL_PREFIX, MODEL_ROLE

        # a suggester's layer ('model:VERSION', as `suggest write` names it) stays a model's:
        # as a human coder its codings would join the all-coders layer
        role = MODEL_ROLE if name.startswith(MODEL_PREFIX) and not consensus else "coder"
        coder = code_store.ensure_coder(self.session, name, role, consensus=consensus)
        if role == MODEL_ROLE and coder.role != MODEL_ROLE:
            self.summary.warnings.append(
                f"the file's user {name!r} is a suggester's layer, but this project has a "
                f"coder of that name with the role {coder.role!r}: its codings count as "
                "that coder's."
            )
        if consensus and not coder.is_consensus:
            self.summary.warnings.append(
                f"the file's consensus layer {name!r} went to the coder of that name here, "
                "who is not this project's consensus layer: its codings count as that coder's."
            )
        elif coder.is_consensus and not consensus and guid is not None:
            self.summary.warnings.append(
                f"the file's user {name!r} is not a consensus layer there, but its codings "
                "went to this project's consensus layer of that name."
            )
        if guid is not None and coder.refi_guid is None and guid != stable_guid("user", name):
            coder.refi_guid = guid
        return coder.id

    def coder_id(self, *guids: str | None) -> int:
        """The coder a coding or memo of these users goes to (noted in `layers`)."""
        coder = self._coder_id(*guids)
        self.layers.add(coder)
        return coder

    def _coder_id(self, *guids: str | None) -> int:
        for guid in guids:
            if guid is None:
                continue
            if guid not in self.coders_by_guid:
                name = f"user-{guid[:8]}"
                self.summary.warnings.append(f"user {guid} is not listed in Users; named {name}.")
                self.coders_by_guid[guid] = self._coder(name, guid)
            return self.coders_by_guid[guid]
        self.fallback_codings += 1
        if "" not in self.coders_by_guid:
            self.coders_by_guid[""] = self._coder(self.options.fallback_coder, None)
            if self.options.fallback_coder not in self.summary.coders:
                self.summary.coders.append(self.options.fallback_coder)
        return self.coders_by_guid[""]

    # positions
    def _positions(self, refi: RefiProject) -> None:
        """Choose how each source's positions count characters, and say so."""
        chosen = self.options.positions
        if chosen is not None:
            if chosen == UTF16:
                self.utf16 = {source.guid for source in refi.sources}
            self.summary.positions = f"positions read as {_convention(chosen)} (as asked)"
            return
        if utf16_origin(refi.origin):
            self.utf16 = {source.guid for source in refi.sources}
            self.summary.positions = (
                f"positions read as {_convention(UTF16)} (the file comes from {refi.origin})"
            )
            return
        for source in refi.sources:
            length = len(source.text.removeprefix("\ufeff"))
            furthest = max((max(s.start, s.end) for s in source.selections), default=0)
            if length < furthest <= utf16_length(source.text.removeprefix("\ufeff")):
                self.utf16.add(source.guid)
        if self.utf16:
            names = ", ".join(s.name for s in refi.sources if s.guid in self.utf16)
            self.summary.positions = (
                f"positions read as {_convention(UTF16)} in {names} (they fit the text only "
                f"counted so), elsewhere as {_convention(CODEPOINTS)}"
            )
        else:
            self.summary.positions = f"positions read as {_convention(CODEPOINTS)}"

    # sources
    def source(self, source: RefiSource) -> Transcript | None:
        where = f"source {source.name!r}"
        raw = source.text.removeprefix("\ufeff")
        text, mapped = normalise_text(raw)
        if source.guid in self.utf16:
            units, points = from_utf16(raw), mapped
            mapped = lambda position: points(units(position))  # noqa: E731
        facts, problem = metadata.extract(source.description)
        if problem:
            self.summary.warnings.append(f"{where}: {problem}; segmented from the text instead.")
        if facts is not None and not facts.tiles(len(text)):
            self.summary.warnings.append(
                f"{where}: its qualcode segments do not fit the text; segmented from the text."
            )
            facts = None
        transcript = self._same_source(source, text, facts)
        if transcript is not None and transcript.text != text:
            self.summary.not_imported.append(
                f"{where} ({source.guid}) and its {counted(_count_codings(source), 'coding')}: "
                f"it has the identity of transcript {transcript.title!r} but a different text "
                "(export both projects from the same transcripts)"
            )
            return None
        if transcript is None:
            if self.options.refuse_transcript is not None:
                self.options.refuse_transcript(where)
            transcript = self._new_transcript(source, text, facts)
            self.new_transcripts.add(transcript.id)
            self.summary.transcripts_added.append(transcript.title)
        else:
            self.summary.transcripts_merged.append(transcript.title)
        segments = [
            _Segment(segment.id, segment.start_char, segment.end_char)
            for segment, _ in transcript_store.segments_of(self.session, transcript.id)
        ]
        limit = utf16_length(raw) if source.guid in self.utf16 else len(raw)
        self.codings(source, transcript, segments, mapped, limit, where)
        for name in facts.done_by if facts is not None else []:
            if not name.strip():
                continue
            coder = self._coder(name, None)
            self.layers.add(coder)
            if done_store.mark(self.session, transcript.id, coder):
                self.summary.done_marks += 1
        for guid in source.notes:
            self.memo(guid, "transcript", transcript_id=transcript.id)
        if facts is None and problem is None:  # qualcode's own description holds its metadata
            self.description_memo(source.description, None, transcript_id=transcript.id)
        if source.codings:
            self.summary.not_imported.append(
                f"{where}: {counted(len(source.codings), 'coding')} of the whole source "
                "(qualcode codes turns and spans; code its turns instead)"
            )
        return transcript

    def _same_source(
        self, source: RefiSource, text: str, facts: metadata.SourceFacts | None
    ) -> Transcript | None:
        """The stored transcript this source is: same GUID, same qualcode sha256, or (when
        asked) the same text."""
        if self.identities is None:
            self.identities = {
                attributes.get("refi_guid") or stable_guid("source", sha): transcript_id
                for transcript_id, sha, attributes in store.transcript_identities(self.session)
            }
        if (transcript_id := self.identities.get(source.guid)) is not None:
            return self.session.get(Transcript, transcript_id)
        # The sha256 in qualcode's metadata is a claim anyone can write: it names a stored
        # transcript only if that transcript holds the same text.
        found = transcript_store.find_by_sha256(self.session, facts.sha256) if facts else None
        if found is not None and found.text == text:
            return found
        if self.options.merge_by_text:
            return store.transcript_with_text(self.session, text)
        return None

    def _new_transcript(
        self, source: RefiSource, text: str, facts: metadata.SourceFacts | None
    ) -> Transcript:
        title = source.name
        if facts is not None:
            rows = [(s.start, s.end, s.speaker, s.start_time, s.end_time) for s in facts.segments]
            roles: dict[str, str | None] = dict(facts.roles)
        else:
            spans = self.options.segmenter(text)
            rows = [(start, end, who, None, None) for start, end, who, _ in spans]
            roles = {}
            for _, _, who, role in spans:
                if who is not None:
                    roles.setdefault(who, role)
        _check_turn_lengths(source.name, rows)
        speakers = {speaker: roles.get(speaker) for _, _, speaker, _, _ in rows if speaker}
        self._check_fields(source, facts, speakers)
        sha = self._free_sha(source.guid, text)
        notes = [without_controls(note) for note in facts.notes] if facts else []
        transcript_id = transcript_store.insert_transcript(
            self.session,
            title=facts.title if facts else title,
            source_name=facts.source_name if facts else f"{title}.txt",
            sha256=sha,
            text=text,
            language=facts.language if facts else "en",
            department=facts.department if facts else None,
            group_kind=facts.group_kind if facts else None,
            recorded_on=facts.recorded_on if facts else None,
            attributes={"refi_guid": source.guid}
            | ({"source_sha256": facts.sha256} if facts and facts.sha256 != sha else {})
            | ({"notes": notes} if notes else {}),
            speakers=speakers,
            segments=[
                {
                    "speaker": speaker,
                    "ordinal": ordinal,
                    "start_char": start,
                    "end_char": end,
                    "word_count": len(text[start:end].split()),
                    "start_time": t0,
                    "end_time": t1,
                }
                for ordinal, (start, end, speaker, t0, t1) in enumerate(rows)
            ],
        )
        found = self.session.get(Transcript, transcript_id)
        assert found is not None and self.identities is not None
        self.identities[source.guid] = transcript_id
        return found

    def _check_fields(
        self, source: RefiSource, facts: metadata.SourceFacts | None, speakers: dict[str, Any]
    ) -> None:
        """Refuse a value longer than its column in one sentence naming the file, the source
        and where the value is (qualcode's metadata in the Description, else the name)."""
        shown = source.name if len(source.name) <= 40 else source.name[:40] + "…"
        element = f"{self.summary.path}: <TextSource guid={source.guid!r}> ({shown!r})"
        if facts is None:
            within_limit("title", source.name, f"{element}, its name attribute")
            within_limit("file name", f"{source.name}.txt", f"{element}, its name attribute")
            values: dict[str, Any] = {}
            place = f"{element}, a speaker in its text"
        else:
            values = {
                "title": facts.title,
                "file name": facts.source_name,
                "language": facts.language,
                "department": facts.department,
                "group kind": facts.group_kind,
            }
            place = f"{element}, the qualcode metadata of its <Description>"
        for field, value in values.items():
            within_limit(field, value, place)
        for label, role in speakers.items():
            within_limit("speaker label", label, place)
            within_limit("speaker role", role, place)

    def created(self, stamp: str | None, where: str) -> datetime:
        """When a coding was made: the file's creationDateTime, else now (said when the
        file's value is not a date and time)."""
        moment = from_stamp(stamp) if stamp else None
        if stamp and moment is None:
            self.summary.warnings.append(
                f"{where}: the creationDateTime {stamp!r} is not a date and time; the coding "
                "was given the time of this import."
            )
        return moment or now()

    def _free_sha(self, guid: str, text: str) -> str:
        """The text's sha256, computed here (the one in qualcode's metadata could name another
        file, which a later import of that file would then take as already imported); a
        second source with the same text (kept apart) gets one salted with its GUID."""
        for candidate in (
            hashlib.sha256(text.encode("utf-8")).hexdigest(),
            hashlib.sha256(f"{guid}\x1f{text}".encode()).hexdigest(),
        ):
            if transcript_store.find_by_sha256(self.session, candidate) is None:
                return candidate
        raise QualcodeError(f"source {guid} was already imported from this file.")

    def codings(
        self,
        source: RefiSource,
        transcript: Transcript,
        segments: list[_Segment],
        mapped: PositionMap,
        limit: int,
        where: str,
    ) -> None:
        rows: list[dict[str, object]] = []
        named: list[RefiSelection] = []  # coded selections with a name or stamps to keep
        for selection in source.selections:
            problem = self._misplaced(selection, limit, source.guid in self.utf16)
            if problem is not None:
                self.summary.not_imported.append(
                    f"{where}: the selection {selection.guid} [{selection.start}, "
                    f"{selection.end}) {problem}; its {counted(len(selection.codings), 'coding')}"
                )
                continue
            start, end = mapped(selection.start), mapped(selection.end)
            pieces = _pieces(transcript.text, segments, start, end)
            section = refi_cards.section_of(selection, self.deck)
            if section is not None:  # a card section: the turn it starts in opens it
                opening = next(s.id for s in segments if s.start <= start < s.end)
                self.sections.setdefault(transcript.id, []).append((opening, section))
                codings = [c for c in selection.codings if c.code not in self.deck]
                selection = replace(selection, codings=codings)
            if len(pieces) > 1 and selection.codings:
                self.summary.warnings.append(
                    f"{where}: the selection [{selection.start}, {selection.end}) crosses "
                    f"{len(pieces)} turns; each turn got its part."
                )
            for coding in selection.codings:
                code = self.codes.by_guid.get(coding.code)
                if code is None:
                    self.summary.not_imported.append(
                        f"{where}: the coding {coding.guid} points at the code {coding.code}, "
                        "which is not in the codebook"
                    )
                    continue
                memo = "\n\n".join(self.note_text(guid) for guid in coding.notes) or None
                coder = self.coder_id(coding.user, selection.user)
                created = self.created(coding.created or selection.stamps.get(CREATED), where)
                for segment_id, span in pieces:
                    rows.append(
                        {
                            "coder_id": coder,
                            "code_id": code.id,
                            "segment_id": segment_id,
                            "start_char": span[0],
                            "end_char": span[1],
                            "origin": "imported",
                            "memo": memo,
                            "refi_guid": coding.guid,
                            "refi_selection_guid": selection.guid,
                            "created_at": created,
                        }
                    )
            if selection.codings and (selection.name or selection.user or selection.stamps):
                named.append(selection)
            for guid in selection.notes:
                self.memo(guid, "segment", transcript_id=transcript.id, segment_id=pieces[0][0])
            if section is None:  # a card section's description is qualcode's (origin, score)
                self.description_memo(
                    selection.description,
                    selection.user,
                    transcript_id=transcript.id,
                    segment_id=pieces[0][0],
                )
        kept.keep_selections(self.session, named)
        added = coding_store.bulk_add_codings(self.session, rows) if rows else 0
        self.summary.codings_added += added
        self.summary.codings_present += len(rows) - added

    def _cards(self) -> None:
        """Add the file's statement cards (a key in the deck keeps its statements) and the
        card sections of the transcripts this import added; a transcript already here keeps
        the sections it has."""
        if not self.deck:
            return
        from pydantic import ValidationError

        from qualcode.domain.cards import Card
        from qualcode.store.models import Card as CardRow

        deck = {card.key: card for card in card_store.cards(self.session)}
        known = set(deck)
        for card in self.deck.values():
            if card.key in known:
                stored = deck.get(card.key)
                if stored is not None and (stored.statement, stored.concepts) != (
                    card.statement,
                    card.concepts,
                ):
                    self.summary.warnings.append(
                        f"statement card {card.key!r} is in the deck already with another "
                        "statement or concepts; it keeps this database's (the file's: "
                        f"{card.statement}, concepts {card.concepts})."
                    )
                continue
            try:
                valid = Card(key=card.key, statement=card.statement, concepts=card.concepts)
            except ValidationError as error:
                reason = error.errors()[0]["msg"].removeprefix("Value error, ")
                self.summary.not_imported.append(f"the statement card {card.key!r}: {reason}")
                continue
            self.session.add(
                CardRow(key=valid.key, statement=valid.statement, concepts=valid.concepts)
            )
            known.add(card.key)
            self.summary.cards_added.append(card.key)
        self.session.flush()
        ids = {card.key: card.id for card in card_store.cards(self.session)}
        for transcript_id, found in self.sections.items():
            title = self.session.get_one(Transcript, transcript_id).title
            if transcript_id not in self.new_transcripts:
                keys = {card_id: key for key, card_id in ids.items()}
                here = {
                    (start.segment_id, keys[start.card_id])
                    for start in card_store.starts_of(self.session, transcript_id)
                    if start.card_id is not None
                }
                theirs = {(segment_id, section.key) for segment_id, section in found}
                differences = _section_differences(
                    here, theirs, card_store.turn_ids(self.session, transcript_id)
                )
                if differences:
                    self.summary.warnings.append(
                        f"transcript {title!r} was here already and keeps its own card "
                        f"sections; the file's differ ({differences}) and were not read."
                    )
                continue
            starts = [
                SectionStart(segment_id, ids[section.key], section.origin, section.score)
                for segment_id, section in found
                if section.key in ids
            ]
            card_store.write_sections(self.session, transcript_id, starts)
            self.summary.card_sections += len(starts)

    @staticmethod
    def _misplaced(selection: RefiSelection, limit: int, utf16: bool) -> str | None:
        if selection.end < selection.start:
            return "ends before it starts"
        if selection.start < 0:
            return "starts before the text"
        if selection.end == selection.start:
            return "is empty"
        if selection.end > limit:
            unit = "UTF-16 code units" if utf16 else "characters"
            return f"lies outside the text of {limit} {unit}"
        return None

    # notes
    def note_text(self, guid: str) -> str:
        self.used_notes.add(guid)
        note = self.notes.get(guid)
        if note is None:
            self.summary.warnings.append(f"a NoteRef points at the missing note {guid}.")
            return ""
        return note.text

    def memo(self, guid: str, target: str, **ids: int | None) -> None:
        if guid in self.used_notes and target != "project":
            return
        text = self.note_text(guid).strip()
        note = self.notes.get(guid)
        if not text or note is None:
            return
        values = {
            "target": target,
            "text": text,
            "coder_id": self.coder_id(note.user) if note.user else None,
            "transcript_id": ids.get("transcript_id"),
            "segment_id": ids.get("segment_id"),
            "code_id": ids.get("code_id"),
        }
        self._add_memo(values)

    def description_memo(self, text: str, user: str | None, **ids: int) -> None:
        """A peer's Description of a source (a transcript memo) or of a selection (a memo on
        the turn it starts in): qualcode has no field for it, and dropping it loses what
        someone wrote (ATLAS.ti writes a quotation's comment there)."""
        text = text.strip()
        if not text:
            return
        values = {
            "target": "segment" if "segment_id" in ids else "transcript",
            "text": text,
            "coder_id": self.coder_id(user) if user else None,
            "transcript_id": ids.get("transcript_id"),
            "segment_id": ids.get("segment_id"),
            "code_id": None,
        }
        if self._add_memo(values):
            self.descriptions += 1

    def _add_memo(self, values: dict[str, Any]) -> bool:
        """Add the memo unless the project holds it already (an import run twice)."""
        if store.memo_exists(self.session, **values):
            return False
        self.session.add(Memo(**values))
        self.summary.memos_added += 1
        return True


def _convention(name: str) -> str:
    return "UTF-16 code units" if name == UTF16 else "code points"


def _count_codings(source: RefiSource) -> int:
    return sum(len(selection.codings) for selection in source.selections)


Span = tuple[int | None, int | None]


def _pieces(text: str, segments: list[_Segment], start: int, end: int) -> list[tuple[int, Span]]:
    """The part of [start, end) in each segment; a part covering its segment is whole-turn."""
    pieces: list[tuple[int, Span]] = []
    for segment in segments:
        low, high = max(start, segment.start), min(end, segment.end)
        if low < high:
            whole = (low, high) == (segment.start, segment.end)
            pieces.append((segment.id, (None, None) if whole else (low, high)))
    # Parts that are only the blank lines between turns add nothing when other parts remain.
    content = [p for p in pieces if p[1][0] is None or text[p[1][0] : p[1][1]].strip()]
    return content or pieces[:1]


def _check_turn_lengths(name: str, rows: list[tuple[int, int, Any, Any, Any]]) -> None:
    """Refuse a source with a turn longer than any transcript file may hold (a text without
    line breaks or labels would become one turn that every view and search must carry)."""
    for number, (start, end, *_) in enumerate(rows, start=1):
        if end - start > MAX_TURN_CHARS:
            raise QualcodeError(
                f"source {name!r}: turn {number} is {end - start:,} characters long (at most "
                f"{MAX_TURN_CHARS:,}): its text has no line breaks or speaker labels there. "
                "Add line breaks in the other tool, or import it as a transcript file."
            )
