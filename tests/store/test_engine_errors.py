"""A server refusing a statement for lack of privileges reaches the user as a clear error."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError, ProgrammingError

from qualcode.errors import QualcodeError
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
    assert "refused user 'kim'" in message
    assert "permission denied for table coding_summary_stale" in message
    assert "docs/teams.md" in message


def test_other_database_errors_pass_through_unchanged():
    other = _ServerError("syntax error at or near", "42601")
    with pytest.raises(DBAPIError) as caught, privileges_explained("kim"):
        raise ProgrammingError("SELEC 1", {}, other)
    assert caught.value.orig is other
