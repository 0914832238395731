"""issue 10, videos and files by file_id: a video sent to the admin chat with a chunk's name as caption."""
from __future__ import annotations

from sandbox import Sandbox
from sandbox.client import SandboxClient
from tests.e2e.conftest import AppFactory
from tests.e2e.content_steps import INSTRUCTOR_ID, WAIT, grant_staff, rows, staff_admin_chat
from tests.e2e.driver import WORDS, CourseKey, LearnerDriver
from tests.e2e.test_content_workflow import button_data


async def test_a_video_captioned_with_a_chunk_reaches_learners_by_its_file_id(
        sandbox: Sandbox, client: SandboxClient, start_bot: AppFactory, course_key: CourseKey) -> None:
    """issue 10 (files by file_id): before, a video sent to the admin chat was ignored; now its file_id
    goes on a draft (made from the published version), and after /publish learners get that file_id."""
    admin_chat = staff_admin_chat(sandbox)
    app = await start_bot(admin_chat_id=admin_chat)
    await grant_staff(app)
    instructor = client.user(INSTRUCTOR_ID, chat_id=admin_chat)

    await instructor.send_video(b"\x00\x00\x00\x18ftypmp42 not really a video", filename="lecture1.mp4",
                                caption="variables/nonsense")
    unknown = await instructor.wait_for(lambda m: "variables/video" in m.text, timeout=WAIT)
    assert "variables/nonsense" not in unknown.text and "variables/intro" not in unknown.text

    sent = await instructor.send_video(b"\x00\x00\x00\x18ftypmp42 the real lecture", filename="lecture1.mp4",
                                       caption="variables/video")
    file_id = sent["message"]["video"]["file_id"] if "message" in sent else sent["video"]["file_id"]
    confirmed = await instructor.wait_for(lambda m: m.text.startswith("📎"), timeout=WAIT)
    assert "variables/video" in confirmed.text and "Бейнедәріс: айнымалылар" in confirmed.text and "v2" in confirmed.text
    assert await rows(app, "SELECT state FROM course_versions ORDER BY number") == [("published",), ("draft",)]

    await instructor.send("/publish")
    ask = await instructor.wait_for(lambda m: any((b.callback_data or "").startswith("cnt:pub") for row in m.buttons
                                                  for b in row), timeout=WAIT)
    await instructor.press(ask, callback_data=button_data(ask, "cnt:pub"))
    await instructor.wait_for(lambda m: m.text.startswith("🚀"), timeout=WAIT)

    learner = LearnerDriver(await client.new_user("Viewer", language_code="en"), course_key, "en")
    await client.clear_calls()
    message = await learner.start()
    while not (message.media and message.media.kind == "video"):
        await learner.user.press(message, WORDS["en"]["next"])
        previous = message.message_id
        message = await learner.user.wait_for(lambda m: m.message_id > previous and m.buttons, timeout=WAIT)
    videos = await client.calls("sendVideo")
    assert [call["params"]["video"] for call in videos] == [file_id]
    audit = await rows(app, "SELECT action, details, user_id FROM content_audit ORDER BY id")
    assert audit[0] == ("attach", "variables/video", INSTRUCTOR_ID) and audit[1][0] == "publish"
