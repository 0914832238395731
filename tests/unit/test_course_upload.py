"""issue 10 (upload safety): what a zip may not do, refused before anything lands outside the folder."""
from __future__ import annotations

import io
import stat
import struct
import zipfile
from pathlib import Path

import pytest

from bot.services.course_upload import MAX_FILES, UploadProblem, UploadRefused, unpack


def archive(members: dict[str, bytes], symlink: str | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zipped:
        for name, data in members.items():
            zipped.writestr(name, data)
        if symlink is not None:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zipped.writestr(info, "/etc/passwd")
    return buffer.getvalue()


def refused(data: bytes, tmp_path: Path, name: str = "course.zip") -> UploadRefused:
    with pytest.raises(UploadRefused) as caught:
        unpack(data, name, tmp_path / "into")
    return caught.value


@pytest.fixture(autouse=True)
def _into(tmp_path: Path) -> None:
    (tmp_path / "into").mkdir()


@pytest.mark.parametrize("name", ["/etc/cron.d/evil", "course/../../evil.yaml", "C:/evil.yaml"])
def test_a_path_outside_the_folder_is_refused_and_nothing_written(tmp_path: Path, name: str) -> None:
    """issue 10 item upload: `..` and absolute paths."""
    problem = refused(archive({"course.yaml": b"slug: x\n", name: b"x"}), tmp_path)
    assert (problem.problem, problem.name) == (UploadProblem.UNSAFE_PATH, name)
    assert list((tmp_path / "into").iterdir()) == []


def test_a_symlink_member_is_refused(tmp_path: Path) -> None:
    """issue 10 item upload: a symlink (zip external attributes) is never extracted."""
    problem = refused(archive({"course.yaml": b"slug: x\n"}, symlink="media/leak.txt"), tmp_path)
    assert (problem.problem, problem.name) == (UploadProblem.SYMLINK, "media/leak.txt")


def test_too_many_files_are_refused(tmp_path: Path) -> None:
    problem = refused(archive({f"media/{n}.txt": b"" for n in range(MAX_FILES + 1)}), tmp_path)
    assert problem.problem is UploadProblem.TOO_MANY_FILES


def test_a_member_that_lies_about_its_size_is_stopped(tmp_path: Path) -> None:
    """issue 10 item upload: the declared size says 10 bytes, the data inflates to 1 MB; extraction
    stops (counted bytes, or zipfile's own check) instead of writing the megabyte."""
    data = bytearray(archive({"course.yaml": b"slug: x\n", "media/big.bin": b"a" * 1_000_000}))
    central = data.rfind(b"PK\x01\x02")  # the last member's central directory entry
    struct.pack_into("<I", data, central + 24, 10)  # its uncompressed size
    local = data.find(b"PK\x03\x04", data.find(b"media/big.bin") - 40)
    struct.pack_into("<I", data, local + 22, 10)
    problem = refused(bytes(data), tmp_path)
    assert problem.problem in (UploadProblem.ZIP_BOMB, UploadProblem.NOT_A_ZIP)
    written = tmp_path / "into" / "media" / "big.bin"
    assert not written.exists() or written.stat().st_size <= 10 + 65536


def test_a_course_folder_inside_the_zip_is_found(tmp_path: Path) -> None:
    root = unpack(archive({"python-basics/course.yaml": b"slug: x\n"}), "c.zip", tmp_path / "into")
    assert root == tmp_path / "into" / "python-basics"


def test_an_encrypted_member_gets_its_own_refusal(tmp_path: Path) -> None:
    """Review of issue 10: an encrypted member (zipfile raises RuntimeError, needing a password)
    was not a refusal but an error the generic handler answered; now it is UNSUPPORTED_ZIP."""
    data = bytearray(archive({"course.yaml": b"slug: x\n", "lectures/01-secret.yaml": b"key: secret\n"}))
    name = b"lectures/01-secret.yaml"
    # zipfile writes no encrypted member, so set the "encrypted" flag bit in both of its headers.
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        header = data.rfind(signature, 0, data.find(name, data.find(signature)))
        data[header + flags_at] |= 0x1
    problem = refused(bytes(data), tmp_path)
    assert (problem.problem, problem.name) == (UploadProblem.UNSUPPORTED_ZIP, "lectures/01-secret.yaml")
