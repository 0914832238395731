"""Draws docs/stats-chart.png: the /stats chart of the sample course with the seeded learners of
tests/unit/analytics_seed.py, in Kazakh. Run from the project folder: .venv/bin/python docs/stats_chart.py"""
from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.db.migrate import upgrade_to_head  # noqa: E402
from bot.db.session import create_engine, create_session_factory  # noqa: E402
from bot.db.uow import UnitOfWorkFactory  # noqa: E402
from bot.media_store import MediaStore  # noqa: E402
from bot.services.analytics import AnalyticsService  # noqa: E402
from bot.services.clock import ManualClock  # noqa: E402
from bot.services.course_import import CourseImporter  # noqa: E402
from bot.telegram.charts import render_funnel_png  # noqa: E402
from bot.telegram.i18n import create_i18n  # noqa: E402
from bot.telegram.texts_analytics import funnel_chart  # noqa: E402
from content import SAMPLE_COURSE_DIR, load_course  # noqa: E402
from tests.unit.analytics_seed import NOW, seed  # noqa: E402

LOCALE = "kk"


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{folder}/talimger.db")
        await upgrade_to_head(engine)
        uow_factory = UnitOfWorkFactory(create_session_factory(engine))
        clock = ManualClock(NOW)
        async with uow_factory() as uow:
            await CourseImporter(uow, clock, MediaStore(Path(folder) / "media")).publish(load_course(SAMPLE_COURSE_DIR))
            await uow.commit()
        await seed(uow_factory, "python-basics", {f"L{n}": 1000 + n for n in range(1, 8)})
        async with uow_factory() as uow:
            analytics = AnalyticsService(uow, clock)
            stats = await analytics.stats(await analytics.choose_course(None, "stats"))
        await engine.dispose()
    i18n = create_i18n(LOCALE)
    with i18n.context(), i18n.use_locale(LOCALE):
        chart = funnel_chart(stats, LOCALE)
    (ROOT / "docs" / "stats-chart.png").write_bytes(render_funnel_png(chart))


if __name__ == "__main__":
    asyncio.run(main())
