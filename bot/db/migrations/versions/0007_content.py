"""Course versions get a state (draft / published / retired); an audit log of content changes

Revision ID: 0007_content
Revises: 0006_ground
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0007_content"
down_revision: Union[str, Sequence[str], None] = "0006_ground"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None


def upgrade() -> None:
    op.add_column("course_versions", sa.Column("state", sa.String(length=16), nullable=True))
    op.create_table(
        "content_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("user_name", sa.String(length=256), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["course_id"], ["courses.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_content_audit_course_id", "content_audit", ["course_id"])


def downgrade() -> None:
    op.drop_index("ix_content_audit_course_id", table_name="content_audit")
    op.drop_table("content_audit")
    # A plain DROP COLUMN (SQLite 3.35+), as in 0005.
    op.drop_column("course_versions", "state")
