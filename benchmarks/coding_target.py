"""The one coding the query benchmarks apply and remove (bench_queries, bench_after_coding,
team_refresh): the first turn, the last subcode in the codebook's order, the first coder."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

from qualcode.services import coding
from qualcode.services.project import Project


def coding_target(project: Project, *, coders_only: bool = False) -> tuple[int, str, str, bool]:
    """The turn, code key and coder, and whether that coding is there already (an earlier run
    may have left it). `coders_only`: not a consensus coder (a team login codes as itself)."""
    consensus = "AND NOT r.is_consensus " if coders_only else ""
    with project.engine.begin() as connection:
        if project.engine.dialect.name == "postgresql":
            connection.execute(text("ANALYZE"))
        turn = int(connection.execute(text("SELECT MIN(id) FROM segment")).scalar_one())
        first = connection.execute(
            text(
                "SELECT c.key, r.name FROM code AS c, coder AS r WHERE c.key LIKE '%.%' "
                f"{consensus}ORDER BY c.sort_order DESC, r.id"
            )
        ).first()
        if first is None:
            raise SystemExit("The corpus has no subcode or no coder: run gen_codings.py.")
        key, coder = first
        present = connection.execute(
            text(
                "SELECT COUNT(*) FROM coding AS g JOIN code AS c ON c.id = g.code_id "
                "JOIN coder AS r ON r.id = g.coder_id "
                "WHERE g.segment_id = :turn AND c.key = :key AND r.name = :coder"
            ),
            {"turn": turn, "key": key, "coder": coder},
        ).scalar()
    return turn, key, coder, bool(present)


def toggler(writer: Project, turn: int, key: str, coder: str, present: bool) -> Callable[[], None]:
    """A function that applies the coding through the service, or removes it when there."""
    applied = [present]

    def toggle() -> None:
        change = coding.remove_code if applied[0] else coding.apply_code
        change(writer, turn, key, coder)
        applied[0] = not applied[0]

    return toggle
