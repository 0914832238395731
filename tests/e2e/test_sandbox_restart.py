"""`talimger run` with no token, stopped and started again on the same data folder: the sandbox
remembers its chats, users, files and update ids, so the learner goes on where they stopped."""
from __future__ import annotations

from pathlib import Path

from sandbox.client import SandboxMessage
from tests.e2e.driver import WORDS, CourseKey, LearnerDriver
from tests.e2e.talimger_run import talimger_run

WAIT = 30.0  # a bot in a subprocess on a busy machine


def is_chunk(message: SandboxMessage) -> bool:
    return WORDS["ru"]["next"] in message.button_texts


async def test_a_restarted_sandbox_goes_on_with_the_same_chats_users_files_and_update_ids(
        tmp_path: Path, course_key: CourseKey, bot_database_url: str) -> None:
    """issue 9 item 13: before, the restarted sandbox was empty — update ids began at 1 again and
    the bot skipped them all, a new learner got an old learner's id, and videos were placeholders."""
    async with talimger_run(tmp_path, bot_database_url) as client:
        learner = LearnerDriver(await client.new_user("Aru", language_code="ru"), course_key, "ru", timeout=WAIT)
        message = await learner.start()
        while message.media is None or message.media.kind != "video":  # two text parts and on, to the video
            await learner.user.press(message, WORDS["ru"]["next"])
            previous = message.message_id
            message = await learner.user.wait_for(lambda m: m.message_id > previous and is_chunk(m), timeout=WAIT)
        video = message
        assert video.media is not None and not video.media.external
        video_bytes = await client.download(video.media.file_id)
        asked = await learner.user.send("/help")
        await learner.user.wait_for(lambda m: "Что я умею" in m.text, timeout=WAIT)
        before_ids = {user["id"] for user in await client.users()}

    async with talimger_run(tmp_path, bot_database_url) as client:
        same = client.user(learner.user.id)
        # The old message's button still works, and its update is not taken for one applied before.
        await same.press(video.message_id, WORDS["ru"]["next"])
        after_video = await same.wait_for(lambda m: m.message_id > video.message_id and is_chunk(m), timeout=WAIT)
        assert "An Informal Introduction to Python" in after_video.text
        again = await same.send("/help")
        assert again["update_id"] > asked["update_id"]
        await same.wait_for(lambda m: m.message_id > after_video.message_id and "Что я умею" in m.text, timeout=WAIT)
        # The video is still there to play.
        assert await client.download(video.media.file_id) == video_bytes
        kept = {m.message_id: m for m in await same.transcript()}[video.message_id]
        assert kept.media is not None and kept.media.kind == "video" and not kept.media.external

        newcomer = LearnerDriver(await client.new_user("Dana", language_code="kk"), course_key, "kk", timeout=WAIT)
        assert newcomer.user.id not in before_ids
        first = await newcomer.start()
        shown = " ".join(m.text for m in await newcomer.user.transcript())
        assert "С возвращением" not in shown and "Қайта оралғаныңызға" not in shown
        assert "1-дәріс." in first.text
        # The bot's cached file_id of the video is still one the sandbox knows: it plays.
        message = first
        while message.media is None:
            await newcomer.user.press(message, WORDS["kk"]["next"])
            previous = message.message_id
            message = await newcomer.user.wait_for(
                lambda m: m.message_id > previous and WORDS["kk"]["next"] in m.button_texts, timeout=WAIT)
        assert message.media.kind == "video" and not message.media.external
        assert await client.download(message.media.file_id) == video_bytes
