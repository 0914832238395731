"""aiogram's Telegram types built on first use (bot/telegram_types_on_demand.py) are the same types.

Each side runs in a fresh interpreter: one imports aiogram as aiogram does (every type built at
import), the other imports the bot first. Every type and method of aiogram must build on demand,
in whatever order a bot happens to use them, into the same schema, and read a real getUpdates
answer the same way.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_SCHEMAS = r"""
import json, sys, warnings
warnings.simplefilter("ignore")  # aiogram's Default(...) defaults are left out of a JSON schema
if sys.argv[1] == "bot first":
    import bot  # noqa: F401
import aiogram.methods, aiogram.types
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema


class NamingInputFile(GenerateJsonSchema):
    def handle_invalid_for_json_schema(self, schema, error_info):  # an InputFile field: named, kept
        return {"instance of": error_info}


models = [
    (module.__name__, name, getattr(module, name))
    for module in (aiogram.types, aiogram.methods)
    for name in module.__all__
    if isinstance(getattr(module, name), type) and issubclass(getattr(module, name), BaseModel)
]
types_built_at_import = sum(
    1 for module, _, model in models if module == "aiogram.types" and model.__pydantic_complete__
)
# first, as a polling bot does: aiogram's session reads getUpdates into a generic model made now
response = aiogram.methods.base.Response[list[aiogram.types.Update]].model_validate_json(
    '{"ok": true, "result": [' + sys.stdin.read() + ']}'
)
update = response.result[0]
# then the rest, the last first: a method or an outer type is built before the types nested in it
schemas = {
    f"{module}.{name}": json.dumps(model.model_json_schema(schema_generator=NamingInputFile), sort_keys=True)
    for module, name, model in reversed(models)
}
print(json.dumps({
    "models": len(models),
    "types_built_at_import": types_built_at_import,
    "schemas": schemas,
    "update": update.model_dump(mode="json", exclude_none=True),
}))
"""

_UPDATE = {
    "update_id": 7,
    "callback_query": {
        "id": "41",
        "chat_instance": "-9",
        "from": {"id": 5, "is_bot": False, "first_name": "Айгерім", "language_code": "kk"},
        "data": "quiz:answer:3:1",
        "message": {
            "message_id": 12,
            "date": 1764547200,
            "chat": {"id": 5, "type": "private", "first_name": "Айгерім"},
            "from": {"id": 99, "is_bot": True, "first_name": "Talimger", "username": "talimger_bot"},
            "text": "Question 2 of 5",
            "entities": [{"type": "bold", "offset": 0, "length": 8}],
            "reply_markup": {"inline_keyboard": [[{"text": "A", "callback_data": "quiz:answer:3:0"}]]},
            "reply_to_message": {
                "message_id": 11,
                "date": 1764547100,
                "chat": {"id": 5, "type": "private"},
                "video": {"file_id": "v1", "file_unique_id": "u1", "width": 640, "height": 360, "duration": 61},
            },
        },
    },
}


def _run(mode: str) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", _SCHEMAS, mode],
        input=json.dumps(_UPDATE),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=180,
        check=True,
    )
    return json.loads(completed.stdout)


def test_every_telegram_type_and_method_builds_on_demand_into_the_schema_aiogram_builds_at_import() -> None:
    eager = _run("aiogram alone")
    on_demand = _run("bot first")

    assert eager["types_built_at_import"] > 250  # aiogram's own import still builds them all
    assert on_demand["types_built_at_import"] == 0
    assert on_demand["models"] == eager["models"] > 500
    differing = [name for name, schema in eager["schemas"].items() if on_demand["schemas"].get(name) != schema]
    assert differing == []
    assert on_demand["update"] == eager["update"]
    assert on_demand["update"]["callback_query"]["message"]["reply_to_message"]["video"]["duration"] == 61
