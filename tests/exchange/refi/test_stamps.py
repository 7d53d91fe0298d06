"""A peer's selection names and the dates of its codings and selections come back out."""

from __future__ import annotations

from pathlib import Path

from qualcode.exchange.refi.stamps import from_stamp, to_stamp
from qualcode.services.exchange import export_project_qdpx, import_qdpx
from qualcode.services.project import Project

from .peers import guid
from .test_identity import qde
from .test_peers import PEER, peer_file

FIRST = f'<PlainTextSelection guid="{guid(1, 6)}" startPosition="7" endPosition="21" '
SECOND = f'<PlainTextSelection guid="{guid(2, 6)}" startPosition="28" endPosition="41">'
STAMPED = (
    PEER.replace(
        FIRST,
        FIRST + 'name="skip breaks" creationDateTime="2021-03-04T10:11:12Z" '
        f'modifyingUser="{guid(1, 1)}" modifiedDateTime="2021-03-05T08:00:00Z" ',
    )
    .replace(
        f'<Coding guid="{guid(1, 7)}" creatingUser="{guid(1, 1)}">',
        f'<Coding guid="{guid(1, 7)}" creatingUser="{guid(1, 1)}" '
        'creationDateTime="2021-03-04T11:15:00+01:00">',
    )
    .replace(SECOND, SECOND.replace(">", ' creationDateTime="2022-01-02T03:04:05">'))
)
TEXTS = {"b": "B: text.\n", "c": "C: other text.\n"}


def test_selection_names_and_dates_survive_import_and_export(
    project: Project, tmp_path: Path
) -> None:
    import_qdpx(project, peer_file(tmp_path, STAMPED, **TEXTS))
    exported = tmp_path / "out.qdpx"
    export_project_qdpx(project, exported)
    document = qde(exported)
    assert (
        f'guid="{guid(1, 6)}" name="skip breaks" startPosition="7" endPosition="21" '
        f'creatingUser="{guid(1, 1)}" creationDateTime="2021-03-04T10:11:12Z" '
        f'modifyingUser="{guid(1, 1)}" modifiedDateTime="2021-03-05T08:00:00Z">'
    ) in document
    # the coding's own date, in UTC; the other coding has none: it takes its selection's
    assert (
        f'guid="{guid(1, 7)}" creatingUser="{guid(1, 1)}" creationDateTime="2021-03-04T10:15:00Z"'
        in document
    )
    assert f'<Coding guid="{guid(2, 7)}" creatingUser="' in document
    assert 'endPosition="41" creationDateTime="2022-01-02T03:04:05">' in document  # as written
    assert 'creationDateTime="2022-01-02T03:04:05Z">\n          <CodeRef' in document
    again = tmp_path / "again.qdpx"
    export_project_qdpx(project, again)
    assert again.read_bytes() == exported.read_bytes()


def test_a_date_that_is_not_one_is_said_and_the_coding_kept(
    project: Project, tmp_path: Path
) -> None:
    bad = STAMPED.replace("2021-03-04T11:15:00+01:00", "last Tuesday")
    summary = import_qdpx(project, peer_file(tmp_path, bad, **TEXTS))
    assert summary.codings_added == 2
    assert any("'last Tuesday' is not a date and time" in w for w in summary.warnings)


def test_stamps_are_utc_to_the_second_and_read_back() -> None:
    moment = from_stamp("2021-03-04T11:15:00.250+01:00")
    assert moment is not None and to_stamp(moment) == "2021-03-04T10:15:00Z"
    naive = from_stamp("2021-03-04T10:15:00")  # no offset: UTC
    assert naive is not None and to_stamp(naive) == "2021-03-04T10:15:00Z"
    assert from_stamp("yesterday") is None
