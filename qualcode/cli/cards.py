"""Statement-card commands: the deck, detection, sections, and a card's report."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from qualcode.cli.common import DbOption, console, friendly, project
from qualcode.config import coder_name
from qualcode.domain.cards import DetectionReport
from qualcode.domain.turns import turn_number
from qualcode.domain.wording import counted
from qualcode.errors import QualcodeError
from qualcode.services import cards
from qualcode.services.corpus import get_transcript

cards_app = typer.Typer(
    help="Statement cards: the deck, where each is read, and the sections they open.",
    no_args_is_help=True,
)

StatementOption = Annotated[
    list[str] | None,
    typer.Option(
        "--statement",
        help='The statement in a language, LANG=TEXT (e.g. da="Der er tid ..."); repeatable.',
        show_default=False,
    ),
]
ConceptOption = Annotated[
    list[str] | None,
    typer.Option("--concept", help="A concept the card was written for; repeatable."),
]


@cards_app.command("list")
@friendly
def list_(db: DbOption = None) -> None:
    """List the deck: key, statement per language, concepts and sections opened."""
    deck = cards.list_cards(project(db))
    if not deck:
        console.print(
            "The deck is empty: declare `cards:` in the study manifest or use `cards add`."
        )
        return
    table = Table(title="Statement cards")
    for column in ("key", "statement", "concepts", "sections"):
        table.add_column(column, justify="right" if column == "sections" else "left")
    for card in deck:
        statements = "\n".join(f"{lang}: {text}" for lang, text in card.statement.items())
        table.add_row(card.key, statements, ", ".join(card.concepts), str(card.n_sections))
    console.print(table)
    console.print(
        "sections: card sections across all transcripts (one per reading that opens one)."
    )


@cards_app.command("add")
@friendly
def add(
    key: Annotated[str, typer.Argument(help="The card's key, e.g. breaks.")],
    statement: StatementOption = None,
    concept: ConceptOption = None,
    db: DbOption = None,
) -> None:
    """Add a card to the deck (then run `cards detect` to find where it is read)."""
    card = cards.add_card(project(db), cards.make_card(key, _statements(statement), concept or []))
    console.print(f"Added card {card.key} ({', '.join(card.statement)}).", highlight=False)


@cards_app.command("edit")
@friendly
def edit(
    key: Annotated[str, typer.Argument(help="The card's key.")],
    statement: StatementOption = None,
    concept: ConceptOption = None,
    db: DbOption = None,
) -> None:
    """Change a card's statement in the languages given, or its concepts."""
    if not statement and concept is None:
        raise QualcodeError("Give --statement LANG=TEXT or --concept NAME to change.")
    card = cards.edit_card(
        project(db),
        key,
        statements=_statements(statement) if statement else None,
        concepts=concept,
    )
    console.print(f"Card {card.key} is updated; run `qualcode cards detect` to apply it.")


@cards_app.command("detect")
@friendly
def detect(
    transcript: Annotated[
        str | None,
        typer.Argument(help="Transcript id (8 or T8), title or file name (default: all)."),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Also show near matches ruled out, and why.")
    ] = False,
    db: DbOption = None,
) -> None:
    """Find where each card is read aloud and store the card sections (manual ones stay)."""
    opened = project(db)
    ids = [get_transcript(opened, transcript).id] if transcript else None
    reports = cards.detect(opened, ids)
    for report in reports:
        _print_report(report, verbose=verbose)
    found = sum(len(report.detections) for report in reports)
    console.print(f"{counted(found, 'card reading')} in {counted(len(reports), 'transcript')}.")


@cards_app.command("sections")
@friendly
def sections(
    transcript: Annotated[str, typer.Argument(help="Transcript id (8 or T8), title or file name.")],
    db: DbOption = None,
) -> None:
    """Show a transcript's card sections: card, turns (by number), origin and score."""
    table = Table(title="Card sections")
    for column in ("section", "card", "turns", "origin", "score"):
        table.add_column(column)
    for view in cards.sections(project(db), transcript):
        table.add_row(
            str(view.id),
            view.label,
            f"{turn_number(view.first_ordinal)}-{turn_number(view.last_ordinal)}",
            view.origin,
            "" if view.score is None else f"{view.score:.2f}",
        )
    console.print(table)
    console.print("score: share of the card's words read (0-1); turns: turn numbers, inclusive.")


@cards_app.command("assign")
@friendly
def assign(
    segment: Annotated[
        str, typer.Argument(help="The turn: T8:4 (transcript 8, turn 4) or a segment id.")
    ],
    card: Annotated[
        str | None, typer.Argument(help="The card read there; omit with --none.")
    ] = None,
    none: Annotated[
        bool, typer.Option("--none", help="The turn opens no section (undo a wrong detection).")
    ] = False,
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Who you are (default: $QUALCODE_CODER); once the project has supervisors, "
            "only they set sections.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """By hand: the turn opens a section of CARD (or, with --none, no section)."""
    if (card is None) == (not none):
        raise QualcodeError("Name the CARD read in the turn, or give --none.")
    from qualcode.services.coding import segment_id

    opened = project(db)
    turn = segment_id(opened, segment)
    cards.set_section_start(opened, turn, None if none else card, actor=coder_name(coder))
    what = "no section" if none else f"a section of {card}"
    named = f"{segment} (segment {turn})" if str(turn) != segment.strip() else f"Segment {turn}"
    console.print(f"{named} now opens {what} (origin manual).", highlight=False)


@cards_app.command("report")
@friendly
def report(
    card: Annotated[str, typer.Argument(help="The card's key.")],
    quotes: Annotated[int, typer.Option(help="How many quotes to show.")] = 3,
    coder: Annotated[
        str | None,
        typer.Option(
            "--coder",
            help="Who you are (default: $QUALCODE_CODER); in blind mode a coder's report "
            "counts only their own codings.",
            show_default=False,
        ),
    ] = None,
    db: DbOption = None,
) -> None:
    """What a card drew per department and group kind: talk, codes and the telling quotes."""
    from qualcode.domain.cards import QUOTE_RANKING

    result = cards.card_report(project(db), card, quotes=quotes, actor=coder_name(coder))
    console.print(
        Text.assemble((result.card.key, "bold"), f": {result.card.text('en')}"), highlight=False
    )
    talk = Table(title="Talk in the card's sections (participant turns; moderators left out)")
    for column in ("department", "group kind", "groups", "turns", "words", "coded turns"):
        talk.add_column(
            column, justify="left" if column in ("department", "group kind") else "right"
        )
    for group in result.groups:
        talk.add_row(
            group.department or "",
            group.group_kind or "",
            str(group.transcripts),
            str(group.turns),
            str(group.words),
            str(group.coded_turns),
        )
    console.print(talk)
    used = Table(title="Codes applied (participant turns; rolled up as in freq)")
    used.add_column("code")
    used.add_column("turns", justify="right")
    used.add_column("own", justify="right")
    used.add_column("share", justify="right")
    for use in result.codes:
        share = use.turns / result.scope_turns if result.scope_turns else 0
        indent = "  " * use.code_key.count(".")
        used.add_row(indent + use.code_key, str(use.turns), str(use.own), f"{share:.1%}")
    console.print(used)
    console.print(f"Coder layer: {result.layer}.", highlight=False)
    left_out = result.participant_turns - result.scope_turns
    console.print(
        "turns: participant turns coded with the code or a code below it, as "
        f"`qualcode freq --card {result.card.key}` counts; own: with the code itself; "
        f"share: turns of the {result.scope_turns} participant turns in the card's sections "
        "of transcripts the layer has coded or marked done"
        + (f" (the {left_out} turns of the other transcripts are left out)." if left_out else "."),
        highlight=False,
    )
    console.print(Text.assemble(("Most telling quotes", "bold"), f" ({QUOTE_RANKING}):"))
    for number, quote in enumerate(result.quotes, start=1):
        who = f"{quote.speaker or '?'} ({quote.role})" if quote.role else quote.speaker or "?"
        console.print(
            f"{number}. {quote.transcript}, {who}, segment {quote.segment_id}; "
            f"{counted(quote.coders, 'coder')}, codes {', '.join(quote.codes)}:\n"
            f'   "{quote.text}"',
            highlight=False,
        )


def _print_report(report: DetectionReport, *, verbose: bool) -> None:
    console.print(
        Text.assemble((report.title, "bold"), f" (transcript {report.transcript_id})"),
        highlight=False,
    )
    for detection in report.detections:
        console.print(
            f"  turn {turn_number(detection.ordinal)}: {detection.card_key} "
            f"(score {detection.score:.2f}) {detection.reason}",
            highlight=False,
        )
    if verbose:
        for detection in report.skipped:
            skipped = (
                f"  turn {turn_number(detection.ordinal)}: not {detection.card_key} "
                f"(score {detection.score:.2f}) {detection.reason}"
            )
            console.print(Text(skipped, style="dim"), highlight=False)


def _statements(values: list[str] | None) -> dict[str, str]:
    result = {}
    for value in values or []:
        language, separator, text = value.partition("=")
        if not separator or not text.strip():
            raise QualcodeError(f"--statement '{value}' must be LANG=TEXT, e.g. en=\"...\".")
        result[language.strip()] = text.strip()
    if not result:
        raise QualcodeError('Give the card\'s statement: --statement en="...".')
    return result
