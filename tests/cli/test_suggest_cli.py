"""CLI: suggest text (JSON lines), suggest TRANSCRIPT / --all, train, eval."""

from __future__ import annotations

import json
from pathlib import Path

from qualcode.services import coding, corpus, suggestions
from qualcode.services.project import open_project

REPO = Path(__file__).resolve().parents[2]
CODEBOOK = REPO / "codebooks" / "three_concepts.yaml"
TEXT = (
    "Moderator: First card.\n"
    "Anne (nurse): We skip lunch every day, there is no break.\n"
    "Bo: The phone rings and I get interrupted all the time.\n"
)


def test_suggest_text_prints_json_lines_from_the_codebook(run) -> None:
    lines = "We never get a lunch break.\nThe phone rings and I get interrupted.\n"
    result = run("suggest", "text", "--json", input=lines)
    assert result.exit_code == 0, result.output
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first["text"] == "We never get a lunch break."
    top = first["suggestions"][0]
    assert top["code"] == "temporality.breaks" and "lunch break" in top["why"]
    assert 0 < top["score"] <= 1
    assert set(top) == {"code", "score", "why"}
    assert second["suggestions"][0]["code"] == "temporality.interruptions"


def test_suggest_transcript_stores_pending_suggestions(run, write_file, database_url) -> None:
    assert run("codebook", "load", CODEBOOK).exit_code == 0
    assert run("import", write_file("fg.txt", TEXT)).exit_code == 0
    result = run("suggest", "1", "--coder", "anna")
    assert result.exit_code == 0, result.output
    assert "new" in result.output
    assert run("suggest", "--all", "--coder", "anna").exit_code == 0
    project = open_project(database_url)
    turn = corpus.segments(project, 1)[1]
    pending = suggestions.pending_suggestions(project, turn.id, "anna")
    assert pending[0].code_key == "temporality.breaks"


def test_suggest_needs_a_transcript_or_all(run) -> None:
    result = run("suggest", "run", "--coder", "anna")
    assert result.exit_code == 1
    assert "--all" in result.output


def test_train_and_eval_from_the_command_line(run, write_file, database_url) -> None:
    assert run("codebook", "load", CODEBOOK).exit_code == 0
    body = "".join(
        f"P{i}: {text}\n"
        for i, text in enumerate(["We skip lunch.", "No break today.", "Phones ring."] * 4)
    )
    assert run("import", write_file("fg.txt", body)).exit_code == 0
    project = open_project(database_url)
    for turn in corpus.segments(project, 1):
        key = "temporality.interruptions" if "Phones" in turn.text else "temporality.breaks"
        coding.apply_code(project, turn.id, key, "anna")
    trained = run("suggest", "train", "--layer", "anna", "--epochs", "3")
    assert trained.exit_code == 0, trained.output
    assert "textcat-en-1" in trained.output
    # 12 turns: breaks on 8, interruptions on 4; their concept temporality: 2 codes, 1 concept
    assert (
        "on 12 turns of layer 'anna' (0 with rejections only), 2 codes and 1 concept as labels"
        in trained.output
    )
    assert "No label for" not in trained.output
    project = open_project(database_url)
    coding.apply_code(project, corpus.segments(project, 1)[0].id, "jobcrafting.task", "anna")
    rare = run("suggest", "train", "--layer", "anna", "--epochs", "1")
    assert rare.exit_code == 0, rare.output
    # jobcrafting.task on 1 turn (a code needs 2): no label, and said so ('4 codes' before,
    # counting the concept labels as codes and leaving the rare code out without a word)
    assert "2 codes and 1 concept as labels" in rare.output
    assert (
        "No label for 1 code applied to too few turns (a code needs 2, an open code 5): "
        "jobcrafting.task; the model learns nothing for them." in rare.output
    )
    evaluated = run("suggest", "eval", "--folds", "2", "--layer", "anna")
    assert evaluated.exit_code == 0, evaluated.output
    # One focus group: no leave-one-group-out figure, said so; the by-turn figures follow.
    assert "No figure by transcript" in evaluated.output
    assert "P@1" in evaluated.output and "temporality" in evaluated.output
    assert "chance" in evaluated.output and "ranked first" in evaluated.output
    alone = run("suggest", "eval", "--split", "transcript", "--layer", "anna")
    assert alone.exit_code == 1 and "fewer than 2 folds" in alone.output


def test_suggest_write_makes_a_layer_agree_can_compare(run, write_file, database_url) -> None:
    assert run("codebook", "load", CODEBOOK).exit_code == 0
    moderated = TEXT.replace("Moderator:", "Kim (moderator):")
    assert run("import", write_file("fg.txt", moderated)).exit_code == 0
    project = open_project(database_url)
    anne, bo = corpus.segments(project, 1)[1:]
    coding.apply_code(project, anne.id, "temporality.breaks", "anna")
    coding.apply_code(project, bo.id, "temporality.interruptions", "anna")
    result = run("suggest", "write", "--all", "--min-score", "0.3")
    assert result.exit_code == 0, result.output
    layer = next(word for word in result.output.split() if word.startswith("model:"))
    assert "2 codings" in result.output and "1 moderator turns not coded" in result.output
    agree = run("agree", "--coders", f"anna,{layer}", "--no-intervals")
    assert agree.exit_code == 0, agree.output
    assert layer in agree.output
    assert run("suggest", "write").exit_code == 1


def test_a_rate_over_no_turns_is_shown_as_undefined_not_zero() -> None:
    """suggest eval printed R@3 '0.000 [0.00, 0.00]' for a label no turn was coded with
    (and P@1 likewise for a label no turn ranked first): 0 of 0 is no figure."""
    from qualcode.cli.suggest_eval import _rate
    from qualcode.suggest.metrics import wilson

    assert _rate(wilson(0, 0)) == "–"
    assert _rate(wilson(0, 3)) == "0.000 [0.00, 0.56]"  # 0 of 3: Wilson upper 0.5615
