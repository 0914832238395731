"""The course format: models, loader and validator, and the sample course.

    from content import load_course, SAMPLE_COURSE_DIR
    course = load_course(SAMPLE_COURSE_DIR)

No Telegram or database code lives here; see FORMAT.md for the format itself.
"""

from content.errors import CourseError, CourseValidationError
from content.loader import COURSES_DIR, SAMPLE_COURSE_DIR, discover_courses, load_course
from content.schema import (
    Author,
    Caption,
    Chunk,
    Course,
    CourseSettings,
    FileChunk,
    FinalTestSettings,
    Lab,
    Lecture,
    LinkChunk,
    LocalizedText,
    MediaSource,
    OptionText,
    Question,
    QuestionText,
    QuizOption,
    SelfCheckChunk,
    TextChunk,
    Title,
    VideoChunk,
    Week,
)
from content.validator import check_course, validate_course

__all__ = [
    "COURSES_DIR",
    "SAMPLE_COURSE_DIR",
    "Author",
    "Caption",
    "Chunk",
    "Course",
    "CourseError",
    "CourseSettings",
    "CourseValidationError",
    "FileChunk",
    "FinalTestSettings",
    "Lab",
    "Lecture",
    "LinkChunk",
    "LocalizedText",
    "MediaSource",
    "OptionText",
    "Question",
    "QuestionText",
    "QuizOption",
    "SelfCheckChunk",
    "TextChunk",
    "Title",
    "VideoChunk",
    "Week",
    "check_course",
    "discover_courses",
    "load_course",
    "validate_course",
]
