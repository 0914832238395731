"""Publishing a course from files, and the first course an empty database starts with."""
from __future__ import annotations

import logging
from pathlib import Path

from aiogram.utils.i18n import I18n

from bot.db.uow import UnitOfWorkFactory
from bot.media_store import MediaStore
from bot.services.clock import Clock
from bot.services.course_import import CourseImporter, ImportResult
from bot.telegram.course_check import RenderedCourseCheck
from content import SAMPLE_COURSE_DIR, Course, CourseValidationError, discover_courses, load_course

log = logging.getLogger(__name__)


async def publish_course(uow_factory: UnitOfWorkFactory, clock: Clock, media_store: MediaStore, i18n: I18n,
                         source: Path | Course) -> ImportResult:
    """Validate (the format, then every message rendered as the bot sends it) and publish;
    raises `CourseValidationError` listing every problem. A `Course` is one already checked so."""
    spec = source if isinstance(source, Course) else load_course(source, RenderedCourseCheck(i18n))
    async with uow_factory() as uow:
        result = await CourseImporter(uow, clock, media_store).publish(spec)
        await uow.commit()
    return result


async def load_first_course_if_empty(uow_factory: UnitOfWorkFactory, clock: Clock, media_store: MediaStore,
                                     i18n: I18n, content_dir: Path) -> ImportResult | None:
    """On an empty database, the first course in CONTENT_DIR that loads (a broken one is
    logged with its errors and skipped); the sample course only if CONTENT_DIR holds none.

    A production bot whose every course is broken starts with no course rather than teach
    the sample one to its learners."""
    async with uow_factory() as uow:
        if await uow.courses.count() > 0:
            return None
    found = discover_courses(content_dir) if Path(content_dir).is_dir() else []
    for source in found or [SAMPLE_COURSE_DIR]:
        try:
            result = await publish_course(uow_factory, clock, media_store, i18n, source)
        except CourseValidationError as error:
            log.error("course %s not loaded: %s", source, error)
            continue
        log.info("the database held no course: loaded %s (version %s) from %s", result.slug,
                 result.version_number, source)
        return result
    log.error("no course loaded: every course in CONTENT_DIR %s is broken (%s); fix them and restart, "
              "or load one with `talimger course load`", content_dir, ", ".join(str(source) for source in found))
    return None
