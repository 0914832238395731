"""An uploaded course file (.yaml, or a .zip of the course folder) unpacked safely into a folder.

A zip comes from outside: every member is checked before anything is written (no `..` or
absolute path, no symlink, a member count and a declared size within bounds, a compression
ratio no real course has), and extraction counts the bytes it actually writes, so a zip that
lies about its sizes is stopped at the cap too. Course texts must be UTF-8. Any refusal leaves
nothing behind but the caller's temporary folder.
"""
from __future__ import annotations

import enum
import io
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from content.assembly import COURSE_FILES

MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024  # what the Bot API lets a bot download (getFile)
MAX_FILES = 500
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100  # a member unpacking to over 100 times its packed size looks like a zip bomb
TEXT_SUFFIXES = {".yaml", ".yml", ".md", ".txt", ".html"}
_BLOCK = 1 << 16


class UploadProblem(enum.Enum):
    WRONG_KIND = "wrong_kind"
    TOO_BIG = "too_big"
    NOT_A_ZIP = "not_a_zip"
    TOO_MANY_FILES = "too_many_files"
    UNSAFE_PATH = "unsafe_path"
    SYMLINK = "symlink"
    ZIP_BOMB = "zip_bomb"
    NOT_UTF8 = "not_utf8"
    UNSUPPORTED_ZIP = "unsupported_zip"  # encrypted, or a compression method Python cannot read
    NO_COURSE_FILE = "no_course_file"


@dataclass
class UploadRefused(Exception):
    problem: UploadProblem
    name: str = ""  # the offending member, when there is one


def is_course_upload(filename: str | None) -> bool:
    return Path(filename or "").suffix.lower() in (".zip", ".yaml", ".yml")


def unpack(data: bytes, filename: str, into: Path) -> Path:
    """The course inside the upload: a one-file course's path, or the course folder. Raises `UploadRefused`."""
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise UploadRefused(UploadProblem.TOO_BIG)
    suffix = Path(filename).suffix.lower()
    if suffix in (".yaml", ".yml"):
        _check_utf8(data, filename)
        target = into / ("course" + suffix)
        target.write_bytes(data)
        return target
    if suffix != ".zip":
        raise UploadRefused(UploadProblem.WRONG_KIND, filename)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise UploadRefused(UploadProblem.NOT_A_ZIP, filename) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        _check_members(archive.infolist())
        if len(members) > MAX_FILES:
            raise UploadRefused(UploadProblem.TOO_MANY_FILES, str(len(members)))
        written = 0
        for info in members:
            written = _extract(archive, info, into, written)
    return _course_root(into)


def _check_members(members: list[zipfile.ZipInfo]) -> None:
    declared = 0
    for info in members:
        name = info.filename
        path = PurePosixPath(name.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or (len(name) > 1 and name[1] == ":"):
            raise UploadRefused(UploadProblem.UNSAFE_PATH, name)
        if stat.S_ISLNK(info.external_attr >> 16):
            raise UploadRefused(UploadProblem.SYMLINK, name)
        declared += info.file_size
        if declared > MAX_UNPACKED_BYTES or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
            raise UploadRefused(UploadProblem.ZIP_BOMB, name)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, into: Path, written: int) -> int:
    """Write one member, counting real bytes: a member that unpacks past its declared size or
    the total cap is a bomb, whatever its header said."""
    target = into.joinpath(*PurePosixPath(info.filename.replace("\\", "/")).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    size = 0
    buffer = bytearray()
    is_text = target.suffix.lower() in TEXT_SUFFIXES
    try:
        with archive.open(info) as source, open(target, "wb") as sink:
            while block := source.read(_BLOCK):
                size += len(block)
                if size > info.file_size or written + size > MAX_UNPACKED_BYTES:
                    raise UploadRefused(UploadProblem.ZIP_BOMB, info.filename)
                if is_text:
                    buffer += block
                sink.write(block)
    except (zipfile.BadZipFile, OSError, EOFError):
        raise UploadRefused(UploadProblem.NOT_A_ZIP, info.filename) from None
    except (RuntimeError, NotImplementedError):  # zipfile's words for an encrypted member or an unknown method
        raise UploadRefused(UploadProblem.UNSUPPORTED_ZIP, info.filename) from None
    if is_text:
        _check_utf8(bytes(buffer), info.filename)
    return written + size


def _check_utf8(data: bytes, name: str) -> None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        raise UploadRefused(UploadProblem.NOT_UTF8, name) from None


def _course_root(into: Path) -> Path:
    """The folder holding course.yaml: the zip's top, or its one top folder."""
    for folder in [into, *sorted(entry for entry in into.iterdir() if entry.is_dir())]:
        if any((folder / name).is_file() for name in COURSE_FILES):
            return folder
    raise UploadRefused(UploadProblem.NO_COURSE_FILE)
