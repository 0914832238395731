"""Indexes the 100,000-learner measurement showed missing (docs/PERFORMANCE.md)

The housekeeping job deletes processed update ids older than two days
(`DELETE FROM processed_updates WHERE processed_at < ?`, scheduler/housekeeping.py). Without
an index on processed_at that DELETE reads the whole table — about a million rows a day at
100,000 learners — and on SQLite it does so holding the write lock every update waits for.

Every statement behind /progress, /results, a quiz answer and the reminder sweep already
searches an index (docs/PERFORMANCE.md has their EXPLAIN output); nothing else is added.

Revision ID: 0010_scale_indexes
Revises: 0009_contact
"""
from typing import Sequence, Union

from alembic import op

revision: str = "0010_scale_indexes"
down_revision: Union[str, Sequence[str], None] = "0009_contact"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_index("ix_processed_updates_processed_at", "processed_updates", ["processed_at"])


def downgrade() -> None:
    op.drop_index("ix_processed_updates_processed_at", table_name="processed_updates")
