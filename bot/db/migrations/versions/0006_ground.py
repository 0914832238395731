"""Staff roles in the database, conversation state in aiogram's FSM (fsm_states), no users.awaiting_input

Revision ID: 0006_ground
Revises: 0005_wording
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0006_ground"
down_revision: Union[str, Sequence[str], None] = "0005_wording"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.create_table(
        "staff_roles",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("course_id", sa.Integer(), sa.ForeignKey("courses.id", ondelete="CASCADE"), nullable=True),
        sa.Column("granted_by", sa.BigInteger(), nullable=True),
        sa.Column("granted_at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_staff_roles_user", "staff_roles", ["user_id"])
    op.create_table(
        "fsm_states",
        sa.Column("bot_id", sa.BigInteger(), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=False),
        sa.Column("business_connection_id", sa.String(128), nullable=False),
        sa.Column("destiny", sa.String(64), nullable=False),
        sa.Column("state", sa.String(256), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", "chat_id", "user_id", "thread_id", "business_connection_id", "destiny"),
    )
    # A half-typed answer awaited in the old column is dropped: the learner is asked again.
    op.drop_column("users", "awaiting_input")


def downgrade() -> None:
    op.add_column("users", sa.Column("awaiting_input", sa.String(32), nullable=True))
    op.drop_table("fsm_states")
    op.drop_index("ix_staff_roles_user", table_name="staff_roles")
    op.drop_table("staff_roles")
