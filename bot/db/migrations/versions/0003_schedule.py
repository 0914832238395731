"""Release schedules, reminder settings and the columns the reminder sweep claims and records

Revision ID: 0003
Revises: 0002
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: Union[str, Sequence[str], None] = "0002"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    with op.batch_alter_table("course_versions") as batch:
        batch.add_column(sa.Column("release_mode", sa.String(32), nullable=False, server_default="self_paced"))
        batch.add_column(sa.Column("release_dates", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("release_time", sa.String(5), nullable=False, server_default="00:00"))
        batch.add_column(sa.Column("remind_after_days", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("remind_again_days", sa.Integer(), nullable=False, server_default="3"))
        batch.add_column(sa.Column("retry_remind_days", sa.Integer(), nullable=False, server_default="2"))
        batch.add_column(sa.Column("quiet_hours", sa.String(16), nullable=False, server_default="22:00-08:00"))

    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("timezone", sa.String(64), nullable=True))
        batch.add_column(sa.Column("quiet_hours", sa.String(16), nullable=True))
        batch.add_column(sa.Column("remind_new_week", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("remind_stalled", sa.Boolean(), nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("remind_retry", sa.Boolean(), nullable=False, server_default=sa.true()))

    with op.batch_alter_table("enrolments") as batch:
        batch.add_column(sa.Column("next_remind_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("nudges_sent", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_nudge_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("announced_lecture", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claim_token", sa.String(32), nullable=True))
        batch.add_column(sa.Column("claimed_until", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("sending_kind", sa.String(16), nullable=True))
        batch.add_column(sa.Column("sending_lecture", sa.String(32), nullable=True))
        batch.add_column(sa.Column("sending_at", sa.DateTime(), nullable=True))
        batch.create_index("ix_enrolments_next_remind_at", ["next_remind_at"], unique=False)

    # Learners enrolled before this migration: the first sweep looks at each unfinished one
    # and plans from their rows (a learner idle for weeks gets one nudge, not a backlog).
    op.execute("UPDATE enrolments SET next_remind_at = last_activity_at WHERE completed_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table("enrolments") as batch:
        batch.drop_index("ix_enrolments_next_remind_at")
        for column in ("sending_at", "sending_lecture", "sending_kind", "claimed_until", "claim_token",
                       "announced_lecture", "last_nudge_at", "nudges_sent", "next_remind_at"):
            batch.drop_column(column)
    with op.batch_alter_table("users") as batch:
        for column in ("remind_retry", "remind_stalled", "remind_new_week", "quiet_hours", "timezone"):
            batch.drop_column(column)
    with op.batch_alter_table("course_versions") as batch:
        for column in ("quiet_hours", "retry_remind_days", "remind_again_days", "remind_after_days",
                       "release_time", "release_dates", "release_mode"):
            batch.drop_column(column)
