"""team mode: importing transcripts and changing turns are a supervisor's

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 05:00:00

No schema change. On a PostgreSQL project in team mode, `qualcode.store.migrate` sets team
mode up again after every upgrade, with the current rights: a coder's login no longer gets
INSERT on `transcript`, `speaker` and `segment` nor UPDATE of a transcript's `attributes`
(importing transcripts, splitting and joining turns and metadata are a supervisor's), and the
policies that allowed it are dropped. This revision exists so that servers set up by an
earlier qualcode get those rights on their next upgrade. SQLite gets nothing.
"""

from collections.abc import Sequence

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
