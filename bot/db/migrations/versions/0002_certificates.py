"""Certificates: confirmed names, final test settings and attempts, revocation and re-issue

Revision ID: 0002
Revises: 0001
"""
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: Union[str, Sequence[str], None] = "0001"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

# 0001 left the unique constraint on certificates.enrolment_id unnamed: SQLite's batch mode
# names it by this convention, PostgreSQL named it itself.
SQLITE_NAMING = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _enrolment_unique_name() -> str:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        return "uq_certificates_enrolment_id"
    # PostgreSQL names it <table>_<column>_key; read the real name in case the server chose otherwise.
    for constraint in sa.inspect(bind).get_unique_constraints("certificates"):
        if constraint["column_names"] == ["enrolment_id"] and constraint["name"]:
            return constraint["name"]
    return "certificates_enrolment_id_key"


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("name_confirmed", sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table("course_versions") as batch:
        batch.add_column(sa.Column("final_test_size", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("final_test_pass_percent", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("final_test_attempts", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("final_test_cooldown_minutes", sa.Integer(), nullable=False, server_default="0"))

    with op.batch_alter_table("quiz_attempts") as batch:
        batch.alter_column("lecture_id", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("kind", sa.String(length=16), nullable=False, server_default="lecture"))

    # A re-issue adds a row for the same enrolment, so enrolment_id is no longer unique.
    with op.batch_alter_table("certificates", naming_convention=SQLITE_NAMING) as batch:
        batch.drop_constraint(_enrolment_unique_name(), type_="unique")
        batch.create_index("ix_certificates_enrolment_id", ["enrolment_id"], unique=False)
        batch.add_column(sa.Column("revoked_by", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("final_test_percent", sa.Double(), nullable=True))
        batch.add_column(sa.Column("course_title", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("reissue_of_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_certificates_reissue_of_id", "certificates", ["reissue_of_id"], ["id"])


def downgrade() -> None:
    # Only one certificate per enrolment fits the old schema: drop the re-issued ones.
    op.execute("DELETE FROM certificates WHERE reissue_of_id IS NOT NULL")
    with op.batch_alter_table("certificates", naming_convention=SQLITE_NAMING) as batch:
        batch.drop_constraint("fk_certificates_reissue_of_id", type_="foreignkey")
        batch.drop_column("reissue_of_id")
        batch.drop_column("course_title")
        batch.drop_column("final_test_percent")
        batch.drop_column("revoked_by")
        batch.drop_index("ix_certificates_enrolment_id")
        batch.create_unique_constraint(_enrolment_unique_name(), ["enrolment_id"])

    op.execute("DELETE FROM attempt_items WHERE attempt_id IN (SELECT id FROM quiz_attempts WHERE lecture_id IS NULL)")
    op.execute("DELETE FROM quiz_attempts WHERE lecture_id IS NULL")
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.drop_column("kind")
        batch.alter_column("lecture_id", existing_type=sa.Integer(), nullable=False)

    with op.batch_alter_table("course_versions") as batch:
        batch.drop_column("final_test_cooldown_minutes")
        batch.drop_column("final_test_attempts")
        batch.drop_column("final_test_pass_percent")
        batch.drop_column("final_test_size")

    with op.batch_alter_table("users") as batch:
        batch.drop_column("name_confirmed")
