"""A server refusing a statement for lack of privileges reaches the user as a clear error."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, ProgrammingError

from qualcode.errors import PermissionDenied, QualcodeError
from qualcode.store.engine import privileges_explained


class _ServerError(Exception):
    def __init__(self, message: str, sqlstate: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate


def test_permission_denied_names_the_user_the_table_and_the_fix():
    refused = _ServerError("permission denied for table coding_summary_stale\n", "42501")
    with pytest.raises(QualcodeError) as caught, privileges_explained("kim"):
        raise ProgrammingError("INSERT ...", {}, refused)
    message = str(caught.value)
    assert "refused user 'kim' to add to the coded-turn summary" in message
    assert "permission denied for table coding_summary_stale" in message
    assert "docs/teams.md" in message


def test_a_row_level_security_refusal_names_the_action_and_the_role():
    refused = _ServerError('new row violates row-level security policy for table "coding"', "42501")
    with (
        pytest.raises(PermissionDenied) as caught,
        privileges_explained("kim", lambda: "qualcode_coder"),
    ):
        raise ProgrammingError("UPDATE coding SET coder_id=%(x)s", {}, refused)
    assert str(caught.value).startswith(
        "The database refused user 'kim' (role qualcode_coder) to change codings: new row "
        'violates row-level security policy for table "coding".'
    )


def test_other_database_errors_pass_through_unchanged():
    other = _ServerError("syntax error at or near", "42601")
    with pytest.raises(DBAPIError) as caught, privileges_explained("kim"):
        raise ProgrammingError("SELEC 1", {}, other)
    assert caught.value.orig is other
