"""`bench_after_coding.py --team`: freq without and just after one coding, and the refresh
alone, through a coder's login in team mode, with the summary function of revision 0012
(the whole recount of the marked transcripts) and of 0013 (the coding's change) in turn.

After installing a version the coder's session refreshes twice untimed (the first call
in a session compiles the function and plans each statement as it first runs, as in every
new `qualcode` process). The corpus is put in team mode with two group roles and one coder
login named after this run; at the end the logins, the roles and the team setting are
removed again.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import time
import uuid
from collections.abc import Callable

from coding_target import coding_target, toggler
from sqlalchemy import make_url, text

from qualcode.services import analysis, team
from qualcode.services.project import Project, open_project
from qualcode.store import coding_summary, team_sql, team_summary_sql
from qualcode.store import team as team_store
from qualcode.store.migrate import migrations_folder


def _recount_function() -> str:
    """The function as revision 0012 left it, from the migration that replaced it."""
    path = next(migrations_folder().glob("versions/*_team_summary_changes.py"))
    spec = importlib.util.spec_from_file_location("team_summary_changes", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module._RECOUNT)


def _install(owner: Project, version: str) -> None:
    def work(session) -> None:
        schema = team_sql.quoted(str(session.scalar(text("SELECT current_schema()"))))
        if version == "recount":
            statement = _recount_function().format(schema=schema)
        else:
            statement = team_summary_sql.refresh_function(
                schema=schema,
                lock=coding_summary.REFRESH_LOCK,
                cap=coding_summary.CELL_MARKS,
                model_role=team_sql.literal("model"),
                consensus=coding_summary.ANY_CONSENSUS,
                any_coder=coding_summary.ANY_CODER,
            )
        session.connection().exec_driver_sql(statement)

    owner.write(work)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def compare_functions(url: str, runs: int) -> None:
    owner = open_project(url)
    if owner.engine.dialect.name != "postgresql":
        raise SystemExit("--team needs a PostgreSQL corpus.")
    owner.write(coding_summary.refresh)
    turn, key, coder, present = coding_target(owner, coders_only=True)
    suffix = uuid.uuid4().hex[:8]
    groups = (f"qcbench_{suffix}_coder", f"qcbench_{suffix}_supervisor")
    login = f"qcbench_{suffix}_{coder}"
    team.set_up(owner, *groups)
    try:
        team.add_login(owner, login, coder=coder)
        as_login = open_project(make_url(url).set(username=login).render_as_string(False))
    except BaseException:
        _remove_team(owner, login, groups)
        raise
    toggle = toggler(as_login, turn, key, coder, present)

    query = analysis.FrequencyQuery(by=("department",))
    figures: dict[str, dict[str, list[float]]] = {
        version: {"without": [], "after": [], "refresh": []} for version in ("recount", "delta")
    }
    try:
        for run in range(runs):
            order = ("recount", "delta") if run % 2 == 0 else ("delta", "recount")
            for version in order:
                _install(owner, version)
                for _ in range(2):  # untimed: the login's session compiles the function
                    toggle()
                    analysis.frequency(as_login, query)
                times = figures[version]
                times["without"].append(_timed(lambda: analysis.frequency(as_login, query)))
                toggle()
                times["after"].append(_timed(lambda: analysis.frequency(as_login, query)))
                toggle()
                times["refresh"].append(
                    _timed(lambda: as_login.write_rows(team_store.refresh_summary))
                )
    finally:
        as_login.close()
        _install(owner, "delta")
        _remove_team(owner, login, groups)
        owner.close()
    median = statistics.median
    print(f"postgresql team mode (login {coder}), load average {os.getloadavg()[0]:.1f}")
    for version, times in figures.items():
        without, after = median(times["without"]), median(times["after"])
        print(
            f"  {version} function, median of {runs}: freq without {without * 1000:.1f} ms, "
            f"just after one coding {after * 1000:.1f} ms ({after / without:.2f}x); "
            f"refresh alone after one coding {median(times['refresh']) * 1000:.1f} ms"
        )


def _remove_team(owner: Project, login: str, groups: tuple[str, str]) -> None:
    names = (login, *groups)

    def exists(session) -> list[str]:
        found = text("SELECT rolname FROM pg_roles WHERE rolname = ANY (:names)")
        return list(session.scalars(found, {"names": list(names)}))

    roles = ", ".join(team_sql.quoted(role) for role in owner.read(exists))

    def work(session) -> None:
        session.execute(text("DELETE FROM setting WHERE key = 'team'"))
        if roles:
            session.connection().exec_driver_sql(f"DROP OWNED BY {roles}")

    owner.write(work)
    if not roles:
        return
    with owner.engine.connect() as connection:
        connection.exec_driver_sql(f"DROP ROLE {roles}")
        connection.commit()
