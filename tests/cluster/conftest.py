"""Cluster tests: a fresh PostgreSQL database per test (the fixture of tests/postgres, reused)."""
from tests.postgres.conftest import pg_url  # noqa: F401
