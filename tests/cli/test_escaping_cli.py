"""User values print as they are: "[...]" in a code, a name or a file name is not markup."""

from __future__ import annotations

import re

TEXT = "Moderator: First card.\nAnne (nurse): We skip lunch [laughs] every day.\n"


def test_a_code_key_with_brackets_is_named_in_the_error(run, write_file) -> None:
    run("codebook", "load", "--bundled", "three_concepts")
    run("import", write_file("fg.txt", TEXT))
    result = run("code", "1", "x[/]", "--coder", "anna")
    assert result.exit_code == 1
    assert "No code 'x[/]'" in result.output and "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_an_open_code_name_with_brackets_shows_in_the_codebook(run) -> None:
    run("codebook", "load", "--bundled", "three_concepts")
    made = run("open-code", "Bad [/] name [bold]", "--coder", "anna")
    assert made.exit_code == 0, made.output
    assert "(Bad [/] name [bold]) is ready." in made.output
    shown = run("codebook", "show")
    assert shown.exit_code == 0, shown.output
    assert "Bad [/] name [bold]" in shown.output


def test_a_file_name_with_brackets_is_reported_and_listed(run, write_file) -> None:
    path = write_file("FG1 [draft].txt", TEXT)
    imported = run("import", path, "--department", "Ward [A]")
    assert imported.exit_code == 0, imported.output
    assert "imported FG1 [draft].txt: transcript 1, 2 turns" in imported.output
    listing = run("transcripts")
    assert "FG1 [draft]" in listing.output and "Ward [A]" in listing.output
    turns = run("segments", "1")
    assert "We skip lunch [laughs] every day." in turns.output


def test_a_bad_span_or_date_with_brackets_is_named_in_the_error(run, write_file) -> None:
    run("codebook", "load", "--bundled", "three_concepts")
    run("import", write_file("fg.txt", TEXT))
    span = run("code", "1", "temporality", "--span", "[/]", "--coder", "anna")
    date = run("import", write_file("fg2.txt", TEXT), "--date", "[/]")
    assert (span.exit_code, date.exit_code) == (1, 1)
    assert "--span '[/]' must be START:END" in span.output
    assert "--date '[/]' is not a date: write a real date as YYYY-MM-DD" in date.output
    assert "Traceback" not in span.output + date.output


def test_control_characters_in_an_open_code_or_coder_name_never_print(run, write_file) -> None:
    run("codebook", "load", "--bundled", "three_concepts")
    run("import", write_file("fg.txt", TEXT))
    made = run("open-code", "Bad\x1b[31mX\u202e", "--coder", "anna")
    assert made.exit_code == 0, made.output
    assert "(Bad[31mX) is ready." in made.output
    assert "\x1b" not in run("codebook", "show").output
    coded = run("code", "1", "temporality", "--coder", "ev\x1b[31mil")
    assert coded.exit_code == 1
    assert "the coder name 'ev[31mil' holds control characters" in coded.output
    assert "\x1b" not in coded.output and "ev[31mil" not in run("coder", "list").output


BAD = "\x1b[31m", "\x07", "\u202e", "\u2066", "\r"
OLD_MEMO = (  # a memo as an older qualcode stored it
    "INSERT INTO memo (target, transcript_id, segment_id, text, created_at, updated_at) "
    "SELECT target, transcript_id, segment_id, :raw, created_at, updated_at FROM memo"
)


def test_control_characters_in_a_memo_are_removed_and_never_print(
    run, write_file, database_url: str
) -> None:
    """Memo text keeps its line breaks and tabs; ESC, BEL, CR and bidi overrides go, on
    input and (for a memo stored raw by an older qualcode) on output."""
    from sqlalchemy import create_engine, text

    run("import", write_file("fg.txt", TEXT))
    raw = "Red\x1b[31m alert\x07\r\nline two\rline\tthree \u202eevil\u2066"
    written = run("memo", "add", raw, "--segment", "1", "--coder", "anna")
    assert written.exit_code == 0, written.output
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            stored = connection.scalar(text("SELECT text FROM memo"))
            assert stored == "Red[31m alert\nline two\nline\tthree evil"
            connection.execute(text(OLD_MEMO), {"raw": "old\x1b[2J\x07 raw\u202e memo"})
    finally:
        engine.dispose()
    for shown in (run("memo", "list"), run("segments", "1"), run("segments", "1", "-f", "json")):
        assert shown.exit_code == 0, shown.output
        assert not any(bad in shown.output for bad in BAD), repr(shown.output)
    listing = run("memo", "list").output
    assert "line two" in listing and "old[2J raw memo" in listing


def test_an_empty_file_under_a_bracketed_folder_is_named_as_it_is(run, write_file) -> None:
    path = write_file("x[/]empty.txt", "")  # the folder 'x[' and the file ']empty.txt'
    result = run("import", path)
    assert result.exit_code == 1
    assert f"failed {path}: the file is empty." in result.output
    assert "Traceback" not in result.output


CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
RAW = "\x1b[31m\x07\u202e"
OLD_VALUES = (  # values as an older qualcode stored them, before input was cleaned
    "UPDATE transcript SET department = 'Ward' || :raw, title = 'FG' || :raw",
    "UPDATE speaker SET label = label || :raw, role = 'nurse' || :raw",
    "UPDATE code SET name = 'Breaks' || :raw WHERE key = 'temporality.breaks'",
)


def test_control_characters_stored_by_an_older_qualcode_never_print(
    run, write_file, database_url: str
) -> None:
    """Input is cleaned, but a database from before may hold ESC, BEL or U+202E in a
    department, title, speaker or code name: every listing leaves them out."""
    from sqlalchemy import create_engine, text

    run("codebook", "load", "--bundled", "three_concepts")
    run("import", write_file("fg.txt", TEXT), "--department", "Ward")
    run("code", "2", "temporality.breaks", "--coder", "anna")
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for statement in OLD_VALUES:
                connection.execute(text(statement), {"raw": RAW})
    finally:
        engine.dispose()
    for args in (
        ("transcripts",),
        ("segments", "1"),
        ("segments", "1", "-f", "tsv"),
        ("codebook", "show"),
        ("freq", "--by", "department"),
        ("quotes", "temporality.breaks"),
        ("search", "lunch"),
        ("code", "1", "temporality.breaks", "--coder", "anna"),
    ):
        shown = run(*args)
        assert shown.exit_code == 0, (args, shown.output)
        assert not CONTROLS.search(shown.output), (args, repr(shown.output))
    listing = run("transcripts").output
    assert "Ward[31m" in listing and "FG[31m" in listing
