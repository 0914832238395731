"""The bot's own copy of every course media file, named by the sha256 of its bytes.

A course is loaded once and read for months: the folder it was loaded from may be moved,
deleted or edited in the meantime, and a file in it may be swapped for a symlink to
something private. So at load each local media file is copied here (`<sha256><suffix>`,
written to a temporary name, fsynced and renamed, so a crash never leaves half a file
under a real name), and at send time only a regular file directly inside this folder is
opened, without following symlinks. Identical files are stored once, whatever course or
version they belong to.
"""
from __future__ import annotations

import hashlib
import os
import re
import stat
import tempfile
from pathlib import Path

from content.errors import Reason

KEY = re.compile(r"^[0-9a-f]{64}(\.[a-z0-9]{1,16})?$")
_BLOCK = 1 << 20


class MediaUnavailable(Exception):
    """A media file cannot be sent: missing, or not a plain file where it must be."""


class MediaRefused(Exception):
    """A course's media file cannot be taken into the store (a symlink, not a regular file,
    or outside the course folder); `path` is the offending file."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    return suffix if re.fullmatch(r"\.[a-z0-9]{1,16}", suffix) else ""


def open_regular(path: Path, inside: Path) -> int:
    """A read-only descriptor of `path`, which must be a regular file under `inside` reached
    through no symlink at all (checked component by component, the last one by O_NOFOLLOW)."""
    inside = inside.resolve()
    path = Path(os.path.abspath(path))
    if not path.is_relative_to(inside):
        raise MediaRefused(path, Reason("is outside the course folder", "media_outside_course"))
    current = inside
    for part in path.relative_to(inside).parts[:-1]:
        current = current / part
        if current.is_symlink():
            raise MediaRefused(path, Reason(f"goes through a symbolic link ({current.name})", "media_through_symlink",
                                             link=current.name))
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        if path.is_symlink():
            raise MediaRefused(path, Reason("is a symbolic link; put the file itself in the course folder",
                                             "media_symlink")) from None
        raise MediaRefused(path, Reason(f"cannot be read ({error.strerror or error})", "media_unreadable",
                                         detail=error.strerror or error)) from None
    if not stat.S_ISREG(os.fstat(descriptor).st_mode):
        os.close(descriptor)
        raise MediaRefused(path, Reason("is not a regular file", "media_not_regular"))
    return descriptor


class MediaStore:
    """Content-addressed media files in one folder (by default `DATA_DIR/media`)."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, path: Path, course_dir: Path) -> str:
        """Copy a course's media file in; its key (`<sha256><suffix>`). Refuses symlinks,
        anything but a regular file, and files outside `course_dir`."""
        source = open_regular(path, course_dir)
        self.root.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        temporary = tempfile.NamedTemporaryFile(dir=self.root, prefix=".incoming-", delete=False)
        try:
            with os.fdopen(source, "rb") as reading, temporary:
                for block in iter(lambda: reading.read(_BLOCK), b""):
                    digest.update(block)
                    temporary.write(block)
                temporary.flush()
                os.fsync(temporary.fileno())
            key = digest.hexdigest() + _suffix(Path(path))
            if self._holds(key, os.stat(temporary.name).st_size):
                # Already stored: keep that file (a learner's upload may be reading it right now).
                Path(temporary.name).unlink()
                return key
            os.replace(temporary.name, self.root / key)
        except BaseException:
            Path(temporary.name).unlink(missing_ok=True)
            raise
        self._sync_folder()
        return key

    def _holds(self, key: str, size: int) -> bool:
        try:
            info = os.lstat(self.root / key)
        except OSError:
            return False
        return stat.S_ISREG(info.st_mode) and info.st_size == size

    def _sync_folder(self) -> None:
        try:
            descriptor = os.open(self.root, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(descriptor)
        except OSError:
            pass  # some file systems cannot sync a folder; the rename is still atomic
        finally:
            os.close(descriptor)

    def checked(self, key: str) -> tuple[Path, os.stat_result]:
        """The stored file for `key` and its lstat, or MediaUnavailable: the key must be a
        store key, the file a regular file directly in the store (no symlink)."""
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise MediaUnavailable(f"not a media store key: {key!r}")
        root = self.root.resolve()
        path = root / key
        try:
            info = os.lstat(path)
        except OSError:
            raise MediaUnavailable(f"media file missing from the store: {path}") from None
        if not stat.S_ISREG(info.st_mode):
            raise MediaUnavailable(f"media store entry is not a regular file: {path}")
        return path, info
