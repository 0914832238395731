"""Remember that a learner was offered to change the time zone (the first time shown offers it once)

Revision ID: 0005_wording
Revises: 0004_buttons
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0005_wording"
down_revision: Union[str, Sequence[str], None] = "0004_buttons"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("users", sa.Column("zone_offered_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of `users` would trip the foreign keys
    # of the rows that point at it.
    op.drop_column("users", "zone_offered_at")
