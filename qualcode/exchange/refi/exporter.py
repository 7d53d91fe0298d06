"""Map the database onto a `RefiProject` (inside the caller's read session).

Objects that came in from a REFI-QDA file go out with the GUIDs they came with; objects made
in qualcode get stable GUIDs (see `guids`). Variables, cases and sets kept from a file go
out again beside the ones qualcode makes (department sets, a case per speaker).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from qualcode.domain.scope import MODERATOR_ROLES_SETTING
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.exchange.refi import cards as refi_cards
from qualcode.exchange.refi import metadata, qdc
from qualcode.exchange.refi.code_import import slug
from qualcode.exchange.refi.description import CodeText, pack_description, unpack_description
from qualcode.exchange.refi.guids import stable_guid
from qualcode.exchange.refi.importer import (
    CONSENSUS_MARKER,
    MODERATOR_ROLES_MARKER,
    PROJECT_SETTING,
)
from qualcode.exchange.refi.kept import (
    DEPARTMENT,
    DEPARTMENT_SET,
    GROUP_KIND,
    ROLE,
    kept_selections,
)
from qualcode.exchange.refi.model import (
    SELECTION_STAMPS,
    RefiCase,
    RefiCode,
    RefiCoding,
    RefiNote,
    RefiProject,
    RefiSelection,
    RefiSet,
    RefiSource,
    RefiUser,
    RefiVariable,
)
from qualcode.exchange.refi.stamps import to_stamp
from qualcode.exchange.refi.summary import ExportSummary
from qualcode.store import cards as card_store
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import done as done_store
from qualcode.store import exchange as store
from qualcode.store.models import Code, Codebook, Coder, Coding, Memo, Segment, Speaker, Transcript

CODEBOOK_MARKER = "qualcode-codebook: "


def active_or_fail(session: Session) -> Codebook:
    book = code_store.active_codebook(session)
    if book is None:
        raise QualcodeError(
            "No codebook is loaded; run `qualcode codebook load FILE` before exporting."
        )
    return book


def count(codes: list[RefiCode]) -> int:
    return sum(1 + count(code.children) for code in codes)


def code_guid(code: Code) -> str:
    return code.refi_guid or stable_guid("code", code.key)


def code_tree(codes: list[Code], notes: dict[int, list[str]]) -> list[RefiCode]:
    by_id: dict[int, RefiCode] = {}
    keys = {code.id: code.key for code in codes}
    roots: list[RefiCode] = []
    for code in codes:  # parents come first: codes are in display order
        node = RefiCode(
            guid=code_guid(code),
            name=code.name,
            codable=not code.retired,
            color=code.color if code.color_given else None,
            description=describe(code, keys.get(code.parent_id or 0)),
            notes=notes.get(code.id, []),
        )
        by_id[code.id] = node
        parent = by_id.get(code.parent_id) if code.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def describe(code: Code, parent_key: str | None) -> str:
    """The code's Description: a definition alone (with a key an import derives from the
    name again) goes out as written; otherwise the parts under headings (`description`)."""
    text = CodeText(
        definition=code.definition,
        include=list(code.include),
        exclude=list(code.exclude),
        examples=list(code.examples),
        terms={lang: list(terms) for lang, terms in code.terms.items()},
        key=code.key,
    )
    derived = f"{parent_key}.{slug(code.name)}" if parent_key else slug(code.name)
    plain = not (text.include or text.exclude or text.examples or text.terms)
    if (
        plain
        and code.key == derived
        and unpack_description(code.definition) == CodeText(definition=code.definition)
    ):
        return code.definition
    return pack_description(text)


def code_sets(session: Session, guids: set[str]) -> list[RefiSet]:
    """The kept code sets, with members limited to codes being exported."""
    sets = []
    for kept in store.refi_objects(session, "set"):
        members = [guid for guid in kept.payload.get("codes", []) if guid in guids]
        if members:
            sets.append(RefiSet(kept.guid, kept.name, kept.payload.get("description", ""), members))
    return sets


def build_project(session: Session, summary: ExportSummary) -> RefiProject:
    book = active_or_fail(session)
    outside = store.count_codings_outside(session, book.id)
    if outside:
        summary.warnings.append(
            f"{counted(outside, 'coding')} of codes outside the active codebook {book.name!r} "
            f"{'was' if outside == 1 else 'were'} not exported; make that codebook active to "
            "export them."
        )
    codes = code_store.codes_of(session, book.id)
    coders = code_store.list_coders(session)
    users = {coder.name: user_guid(coder) for coder in coders}
    notes = _Notes(users)
    for memo, coder, key in coding_store.list_memos(session):
        notes.add(memo, coder, key)
    kept_project = code_store.get_setting(session, PROJECT_SETTING) or {}
    roles = code_store.get_setting(session, MODERATOR_ROLES_SETTING)
    refi = RefiProject(
        name=kept_project.get("name") or book.title or book.name,
        origin=qdc.ORIGIN,
        description=f"Exported by qualcode.\n{CODEBOOK_MARKER}{book.name}"
        + "".join(f"\n{CONSENSUS_MARKER}{coder.name}" for coder in coders if coder.is_consensus)
        + (f"\n{MODERATOR_ROLES_MARKER}{', '.join(roles['roles'])}" if roles else ""),
    )
    refi.users = [RefiUser(users[coder.name], coder.name) for coder in coders]
    refi.codes = code_tree(codes, {code.id: notes.for_code(code.key) for code in codes})
    code_guids = {code.key: code_guid(code) for code in codes}
    variables = _Variables(session)
    segments: dict[int, list[tuple[Segment, Speaker | None]]] = defaultdict(list)
    for segment, speaker in store.all_segments(session):
        segments[segment.transcript_id].append((segment, speaker))
    codings: dict[int, list[tuple[Coding, str, str]]] = defaultdict(list)
    for row in store.codings_of_codebook(session, book.id):
        codings[row[0].segment_id].append(row)
    departments: dict[str, list[str]] = defaultdict(list)
    context = _Context(
        notes, variables, code_guids, users, kept_selections(session), done_store.marks(session)
    )
    deck = card_store.cards(session)
    card_keys = {card.id: card.key for card in deck}
    for transcript in store.all_transcripts(session):
        source, cases = _source(transcript, segments[transcript.id], codings, context)
        refi.sources.append(source)
        refi.cases.extend(cases)
        summary.codings += sum(len(s.codings) for s in source.selections)
        summary.card_sections += _card_sections(
            session, source, transcript, segments[transcript.id], card_keys
        )
        if transcript.department:
            departments[transcript.department].append(source.guid)
    made_sets = [
        RefiSet(stable_guid("set", "department", name), f"{DEPARTMENT_SET}{name}", sources=members)
        for name, members in sorted(departments.items())
    ]
    root = refi_cards.deck_code(
        [refi_cards.DeckCard(card.key, dict(card.statement), list(card.concepts)) for card in deck]
    )
    if root is not None:
        refi.codes.append(root)
        made_sets.append(refi_cards.deck_set(root))
    refi.sets = made_sets + _kept_sets(session, refi, {s.guid for s in made_sets}, summary)
    refi.cases += _kept_cases(session, refi, variables, summary)
    refi.variables = variables.used()
    refi.notes = sorted(notes.notes, key=lambda note: note.guid)
    refi.project_notes = notes.for_project()
    return refi


def _card_sections(
    session: Session,
    source: RefiSource,
    transcript: Transcript,
    segments: list[tuple[Segment, Speaker | None]],
    card_keys: dict[int, str],
) -> int:
    """Add the transcript's card sections to its source as coded selections; how many."""
    bounds = {segment.id: (segment.start_char, segment.end_char) for segment, _ in segments}
    sections = [
        refi_cards.SectionOut(
            card_keys[section.card_id],
            bounds[section.first_segment_id][0],
            bounds[section.last_segment_id][1],
            section.origin,
            section.score,
        )
        for section, _, _ in card_store.sections_of(session, transcript.id)
        if section.card_id is not None
    ]
    if sections:
        source.selections += refi_cards.section_selections(identity_sha(transcript), sections)
        source.selections.sort(key=lambda s: (s.start, s.end, s.guid))
    return len(sections)


def user_guid(coder: Coder) -> str:
    return coder.refi_guid or stable_guid("user", coder.name)


class _Variables:
    """Variable GUIDs by name: a kept variable's, else a stable one; only used ones go out."""

    def __init__(self, session: Session):
        self.kept = store.refi_objects(session, "variable")
        self.by_name = {v.name: v.guid for v in self.kept}
        self.by_guid = {v.guid: v for v in self.kept}
        self.used_guids: dict[str, str] = {}  # guid -> name

    def guid(self, name: str) -> str:
        guid = self.by_name.get(name) or stable_guid("variable", name)
        self.used_guids[guid] = name
        return guid

    def use(self, guid: str) -> bool:
        """Mark a kept variable's GUID as used; False if qualcode holds no such variable."""
        kept = self.by_guid.get(guid)
        if kept is not None:
            self.used_guids[guid] = kept.name
        return kept is not None

    def values(self, department: str | None, kind: str | None) -> dict[str, str]:
        values = {}
        if department:
            values[self.guid(DEPARTMENT)] = department
        if kind:
            values[self.guid(GROUP_KIND)] = kind
        return values

    def used(self) -> list[RefiVariable]:
        kinds = {v.guid: v.payload.get("type", "Text") for v in self.kept}
        made = [g for g in self.used_guids if g not in self.by_guid]
        ordered = [v.guid for v in self.kept if v.guid in self.used_guids] + sorted(made)
        return [RefiVariable(g, self.used_guids[g], kinds.get(g, "Text")) for g in ordered]


def _kept_sets(
    session: Session, refi: RefiProject, made: set[str], summary: ExportSummary
) -> list[RefiSet]:
    codes = {code.guid for code in refi.all_codes()}
    sources = {source.guid for source in refi.sources}
    notes = {note.guid for note in refi.notes}
    sets = []
    for kept in store.refi_objects(session, "set"):
        if kept.guid in made:
            continue
        payload = kept.payload
        group = RefiSet(
            kept.guid,
            kept.name,
            payload.get("description", ""),
            codes=[g for g in payload.get("codes", []) if g in codes],
            sources=[g for g in payload.get("sources", []) if g in sources],
            notes=[g for g in payload.get("notes", []) if g in notes],
        )
        left = sum(len(payload.get(part, [])) for part in ("codes", "sources", "notes"))
        if left > len(group.codes) + len(group.sources) + len(group.notes):
            summary.warnings.append(
                f"set {kept.name!r}: members no longer in the project were left out."
            )
        sets.append(group)
    return sets


def _kept_cases(
    session: Session, refi: RefiProject, variables: _Variables, summary: ExportSummary
) -> list[RefiCase]:
    made = {case.guid for case in refi.cases}
    sources = {source.guid for source in refi.sources}
    selections = {s.guid for source in refi.sources for s in source.selections}
    cases = []
    for kept in store.refi_objects(session, "case"):
        if kept.guid in made:
            continue
        payload = kept.payload
        case = RefiCase(
            kept.guid,
            kept.name,
            {g: v for g, v in payload.get("variables", {}).items() if variables.use(g)},
            [g for g in payload.get("sources", []) if g in sources],
            [g for g in payload.get("selections", []) if g in selections],
        )
        if len(case.sources) + len(case.selections) < len(payload.get("sources", [])) + len(
            payload.get("selections", [])
        ):
            summary.warnings.append(
                f"case {kept.name!r}: sources or selections qualcode does not hold were left out."
            )
        cases.append(case)
    return cases


@dataclass
class _Context:
    notes: _Notes
    variables: _Variables
    code_guids: dict[str, str]
    user_guids: dict[str, str]
    kept: dict[str, dict[str, str]]  # selections' names and stamps from a file, by GUID
    done: dict[int, list[str]]  # transcript id -> coders who marked it done


class _Notes:
    """Memos as REFI Notes, with the GUIDs each kind of target refers to."""

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users  # coder name -> user GUID
        self.notes: list[RefiNote] = []
        self._refs: dict[tuple[str, object], list[str]] = defaultdict(list)

    def add(self, memo: Memo, coder: str | None, key: str | None) -> None:
        target: object = {
            "segment": memo.segment_id,
            "transcript": memo.transcript_id,
            "code": key,
        }.get(memo.target)
        guid = stable_guid("note", memo.target, target, coder, memo.text)
        user = self.users.get(coder) if coder else None
        self.notes.append(RefiNote(guid, f"Memo by {coder or 'nobody'}", memo.text, user))
        self._refs[(memo.target, target)].append(guid)

    def coding_note(self, coding_guid: str, text: str, coder: str) -> str:
        guid = stable_guid("note", "coding", coding_guid)
        self.notes.append(RefiNote(guid, f"Coding memo by {coder}", text, self.users[coder]))
        return guid

    def for_code(self, key: str) -> list[str]:
        return self._refs.get(("code", key), [])

    def for_segment(self, segment_id: int) -> list[str]:
        return self._refs.get(("segment", segment_id), [])

    def for_transcript(self, transcript_id: int) -> list[str]:
        return self._refs.get(("transcript", transcript_id), [])

    def for_project(self) -> list[str]:
        return self._refs.get(("project", None), [])


def identity_sha(transcript: Transcript) -> str:
    """The sha256 a transcript's GUIDs and metadata are made from: the one its project
    carried when it came from a .qdpx (kept aside, never used to recognise files), else
    its own."""
    return str((transcript.attributes or {}).get("source_sha256") or transcript.sha256)


def _source(
    transcript: Transcript,
    segments: list[tuple[Segment, Speaker | None]],
    codings: dict[int, list[tuple[Coding, str, str]]],
    context: _Context,
) -> tuple[RefiSource, list[RefiCase]]:
    sha = identity_sha(transcript)
    notes, variables = context.notes, context.variables
    facts = metadata.SourceFacts(
        sha256=sha,
        title=transcript.title,
        source_name=transcript.source_name,
        language=transcript.language,
        department=transcript.department,
        group_kind=transcript.group_kind,
        recorded_on=transcript.recorded_on,
        roles={s.label: s.role for _, s in segments if s is not None and s.role},
        segments=[
            metadata.SegmentFacts(
                start=segment.start_char,
                end=segment.end_char,
                speaker=speaker.label if speaker else None,
                start_time=segment.start_time,
                end_time=segment.end_time,
            )
            for segment, speaker in segments
        ],
        done_by=context.done.get(transcript.id, []),
        notes=[str(note) for note in (transcript.attributes or {}).get("notes", [])],
    )
    attributes = transcript.attributes or {}
    values = variables.values(transcript.department, transcript.group_kind)
    for guid, value in attributes.get("refi_values", {}).items():
        if guid not in values and variables.use(guid):
            values[guid] = value
    summary_line = f"{transcript.title}: a transcript exported by qualcode."
    source = RefiSource(
        guid=attributes.get("refi_guid") or stable_guid("source", sha),
        name=transcript.title,
        text=transcript.text,
        description=metadata.embed(summary_line, facts),
        notes=notes.for_transcript(transcript.id),
        variables=values,
    )
    holders: dict[str, RefiSelection] = {}
    turns_of: dict[str, list[str]] = defaultdict(list)
    roles: dict[str, str | None] = {}
    for segment, speaker in segments:
        turn = RefiSelection(
            guid=stable_guid("segment", sha, segment.start_char, segment.end_char),
            start=segment.start_char,
            end=segment.end_char,
            name=speaker.label if speaker else f"turn {segment.ordinal + 1}",
            notes=notes.for_segment(segment.id),
        )
        holders[turn.guid] = turn
        if speaker is not None:
            turns_of[speaker.label].append(turn.guid)
            roles[speaker.label] = speaker.role
        for coding, key, coder in codings.get(segment.id, []):
            if coding.start_char is None or coding.end_char is None:
                whole, bounds = True, (segment.start_char, segment.end_char)
            else:
                whole, bounds = False, (coding.start_char, coding.end_char)
            holder = _holder(holders, coding, turn if whole else None, sha, bounds, context.kept)
            guid = coding.refi_guid or stable_guid("coding", coder, key, sha, *bounds, whole)
            user = context.user_guids[coder]
            refs = [notes.coding_note(guid, coding.memo, coder)] if coding.memo else []
            created = to_stamp(coding.created_at)
            holder.codings.append(RefiCoding(guid, context.code_guids[key], user, refs, created))
    source.selections = sorted(holders.values(), key=lambda s: (s.start, s.end, s.guid))
    for selection in source.selections:
        selection.codings.sort(key=lambda c: c.guid)
    cases = [
        RefiCase(
            guid=stable_guid("case", sha, label),
            name=f"{label} ({transcript.title})",
            variables=variables.values(transcript.department, transcript.group_kind)
            | ({variables.guid(ROLE): roles[label] or ""} if roles.get(label) else {}),
            selections=guids,
        )
        for label, guids in turns_of.items()
    ]
    return source, cases


def _holder(
    holders: dict[str, RefiSelection],
    coding: Coding,
    turn: RefiSelection | None,
    sha: str,
    bounds: tuple[int, int],
    kept_selections: dict[str, dict[str, str]],
) -> RefiSelection:
    """The selection a coding goes in: the one it came in with (same bounds; with the name
    and stamps the file gave it), the turn for a whole-turn coding, else the span's stable
    selection."""
    kept = holders.get(coding.refi_selection_guid or "")
    if kept is not None and (kept.start, kept.end) == bounds:
        return kept
    if coding.refi_selection_guid and coding.refi_selection_guid not in holders:
        given = kept_selections.get(coding.refi_selection_guid, {})
        holders[coding.refi_selection_guid] = RefiSelection(
            coding.refi_selection_guid,
            *bounds,
            name=given.get("name", ""),
            user=given.get("user"),
            stamps={name: given[name] for name in SELECTION_STAMPS if given.get(name)},
        )
        return holders[coding.refi_selection_guid]
    if turn is not None:
        return turn
    guid = stable_guid("span", sha, *bounds)
    return holders.setdefault(guid, RefiSelection(guid, *bounds))
