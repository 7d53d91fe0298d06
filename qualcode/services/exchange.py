"""REFI-QDA use cases: export the codebook (.qdc) or the project (.qdpx), import either.

Export maps the database onto `qualcode.exchange.refi.model` with stable GUIDs; import maps a
read project back in one transaction, merging by transcript sha256 (or identical text) and
code key, and reports what it could not map instead of dropping it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from qualcode.domain.codebook import KEY_PATTERN, slugify_open_code
from qualcode.errors import InputError, QualcodeError
from qualcode.exchange.refi import metadata, qdc, qdpx
from qualcode.exchange.refi.description import CodeText, pack_description, unpack_description
from qualcode.exchange.refi.guids import stable_guid
from qualcode.exchange.refi.model import (
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
from qualcode.exchange.refi.positions import PositionMap, normalise_text
from qualcode.ingest.labels import parse_label
from qualcode.services.blind import visibility
from qualcode.services.project import Project
from qualcode.store import codes as code_store
from qualcode.store import codings as coding_store
from qualcode.store import exchange as store
from qualcode.store import transcripts as transcript_store
from qualcode.store.models import Code, Codebook, Coding, Memo, Segment, Speaker, Transcript

DEPARTMENT = "Department"
GROUP_KIND = "Group kind"
ROLE = "Participant role"
DEPARTMENT_SET = "Department: "
FALLBACK_CODER = "imported"
CODEBOOK_MARKER = "qualcode-codebook: "


@dataclass
class ExportSummary:
    path: Path
    codes: int = 0
    users: int = 0
    sources: int = 0
    codings: int = 0
    notes: int = 0
    cases: int = 0
    warnings: list[str] = field(default_factory=list)


@dataclass
class ImportSummary:
    path: Path
    codebook: str = ""
    codes_added: list[str] = field(default_factory=list)
    codes_matched: int = 0
    coders: list[str] = field(default_factory=list)
    transcripts_added: list[str] = field(default_factory=list)
    transcripts_merged: list[str] = field(default_factory=list)
    codings_added: int = 0
    codings_present: int = 0
    memos_added: int = 0
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- export


def export_codebook_qdc(project: Project, path: Path) -> ExportSummary:
    """Write the active codebook as a REFI-QDA codebook (.qdc)."""

    def work(session: Session) -> list[RefiCode]:
        book = _active_or_fail(session)
        return _code_tree(code_store.codes_of(session, book.id), {})

    codes = project.read(work)
    path.write_bytes(qdc.write_codebook(codes))
    return ExportSummary(path, codes=_count(codes))


def export_project_qdpx(project: Project, path: Path, *, actor: str | None = None) -> ExportSummary:
    """Write the whole project (all coders' layers) as a REFI-QDA project (.qdpx)."""
    summary = ExportSummary(path)

    def work(session: Session) -> RefiProject:
        visibility(session, actor).require_every_layer("every coder's codings")
        return _build_project(session, summary)

    refi = project.read(work)
    path.write_bytes(qdpx.write_project(refi))
    summary.codes = _count(refi.codes)
    summary.users = len(refi.users)
    summary.sources = len(refi.sources)
    summary.notes = len(refi.notes)
    summary.cases = len(refi.cases)
    return summary


def _active_or_fail(session: Session) -> Codebook:
    book = code_store.active_codebook(session)
    if book is None:
        raise QualcodeError(
            "No codebook is loaded; run `qualcode codebook load FILE` before exporting."
        )
    return book


def _count(codes: list[RefiCode]) -> int:
    return sum(1 + _count(code.children) for code in codes)


def _code_tree(codes: list[Code], notes: dict[int, list[str]]) -> list[RefiCode]:
    by_id: dict[int, RefiCode] = {}
    roots: list[RefiCode] = []
    for code in codes:  # parents come first: codes are in display order
        text = CodeText(
            definition=code.definition,
            include=list(code.include),
            exclude=list(code.exclude),
            examples=list(code.examples),
            terms={lang: list(terms) for lang, terms in code.terms.items()},
            key=code.key,
        )
        node = RefiCode(
            guid=stable_guid("code", code.key),
            name=code.name,
            codable=not code.retired,
            color=code.color,
            description=pack_description(text),
            notes=notes.get(code.id, []),
        )
        by_id[code.id] = node
        parent = by_id.get(code.parent_id) if code.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def _build_project(session: Session, summary: ExportSummary) -> RefiProject:
    book = _active_or_fail(session)
    outside = store.count_codings_outside(session, book.id)
    if outside:
        summary.warnings.append(
            f"{outside} codings of codes outside the active codebook {book.name!r} were not "
            "exported; make that codebook active to export them."
        )
    codes = code_store.codes_of(session, book.id)
    notes = _Notes()
    for memo, coder, key in coding_store.list_memos(session):
        notes.add(memo, coder, key)
    refi = RefiProject(
        name=book.title or book.name,
        origin=qdc.ORIGIN,
        description=f"Exported by qualcode.\n{CODEBOOK_MARKER}{book.name}",
    )
    refi.users = [
        RefiUser(stable_guid("user", coder.name), coder.name)
        for coder in code_store.list_coders(session)
    ]
    code_notes = {code.id: notes.for_code(code.key) for code in codes}
    refi.codes = _code_tree(codes, code_notes)
    variables = {name: stable_guid("variable", name) for name in (DEPARTMENT, GROUP_KIND, ROLE)}
    refi.variables = [RefiVariable(guid, name) for name, guid in variables.items()]
    segments: dict[int, list[tuple[Segment, Speaker | None]]] = defaultdict(list)
    for segment, speaker in store.all_segments(session):
        segments[segment.transcript_id].append((segment, speaker))
    codings: dict[int, list[tuple[Coding, str, str]]] = defaultdict(list)
    for row in store.codings_of_codebook(session, book.id):
        codings[row[0].segment_id].append(row)
    departments: dict[str, list[str]] = defaultdict(list)
    for transcript in store.all_transcripts(session):
        source, cases = _source(transcript, segments[transcript.id], codings, notes, variables)
        refi.sources.append(source)
        refi.cases.extend(cases)
        summary.codings += sum(len(s.codings) for s in source.selections)
        if transcript.department:
            departments[transcript.department].append(source.guid)
    refi.sets = [
        RefiSet(stable_guid("set", "department", name), f"{DEPARTMENT_SET}{name}", sources=guids)
        for name, guids in sorted(departments.items())
    ]
    refi.notes = notes.notes
    refi.project_notes = notes.for_project()
    return refi


class _Notes:
    """Memos as REFI Notes, with the GUIDs each kind of target refers to."""

    def __init__(self) -> None:
        self.notes: list[RefiNote] = []
        self._refs: dict[tuple[str, object], list[str]] = defaultdict(list)

    def add(self, memo: Memo, coder: str | None, key: str | None) -> None:
        target: object = {
            "segment": memo.segment_id,
            "transcript": memo.transcript_id,
            "code": key,
        }.get(memo.target)
        guid = stable_guid("note", memo.target, target, coder, memo.text)
        user = stable_guid("user", coder) if coder else None
        self.notes.append(RefiNote(guid, f"Memo by {coder or 'nobody'}", memo.text, user))
        self._refs[(memo.target, target)].append(guid)

    def coding_note(self, coding_guid: str, text: str, coder: str) -> str:
        guid = stable_guid("note", "coding", coding_guid)
        self.notes.append(RefiNote(guid, f"Coding memo by {coder}", text, _user(coder)))
        return guid

    def for_code(self, key: str) -> list[str]:
        return self._refs.get(("code", key), [])

    def for_segment(self, segment_id: int) -> list[str]:
        return self._refs.get(("segment", segment_id), [])

    def for_transcript(self, transcript_id: int) -> list[str]:
        return self._refs.get(("transcript", transcript_id), [])

    def for_project(self) -> list[str]:
        return self._refs.get(("project", None), [])


def _user(coder: str) -> str:
    return stable_guid("user", coder)


def _source(
    transcript: Transcript,
    segments: list[tuple[Segment, Speaker | None]],
    codings: dict[int, list[tuple[Coding, str, str]]],
    notes: _Notes,
    variables: dict[str, str],
) -> tuple[RefiSource, list[RefiCase]]:
    sha = transcript.sha256
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
    )
    summary_line = f"{transcript.title}: a transcript exported by qualcode."
    source = RefiSource(
        guid=stable_guid("source", sha),
        name=transcript.title,
        text=transcript.text,
        description=metadata.embed(summary_line, facts),
        notes=notes.for_transcript(transcript.id),
        variables=_values(variables, transcript.department, transcript.group_kind),
    )
    spans: dict[tuple[int, int], RefiSelection] = {}
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
        source.selections.append(turn)
        if speaker is not None:
            turns_of[speaker.label].append(turn.guid)
            roles[speaker.label] = speaker.role
        for coding, key, coder in codings.get(segment.id, []):
            if coding.start_char is None or coding.end_char is None:
                bounds, holder = (segment.start_char, segment.end_char), turn
            else:
                bounds = (coding.start_char, coding.end_char)
                holder = spans.get(bounds) or spans.setdefault(
                    bounds, RefiSelection(stable_guid("span", sha, *bounds), *bounds)
                )
            guid = stable_guid("coding", coder, key, sha, *bounds, holder is turn)
            refs = [notes.coding_note(guid, coding.memo, coder)] if coding.memo else []
            holder.codings.append(RefiCoding(guid, stable_guid("code", key), _user(coder), refs))
    source.selections.extend(spans.values())
    source.selections.sort(key=lambda s: (s.start, s.end, s.guid))
    for selection in source.selections:
        selection.codings.sort(key=lambda c: c.guid)
    cases = [
        RefiCase(
            guid=stable_guid("case", sha, label),
            name=f"{label} ({transcript.title})",
            variables=_values(variables, transcript.department, transcript.group_kind)
            | ({variables[ROLE]: roles[label] or ""} if roles.get(label) else {}),
            selections=guids,
        )
        for label, guids in turns_of.items()
    ]
    return source, cases


def _values(variables: dict[str, str], department: str | None, kind: str | None) -> dict[str, str]:
    values = {}
    if department:
        values[variables[DEPARTMENT]] = department
    if kind:
        values[variables[GROUP_KIND]] = kind
    return values


# ---------------------------------------------------------------- import


def import_qdc(project: Project, path: Path, codebook: str | None = None) -> ImportSummary:
    """Merge the codes of a .qdc file into `codebook` (default: the active one, else a new
    codebook named after the file); codes already there (same key) are kept as they are."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(str(path), f"cannot be read ({error.strerror}).") from error
    codes, skipped = qdc.read_codebook(data, str(path))
    summary = ImportSummary(path, warnings=[f"not imported: {item}" for item in skipped])

    def work(session: Session) -> ImportSummary:
        book = _target_codebook(session, codebook, path.stem, data)
        _Importer(session, summary, FALLBACK_CODER).codes(book, codes)
        return summary

    return project.write(work)


def import_qdpx(project: Project, path: Path, coder: str | None = None) -> ImportSummary:
    """Import a .qdpx project in one transaction; codings without a user go to `coder`."""
    refi = qdpx.read_project(path)
    summary = ImportSummary(path, warnings=[f"not imported: {item}" for item in refi.unsupported])

    def work(session: Session) -> ImportSummary:
        digest = hashlib.sha256(refi.name.encode("utf-8")).digest()
        exported = next(
            (x for x in refi.description.splitlines() if x.startswith(CODEBOOK_MARKER)), None
        )
        fallback = exported[len(CODEBOOK_MARKER) :] if exported else refi.name or path.stem
        book = _target_codebook(session, None, fallback, digest)
        importer = _Importer(session, summary, coder or FALLBACK_CODER)
        importer.project(book, refi)
        return summary

    return project.write(work)


def _target_codebook(session: Session, name: str | None, fallback: str, data: bytes) -> Codebook:
    book = code_store.codebook_by_name(session, name) if name else None
    if book is None and name is None:
        book = code_store.active_codebook(session)
    if book is None:
        slug = _slug(name or fallback)
        book = Codebook(
            name=slug,
            title=name or fallback,
            version=1,
            content_hash=hashlib.sha256(data).hexdigest(),
        )
        session.add(book)
        session.flush()
        code_store.put_setting(session, code_store.ACTIVE_CODEBOOK, {"name": book.name})
    return book


def _slug(name: str) -> str:
    # The open-code slug rules (ASCII, lowercase, underscores), without the open. prefix.
    try:
        return slugify_open_code(name).removeprefix("open.")
    except QualcodeError:
        return "code"


@dataclass
class _Segment:
    id: int
    start: int
    end: int


class _Importer:
    """One import's state: GUID maps into the database and the summary being filled."""

    def __init__(self, session: Session, summary: ImportSummary, fallback_coder: str):
        self.session = session
        self.summary = summary
        self.fallback = fallback_coder
        self.codes_by_guid: dict[str, Code] = {}
        self.coders_by_guid: dict[str, int] = {}
        self.notes: dict[str, RefiNote] = {}
        self.used_notes: set[str] = set()

    # codes
    def codes(self, book: Codebook, codes: list[RefiCode]) -> None:
        self.summary.codebook = book.name
        existing = {code.key: code for code in code_store.codes_of(self.session, book.id)}
        order = code_store.next_sort_order(self.session, book.id)
        added = False
        stack: list[tuple[RefiCode, Code | None]] = [(code, None) for code in reversed(codes)]
        while stack:
            refi, parent = stack.pop()
            text = unpack_description(refi.description)
            key = self._key(refi, text.key, parent, existing)
            code = existing.get(key)
            if code is None:
                code = self._new_code(book, refi, text, key, parent, order)
                existing[key] = code
                order += 1
                added = True
                self.summary.codes_added.append(key)
            else:
                self.summary.codes_matched += 1
            if refi.guid in self.codes_by_guid:
                raise InputError(
                    str(self.summary.path), f"the code GUID {refi.guid} is used twice."
                )
            self.codes_by_guid[refi.guid] = code
            stack.extend((child, code) for child in reversed(refi.children))
        if added:
            book.version += 1

    def _key(
        self, refi: RefiCode, packed: str | None, parent: Code | None, existing: dict[str, Code]
    ) -> str:
        prefix = f"{parent.key}." if parent else ""
        if packed and KEY_PATTERN.fullmatch(packed) and packed.rpartition(".")[0] == prefix[:-1]:
            return packed
        key = f"{prefix}{_slug(refi.name)}"
        if not key.rpartition(".")[2][0].isalpha():
            key = f"{prefix}code_{key.rpartition('.')[2]}"
        candidate, number = key, 2
        while candidate in existing and existing[candidate].name != refi.name:
            candidate, number = f"{key}_{number}", number + 1
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
        color = (refi.color or "").lower()
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
            color=color or "#7f7f7f",
            is_open=key.startswith("open."),
            retired=not refi.codable and key.startswith("open."),
            sort_order=order,
        )
        self.session.add(code)
        self.session.flush()
        return code

    # project
    def project(self, book: Codebook, refi: RefiProject) -> None:
        self.codes(book, refi.codes)
        for user in refi.users:
            name = user.name.strip() or f"user-{user.guid[:8]}"
            self.coders_by_guid[user.guid] = code_store.ensure_coder(self.session, name).id
            if name not in self.summary.coders:
                self.summary.coders.append(name)
        self.notes = {note.guid: note for note in refi.notes}
        source_refs: dict[str, tuple[Transcript, list[_Segment]]] = {}
        for source in refi.sources:
            source_refs[source.guid] = self.source(source, refi)
        self.attributes(refi, source_refs)
        for guid in refi.project_notes:
            self.memo(guid, "project")
        for code in refi.all_codes():
            for guid in code.notes:
                self.memo(guid, "code", code_id=self.codes_by_guid[code.guid].id)
        for guid, note in self.notes.items():
            if guid not in self.used_notes:
                self.summary.warnings.append(
                    f"note {note.name!r} is attached to nothing qualcode holds; "
                    "imported as a project memo."
                )
                self.memo(guid, "project")

    def coder_id(self, *guids: str | None) -> int:
        for guid in guids:
            if guid is None:
                continue
            if guid not in self.coders_by_guid:
                name = f"user-{guid[:8]}"
                self.summary.warnings.append(f"user {guid} is not listed in Users; named {name}.")
                self.coders_by_guid[guid] = code_store.ensure_coder(self.session, name).id
            return self.coders_by_guid[guid]
        if FALLBACK_CODER not in self.coders_by_guid:
            self.coders_by_guid[FALLBACK_CODER] = code_store.ensure_coder(
                self.session, self.fallback
            ).id
        return self.coders_by_guid[FALLBACK_CODER]

    def source(self, source: RefiSource, refi: RefiProject) -> tuple[Transcript, list[_Segment]]:
        where = f"{self.summary.path}: source {source.name!r}"
        text, mapped = normalise_text(source.text)
        facts, problem = metadata.extract(source.description)
        if problem:
            self.summary.warnings.append(f"{where}: {problem}; segmented from the text instead.")
        if facts is not None and not facts.tiles(len(text)):
            self.summary.warnings.append(
                f"{where}: its qualcode segments do not fit the text; segmented from the text."
            )
            facts = None
        sha = facts.sha256 if facts else hashlib.sha256(text.encode("utf-8")).hexdigest()
        transcript = transcript_store.find_by_sha256(self.session, sha)
        if transcript is None:
            transcript = store.transcript_with_text(self.session, text)
        if transcript is not None and transcript.text != text:
            raise QualcodeError(
                f"{where} has the identity of transcript {transcript.title!r} but a different "
                "text; nothing was imported. Export both projects from the same transcripts."
            )
        if transcript is None:
            transcript = self._new_transcript(source, text, sha, facts)
            self.summary.transcripts_added.append(transcript.title)
        else:
            self.summary.transcripts_merged.append(transcript.title)
        segments = [
            _Segment(segment.id, segment.start_char, segment.end_char)
            for segment, _ in transcript_store.segments_of(self.session, transcript.id)
        ]
        self.codings(source, transcript, segments, mapped, where)
        for guid in source.notes:
            self.memo(guid, "transcript", transcript_id=transcript.id)
        if source.codings:
            self.summary.warnings.append(
                f"{where}: {len(source.codings)} codings of the whole source were not imported "
                "(qualcode codes turns and spans); code its turns instead."
            )
        return transcript, segments

    def _new_transcript(
        self, source: RefiSource, text: str, sha: str, facts: metadata.SourceFacts | None
    ) -> Transcript:
        title = source.name or f"source {source.guid[:8]}"
        if facts is not None:
            rows = [(s.start, s.end, s.speaker, s.start_time, s.end_time) for s in facts.segments]
            roles: dict[str, str | None] = dict(facts.roles)
        else:
            rows, roles = _segment_text(text)
        speakers = {speaker: roles.get(speaker) for _, _, speaker, _, _ in rows if speaker}
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
            attributes={"refi_guid": source.guid},
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
        assert found is not None
        return found

    def codings(
        self,
        source: RefiSource,
        transcript: Transcript,
        segments: list[_Segment],
        mapped: PositionMap,
        where: str,
    ) -> None:
        rows: list[dict[str, object]] = []
        length = len(source.text)
        for selection in source.selections:
            if not 0 <= selection.start < selection.end <= length:
                raise InputError(
                    where,
                    f"the selection {selection.guid} [{selection.start}, {selection.end}) lies "
                    f"outside the text of {length} characters.",
                    hint="The file is damaged; nothing was imported.",
                )
            start, end = mapped(selection.start), mapped(selection.end)
            pieces = _pieces(transcript.text, segments, start, end)
            if len(pieces) > 1 and selection.codings:
                self.summary.warnings.append(
                    f"{where}: the selection [{selection.start}, {selection.end}) crosses "
                    f"{len(pieces)} turns; each turn got its part."
                )
            for coding in selection.codings:
                code = self.codes_by_guid.get(coding.code)
                if code is None:
                    raise InputError(
                        where,
                        f"a coding points at the code {coding.code}, which is not in the codebook.",
                        hint="The file is damaged; nothing was imported.",
                    )
                memo = "\n\n".join(self.note_text(guid) for guid in coding.notes) or None
                coder = self.coder_id(coding.user, selection.user)
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
                        }
                    )
            for guid in selection.notes:
                self.memo(guid, "segment", transcript_id=transcript.id, segment_id=pieces[0][0])
        added = coding_store.bulk_add_codings(self.session, rows) if rows else 0
        self.summary.codings_added += added
        self.summary.codings_present += len(rows) - added

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
        if not store.memo_exists(self.session, **values):  # type: ignore[arg-type]
            self.session.add(Memo(**values))
            self.summary.memos_added += 1

    def attributes(
        self, refi: RefiProject, sources: dict[str, tuple[Transcript, list[_Segment]]]
    ) -> None:
        """Variables, cases and sets of sources qualcode did not export, into attributes."""
        names = {variable.guid: variable.name for variable in refi.variables}
        foreign = {source.guid: source for source in refi.sources if source.guid in sources}
        for guid, source in foreign.items():
            transcript = sources[guid][0]
            if metadata.extract(source.description)[0] is not None:
                continue
            values = {names.get(v, v): value for v, value in source.variables.items()}
            transcript.department = transcript.department or values.get(DEPARTMENT)
            transcript.group_kind = transcript.group_kind or values.get(GROUP_KIND)
            attributes = dict(transcript.attributes) | {"refi_variables": values}
            attributes["refi_cases"] = [
                {
                    "name": case.name,
                    "variables": {names.get(k, k): v for k, v in case.variables.items()},
                }
                for case in refi.cases
                if guid in case.sources
                or set(case.selections) & {s.guid for s in source.selections}
            ]
            attributes["refi_sets"] = [group.name for group in refi.sets if guid in group.sources]
            for group in refi.sets:
                if group.name.startswith(DEPARTMENT_SET) and guid in group.sources:
                    transcript.department = transcript.department or group.name.removeprefix(
                        DEPARTMENT_SET
                    )
            transcript.attributes = attributes
        code_sets = [group.name for group in refi.sets if group.codes]
        if code_sets:
            self.summary.warnings.append(
                f"code sets {', '.join(code_sets)} were not imported (qualcode has no code sets)."
            )


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


def _segment_text(
    text: str,
) -> tuple[list[tuple[int, int, str | None, float | None, float | None]], dict[str, str | None]]:
    """Segments tiling a foreign source's text: one per speaker-labelled line if the text has
    labels (`Name: text`, as the plain-text reader finds them), else one per paragraph."""
    starts: list[tuple[int, str | None]] = []
    roles: dict[str, str | None] = {}
    position = 0
    for line in text.split("\n"):
        label = parse_label(line.strip()) if line.strip() else None
        if label is not None:
            starts.append((position, label.speaker))
            roles.setdefault(label.speaker, label.role)
        position += len(line) + 1
    if not starts:
        position, starts = 0, []
        for block in text.split("\n\n"):
            if block.strip():
                starts.append((position, None))
            position += len(block) + 2
    if not starts or starts[0][0] != 0:
        starts.insert(0, (0, None))
    bounds = [start for start, _ in starts[1:]] + [len(text)]
    rows = [
        (start, end, speaker, None, None)
        for (start, speaker), end in zip(starts, bounds, strict=True)
    ]
    return [row for row in rows if row[1] > row[0]], roles
