"""The SQL FSM storage's contract on PostgreSQL (this folder's `uow_factory` is PostgreSQL's)."""
from __future__ import annotations

from tests.unit.test_fsm_storage import (  # noqa: F401
    test_fsm_state_written_in_an_update_commits_or_rolls_back_with_it,
    test_fsm_storage_keeps_state_and_data_per_key,
)
