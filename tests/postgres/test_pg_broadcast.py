"""/broadcast on PostgreSQL: the SQLite end-to-end scenarios of issue 11 (broadcasts) re-run with
the bot on PostgreSQL, where no in-process write lock serializes a double confirm."""
from __future__ import annotations

from tests.e2e.test_broadcast import (  # noqa: F401
    test_a_course_broadcast_in_three_languages_reaches_each_learner_in_theirs,
    test_cancel_leaves_the_rest_unsent_and_reports_it,
    test_each_audience_picks_the_right_learners,
    test_paid_sending_shows_its_estimated_stars_cost_and_sends_with_allow_paid_broadcast,
)
