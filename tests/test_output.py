"""storylens.output: every kind of target gets written to, or refused, and
nothing else is touched (issue #11, items 1 and 9)."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from storylens.errors import OutputError
from storylens.output import check_target, write_output, write_outputs
from storylens.render import write_atomic

ROOT_USER = os.geteuid() == 0


def listing(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


# ---------------------------------------------------------------- regular files


def test_replaces_a_regular_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    write_output(target, "new ✓")
    assert target.read_text(encoding="utf-8") == "new ✓"
    assert listing(tmp_path) == ["report.html"]


def test_new_file_gets_the_umask_mode(tmp_path):
    target = tmp_path / "new.md"
    old = os.umask(0o027)
    try:
        write_output(target, "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "shared.json"
    target.write_text("{}")
    target.chmod(0o604)
    write_output(target, "[]")
    assert target.read_text() == "[]"
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


@pytest.mark.skipif(not ROOT_USER, reason="only root can give a file to another user")
def test_root_keeps_the_owner_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "theirs.md"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    write_output(target, "new")
    assert (target.stat().st_uid, target.stat().st_gid) == (65534, 65534)


def test_a_read_only_file_is_refused_and_kept(tmp_path):
    target = tmp_path / "keep.md"
    target.write_text("what the user had")
    target.chmod(0o444)
    with pytest.raises(OutputError, match="read-only") as caught:
        write_output(target, "new")
    assert str(target) in str(caught.value)
    assert target.read_text() == "what the user had"
    assert stat.S_IMODE(target.stat().st_mode) == 0o444
    assert listing(tmp_path) == ["keep.md"]


def test_encoding_failure_keeps_the_target(tmp_path):
    target = tmp_path / "report.html"
    target.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_output(target, "half \ud800 written")  # a lone surrogate cannot be encoded
    assert target.read_text() == "old"
    assert listing(tmp_path) == ["report.html"]


def test_write_atomic_is_the_same_writer(tmp_path):
    """render.write_atomic stays for existing callers and refuses the same way."""
    target = tmp_path / "r.html"
    write_atomic(target, "x")
    assert target.read_text() == "x"
    with pytest.raises(OutputError):
        write_atomic(tmp_path / "nope" / "r.md", "x")


def test_existing_file_in_a_read_only_directory_is_written_in_place(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    target = folder / "out.md"
    target.write_text("old text that is longer")
    folder.chmod(0o555)
    try:
        assert check_target(target).how == "in place"
        inode = target.stat().st_ino
        write_output(target, "new")
        assert target.read_text() == "new" and target.stat().st_ino == inode
        assert listing(folder) == ["out.md"]
    finally:
        folder.chmod(0o755)


# ---------------------------------------------------------------- links, devices, FIFOs


def test_a_symlink_is_followed_not_replaced(tmp_path):
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text() == "new"
    assert listing(tmp_path) == ["link.md", "real.md"]


def test_a_dangling_symlink_creates_its_target(tmp_path):
    link = tmp_path / "link.md"
    link.symlink_to(tmp_path / "made.md")
    write_output(link, "new")
    assert link.is_symlink() and (tmp_path / "made.md").read_text() == "new"


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero"])
def test_a_device_is_written_through_and_stays_a_device(device):
    if not os.path.exists(device) or not stat.S_ISCHR(os.stat(device).st_mode):
        pytest.skip(f"{device} is not a device here (absent, or replaced by a file)")
    assert check_target(device).how == "through"
    write_output(device, "discarded")
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_dev_full_is_an_output_error_naming_it():
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full is absent")
    with pytest.raises(OutputError, match="no space left") as caught:
        write_output("/dev/full", "x" * 10_000)
    assert "/dev/full" in str(caught.value) and "\n" not in str(caught.value)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)


def test_a_fifo_is_written_through_to_its_reader(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_output(fifo, "through the pipe")
    reader.join(10)
    assert received == ["through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert listing(tmp_path) == ["pipe"]


def test_proc_self_fd_appends_to_the_open_file(tmp_path):
    """`-o /proc/self/fd/N` (or /dev/stdout) when N is a file the shell opened:
    the text goes into that open file; the file is not replaced."""
    target = tmp_path / "log.txt"
    with open(target, "a") as handle:
        handle.write("before\n")
        handle.flush()
        inode = target.stat().st_ino
        path = f"/proc/self/fd/{handle.fileno()}"
        if not os.path.exists(path):
            pytest.skip("no /proc here")
        assert check_target(path).how == "through"
        write_output(path, "after\n")
    assert target.read_text() == "before\nafter\n"
    assert target.stat().st_ino == inode
    assert listing(tmp_path) == ["log.txt"]


def test_a_missing_file_under_dev_is_not_created():
    with pytest.raises(OutputError, match="no such file"):
        check_target("/dev/storylens-no-such-device")
    assert not os.path.exists("/dev/storylens-no-such-device")


# ---------------------------------------------------------------- refused targets


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing" / "out.md", "directory does not exist"),
    (lambda d: d, "is a directory"),
    (lambda d: _file(d / "file") / "out.md", "not a directory"),
    (lambda d: str(d / "new") + "/", "names a directory"),
])
def test_bad_targets_are_refused_naming_the_path(tmp_path, make, words):
    target = make(tmp_path)
    before = listing(tmp_path)
    with pytest.raises(OutputError) as caught:
        check_target(target)
    message = str(caught.value)
    assert words in message and str(target) in message and "\n" not in message
    assert listing(tmp_path) == before


def test_a_read_only_directory_is_refused(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(OutputError, match="read-only") as caught:
            check_target(folder / "out.md")
        assert str(folder / "out.md") in str(caught.value)
        assert listing(folder) == []
    finally:
        folder.chmod(0o755)


def test_a_socket_is_refused(tmp_path):
    import socket

    path = tmp_path / "sock"
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(path))
        with pytest.raises(OutputError, match="socket"):
            check_target(path)


def test_check_target_creates_nothing(tmp_path):
    check_target(tmp_path / "later.html")
    assert listing(tmp_path) == []


# ---------------------------------------------------------------- several targets


def test_all_or_nothing_when_one_target_fails(tmp_path):
    if not os.path.exists("/dev/full"):
        pytest.skip("/dev/full is absent")
    kept = tmp_path / "report.html"
    kept.write_text("what the user had")
    with pytest.raises(OutputError):
        write_outputs({kept: "new report", tmp_path / "new.md": "new", "/dev/full": "x" * 10_000})
    assert kept.read_text() == "what the user had"
    assert listing(tmp_path) == ["report.html"]


def test_several_targets_all_written(tmp_path):
    write_outputs({tmp_path / "a.html": "A", tmp_path / "b.md": "B", "/dev/null": "C"})
    assert (tmp_path / "a.html").read_text() == "A" and (tmp_path / "b.md").read_text() == "B"
    assert listing(tmp_path) == ["a.html", "b.md"]


def _file(path: Path) -> Path:
    path.write_text("x")
    return path
