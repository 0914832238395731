"""Webhook mode on PostgreSQL: the same end-to-end tests, the bot's database on the test server
(issue 12 item 1)."""
from tests.e2e.test_webhook_mode import (  # noqa: F401
    test_a_learner_starts_and_answers_a_quiz_through_the_webhook,
    test_a_request_without_the_secret_is_refused_and_changes_nothing,
    test_the_webhook_answers_200_once_the_update_is_stored,
)
