"""Statement cards and their sections through a REFI-QDA project: out as a code set (another
tool sees each section as text coded with its card), back in as cards and sections."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from lxml import etree

from qualcode.domain.imports import ImportSpec
from qualcode.services import cards
from qualcode.services.codebooks import codebook_info, load_codebook_file
from qualcode.services.coding import apply_code
from qualcode.services.corpus import segments
from qualcode.services.exchange import export_project_qdpx, import_qdpx
from qualcode.services.importing import import_files
from qualcode.services.project import Project

from .conftest import REPO
from .test_roundtrip import content, validate

NS = {"q": "urn:QDA-XML:project:1.0"}
TRANSCRIPT = """\
Moderator: Welcome.
Anne: The opportunity for planning my daily work is good.
Bo: My list is gone by nine.
Bo: We are frequently disturbed while doing tasks that require full attention.
Anne: The phone rings all the time.
"""


@pytest.fixture
def carded(project: Project, tmp_path: Path) -> Project:
    """Turns 1-5: opening 1, planning 2-3 (detected), disturbed 4-5 (set by hand)."""
    load_codebook_file(project, REPO / "codebooks" / "three_concepts.yaml")
    cards.add_card(
        project,
        cards.make_card(
            "planning",
            {
                "en": "The opportunity for planning my daily work is good.",
                "da": "Mulighederne for at planlægge mit daglige arbejde er gode.",
            },
            ["temporality", "jobcrafting"],
        ),
    )
    cards.add_card(
        project,
        cards.make_card(
            "disturbed",
            {"en": "We are frequently disturbed while doing tasks that require full attention."},
        ),
    )
    source = tmp_path / "fg.txt"
    source.write_text(TRANSCRIPT, encoding="utf-8")
    import_files(project, [ImportSpec(path=source, department="Ward", group_kind="staff")])
    cards.detect(project)
    turns = segments(project, "fg")
    cards.set_section_start(project, turns[3].id, "disturbed")  # by hand: origin manual
    apply_code(project, turns[4].id, "temporality.interruptions", "anna")
    return project


def sections(project: Project) -> list[tuple[str, int, int, str, float | None]]:
    return [
        (s.label, s.first_ordinal, s.last_ordinal, s.origin, s.score)
        for s in cards.sections(project, "fg")
    ]


def test_sections_go_out_as_a_code_set_another_tool_reads(carded, tmp_path) -> None:
    path = tmp_path / "study.qdpx"
    summary = export_project_qdpx(carded, path)
    assert summary.card_sections == 2
    assert summary.codes == len(codebook_info(carded).codes)  # the deck is not the codebook
    with zipfile.ZipFile(path) as archive:
        document = archive.read("project.qde")
    validate("Project.xsd", document)
    root = etree.fromstring(document)
    [deck] = root.xpath("//q:Code[@name='Statement cards']", namespaces=NS)
    assert deck.get("isCodable") == "false"
    guids = {code.get("name"): code.get("guid") for code in deck.xpath("q:Code", namespaces=NS)}
    assert sorted(guids) == ["disturbed", "planning"]
    planning = deck.xpath("q:Code[@name='planning']/q:Description", namespaces=NS)[0].text
    assert "da: Mulighederne for at planlægge" in planning
    assert "concepts: temporality, jobcrafting" in planning
    [group] = root.xpath("//q:Set[@name='Statement cards']", namespaces=NS)
    members = [m.get("targetGUID") for m in group.xpath("q:MemberCode", namespaces=NS)]
    assert sorted(members) == sorted(guids.values())
    turns = segments(carded, "fg")
    chosen = {s.get("name"): s for s in root.xpath("//q:PlainTextSelection", namespaces=NS)}
    first = chosen["card planning"]  # turns 2-3
    assert (int(first.get("startPosition")), int(first.get("endPosition"))) == (
        turns[1].start_char,
        turns[2].end_char,
    )
    assert (
        first.xpath("q:Coding/q:CodeRef", namespaces=NS)[0].get("targetGUID") == (guids["planning"])
    )
    assert first.xpath("q:Description", namespaces=NS)[0].text.endswith(
        "origin detected; score 1.00"
    )
    second = chosen["card disturbed"]
    assert int(second.get("endPosition")) == turns[4].end_char
    assert second.xpath("q:Description", namespaces=NS)[0].text.endswith("origin manual")
    assert "card opening" not in chosen


def test_cards_and_sections_come_back(carded, other_project, tmp_path) -> None:
    path = tmp_path / "study.qdpx"
    export_project_qdpx(carded, path)
    imported = import_qdpx(other_project, path)
    assert sorted(imported.cards_added) == ["disturbed", "planning"]
    assert imported.card_sections == 2
    assert not imported.warnings and not imported.not_imported
    assert sections(other_project) == sections(carded)
    back = {card.key: card for card in cards.list_cards(other_project)}
    assert back["planning"].statement["da"].startswith("Mulighederne")
    assert back["planning"].concepts == ["temporality", "jobcrafting"]
    # the card codes became neither codes nor codings
    assert content(other_project) == content(carded)
    assert "planning" not in {code.key for code in codebook_info(other_project).codes}
    # importing again changes nothing, and the same sections need no warning
    again = import_qdpx(other_project, path)
    assert again.cards_added == [] and again.card_sections == 0
    assert again.warnings == [] and again.not_imported == []
    assert sections(other_project) == sections(carded)


def test_own_export_back_warns_only_where_sections_or_cards_differ(carded, tmp_path) -> None:
    """Re-importing one's own export warned 'keeps its own card sections' per transcript
    even with the same sections: now only a difference is warned about, and named."""
    path = tmp_path / "study.qdpx"
    export_project_qdpx(carded, path)
    same = import_qdpx(carded, path)
    assert same.warnings == [] and same.not_imported == []
    before = sections(carded)
    # here: turn 5 now opens planning; the file has disturbed at turn 4, planning at 2
    cards.set_section_start(carded, segments(carded, "fg")[4].id, "planning")
    cards.edit_card(carded, "disturbed", statements={"en": "We are often disturbed."})
    changed = sections(carded)
    moved = import_qdpx(carded, path)
    assert len(moved.warnings) == 2
    assert moved.warnings[0].startswith(
        "statement card 'disturbed' is in the deck already with another statement or concepts;"
        " it keeps this database's (the file's: {'en': 'We are frequently disturbed"
    )
    assert moved.warnings[1] == (
        "transcript 'fg' was here already and keeps its own card sections; the file's differ "
        "(this database opens planning at turn 5, the file does not) and were not read."
    )
    assert sections(carded) == changed != before


def test_a_model_layer_comes_back_as_a_model_not_a_coder(carded, other_project, tmp_path) -> None:
    """The suggester's layer 'model:VERSION' came back from an export as a human coder: its
    codings joined the all-coders layer (the new-user study's temporality 8 -> 10 turns)."""
    from qualcode.domain.layer import MODEL_ROLE
    from qualcode.services.roles import list_coders
    from qualcode.store.coders import add_coder

    with carded.sessions.begin() as session:
        add_coder(session, "model:v1", MODEL_ROLE)
    apply_code(carded, segments(carded, "fg")[2].id, "relational_coordination", "model:v1")
    path = tmp_path / "study.qdpx"
    export_project_qdpx(carded, path)
    imported = import_qdpx(other_project, path)
    assert not imported.warnings and not imported.not_imported
    roles = {coder.name: coder.role for coder in list_coders(other_project)}
    assert roles["model:v1"] == MODEL_ROLE and roles["anna"] == "coder"


def test_the_studys_moderator_roles_travel_with_the_project(
    carded, other_project, tmp_path
) -> None:
    """A study that counts 'chair' as a moderator lost that in a round trip: the new project
    fell back to moderator, facilitator, interviewer, and the chair's turns became
    participant turns in every figure."""
    from qualcode.services.scope import get_moderator_roles, set_moderator_roles

    set_moderator_roles(carded, ["moderator", "chair"])
    path = tmp_path / "study.qdpx"
    export_project_qdpx(carded, path)
    fresh = import_qdpx(other_project, path)
    assert not fresh.warnings
    assert get_moderator_roles(other_project) == ("moderator", "chair")
    # a project with its own, other roles keeps them, and is told
    set_moderator_roles(other_project, ["moderator"])
    again = import_qdpx(other_project, path)
    assert again.warnings == [
        "the file's study counts moderator, chair as moderators; this project keeps its own "
        "(moderator), which decide the participant turns of every figure (`qualcode import "
        "--manifest` with moderator_roles: changes them)."
    ]
    assert get_moderator_roles(other_project) == ("moderator",)
