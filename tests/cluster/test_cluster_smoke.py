"""The deploy recipe brings up replicas behind nginx that serve a learner (issue 12, Deploying)."""
from __future__ import annotations

from pathlib import Path

import pytest

from sandbox.client import SandboxClient
from tests.cluster.harness import Cluster, missing_servers

pytestmark = pytest.mark.skipif(missing_servers() is not None, reason=str(missing_servers()))


@pytest.mark.timeout(240)
async def test_a_learner_is_answered_through_nginx_and_a_killed_replica_is_skipped(
        tmp_path: Path, pg_url: str) -> None:
    """issue 12 (Deploying): nginx passes the sandbox's updates to the replicas; with one replica
    SIGKILLed the next update still reaches a live one (nginx's next upstream)."""
    async with Cluster(tmp_path, pg_url, replicas=2) as cluster, SandboxClient(cluster.sandbox.url) as client:
        assert (await client.bot_info())["webhook"]["url"] == cluster.webhook_url
        assert len(await client.calls("setWebhook")) == 1  # `talimger webhook set`; replicas left it alone
        user = await client.new_user("Aru", language_code="en")
        await user.send("/start")
        await user.wait_for(lambda m: bool(m.buttons), timeout=30)
        cluster.replicas[0].kill()
        await cluster.replicas[0].wait()
        other = await client.new_user("Bek", language_code="en")
        for _ in range(3):
            await other.send("/start")
            await other.wait_for(lambda m: bool(m.buttons), timeout=30)
        await cluster.replicas[0].start()
        assert await cluster.replicas[0].metric("talimger_updates_handled_total") == 0
