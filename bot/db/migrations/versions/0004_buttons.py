"""One running attempt per enrolment and lecture; the message whose button last showed it

Revision ID: 0004_buttons
Revises: 0003
"""
from collections import defaultdict
from typing import Sequence, Union

import sqlalchemy as sa
from alembic import op

revision: str = "0004_buttons"
down_revision: Union[str, Sequence[str], None] = "0003"
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

RUNNING = "finished_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("quiz_attempts") as batch:
        batch.add_column(sa.Column("button_message_id", sa.BigInteger(), nullable=True))
    _close_duplicate_running_attempts()
    op.create_index("ux_attempts_one_running", "quiz_attempts", ["enrolment_id", "lecture_key"], unique=True,
                    sqlite_where=sa.text(RUNNING), postgresql_where=sa.text(RUNNING))


def downgrade() -> None:
    op.drop_index("ux_attempts_one_running", table_name="quiz_attempts")
    op.drop_column("quiz_attempts", "button_message_id")  # plain DROP COLUMN: no batch copy under foreign keys


def _close_duplicate_running_attempts() -> None:
    """Before the index: running duplicates could only come from the race it closes.

    The copy with the most answers (then the oldest) stays running. A copy nobody answered
    is deleted; one with answers is closed where it stands, graded on what was answered,
    so no answer is lost.
    """
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.id, a.enrolment_id, a.lecture_key, a.pass_score, a.started_at, "
        "COUNT(i.chosen_option) AS answered, "
        "SUM(CASE WHEN i.is_correct THEN 1 ELSE 0 END) AS correct, MAX(i.answered_at) AS last_answer "
        "FROM quiz_attempts a LEFT JOIN attempt_items i ON i.attempt_id = a.id "
        f"WHERE a.{RUNNING} GROUP BY a.id, a.enrolment_id, a.lecture_key, a.pass_score, a.started_at"
    )).all()
    groups: dict[tuple[int, str], list[sa.Row]] = defaultdict(list)
    for row in rows:
        groups[(row.enrolment_id, row.lecture_key)].append(row)
    for copies in groups.values():
        copies.sort(key=lambda row: (-row.answered, row.id))
        for extra in copies[1:]:
            if not extra.answered:
                bind.execute(sa.text("DELETE FROM attempt_items WHERE attempt_id = :id"), {"id": extra.id})
                bind.execute(sa.text("DELETE FROM quiz_attempts WHERE id = :id"), {"id": extra.id})
                continue
            score = int(extra.correct or 0)
            bind.execute(
                sa.text("UPDATE quiz_attempts SET finished_at = :at, score = :score, passed = :passed WHERE id = :id"),
                {"at": extra.last_answer or extra.started_at, "score": score,
                 "passed": score >= extra.pass_score, "id": extra.id},
            )
