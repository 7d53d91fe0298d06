"""Team mode is a PostgreSQL server's: on SQLite a coder name stays a claim, and `team
setup` says so in one sentence."""

from __future__ import annotations

import pytest

from qualcode.errors import QualcodeError
from qualcode.services import team
from qualcode.services.project import Project
from tests.conftest import backend

sqlite_only = pytest.mark.skipif(backend() != "sqlite", reason="SQLite has no team mode")


@sqlite_only
def test_team_setup_on_sqlite_is_one_sentence(run) -> None:
    result = run("team", "setup")
    assert result.exit_code == 1
    assert "Team mode needs a PostgreSQL server" in result.output
    assert "Traceback" not in result.output


@sqlite_only
def test_on_sqlite_the_coder_option_is_a_claim(project: Project) -> None:
    assert team.acting_coder(project, "sam") == "sam"
    assert team.acting_coder(project, None) is None


def test_role_names_are_checked_before_anything_runs(project: Project) -> None:
    with pytest.raises(QualcodeError):
        team.set_up(project, "Robert'); DROP TABLE coder;--", "qualcode_supervisor")
