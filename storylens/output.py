"""Writing results to the targets the user named, and to nothing else.

    check_target(path)          before the analysis: refuse a target that
                                cannot be written, with one line naming it
    write_output(path, text)    write one target
    write_outputs({path: text}) write several: all of them or none

What a target gets depends on what it is:

- a regular file the user may write, or a new file in a directory the user
  may write: the text goes to a temporary file beside it, which then replaces
  it in one step, so readers see the old file or the new one and a failed run
  leaves the old one. The file keeps its permissions (and, for root, its
  owner); a new file gets the usual 0666 minus the umask.
- a symbolic link: resolved, and its target written as above (the link stays).
- a device (`/dev/null`, a terminal), a FIFO, or anything under `/dev/` or
  `/proc/` (`/dev/stdout`, `/proc/self/fd/1`): written through, in place.
  Replacing it would turn `/dev/null` into a regular file, or leave a FIFO's
  reader with nothing. A regular file reached through `/dev/fd/N` or
  `/proc/self/fd/N` is appended to, as the shell's redirection opened it.
- an existing regular file in a directory the user may not write: written in
  place (the only way to write it at all), so a failure can leave it partly
  written.

Refused, with `OutputError` (exit code 9): a directory, a missing directory, a
socket, a read-only file or directory, a read-only file system. Read-only
permission bits are honoured for root too: a 0444 file is meant to stay as
it is, even though root could overwrite it.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import OutputError

__all__ = ["Target", "check_target", "write_output", "write_outputs"]

_PSEUDO_ROOTS = ("/dev/", "/proc/")


@dataclass(frozen=True)
class Target:
    """A checked output target."""

    shown: str               # the path as the user gave it, for messages
    path: str                # where to write: symlinks resolved for files
    how: str                 # "replace", "through" or "in place"
    mode: int | None = None  # permission bits of the file being replaced
    owner: tuple[int, int] | None = None
    append: bool = False     # a regular file reached through /dev/fd or /proc


def check_target(path: str | os.PathLike) -> Target:
    """Say how `path` will be written, or raise `OutputError` naming it.

    Nothing is created or changed: call this before a long analysis so that a
    bad target is reported at once rather than after it.
    """
    shown = os.fspath(path)
    if not shown:
        raise OutputError("an output path is empty")
    try:
        st = os.stat(shown)  # follows symbolic links
    except FileNotFoundError:
        st = None
    except OSError as error:
        raise _error(shown, error) from None
    hops = _link_chain(shown)
    real = os.path.realpath(shown)
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise OutputError(f"cannot write {shown}: it is a directory")
    pseudo = any(hop.startswith(_PSEUDO_ROOTS) for hop in hops + [real])
    if st is not None and (pseudo or not stat.S_ISREG(st.st_mode)):
        if stat.S_ISSOCK(st.st_mode):
            raise OutputError(f"cannot write {shown}: it is a socket")
        if not os.access(shown, os.W_OK):
            raise OutputError(f"cannot write {shown}: permission denied")
        return Target(shown, shown, "through", append=stat.S_ISREG(st.st_mode))
    if pseudo:
        # Creating files in /dev or /proc is never what a report is for.
        raise OutputError(f"cannot write {shown}: no such file")
    if shown.endswith(os.sep):
        raise OutputError(f"cannot write {shown}: it names a directory, not a file")
    directory = os.path.dirname(real) or "."
    if st is not None:  # an existing regular file
        if not _may_write(real, st):
            raise OutputError(f"cannot write {shown}: the file is read-only")
        how = "replace" if _directory_writable(directory) else "in place"
        return Target(shown, real, how, stat.S_IMODE(st.st_mode), (st.st_uid, st.st_gid))
    try:
        dir_st = os.stat(directory)
    except FileNotFoundError:
        raise OutputError(f"cannot write {shown}: its directory does not exist") from None
    except OSError as error:
        raise _error(shown, error) from None
    if not stat.S_ISDIR(dir_st.st_mode):
        raise OutputError(f"cannot write {shown}: {directory} is not a directory")
    if not _directory_writable(directory, dir_st):
        raise OutputError(f"cannot write {shown}: the directory {directory} is read-only")
    return Target(shown, real, "replace")


def write_output(path: str | os.PathLike, text: str) -> None:
    """Write `text` as UTF-8 to one target (see the module's docstring)."""
    write_outputs({path: text})


def write_outputs(outputs: Mapping[str | os.PathLike, str]) -> None:
    """Write each text to its target, all or none.

    Every target is checked again and every text encoded first; files to be
    replaced are then written to temporary files, devices and FIFOs written
    through, and only when all that worked do the temporary files replace
    their targets. On any failure, an interrupt included, the temporary files
    are removed and no file target has changed (a device already written
    through cannot be unwritten, so those come after the files are staged).
    """
    jobs = [(check_target(path), text.encode("utf-8")) for path, text in outputs.items()]
    staged: list[tuple[Target, str]] = []
    try:
        for target, data in jobs:
            if target.how == "replace":
                staged.append((target, _stage(target, data)))
        for target, data in jobs:
            if target.how != "replace":
                _write_through(target, data)
        while staged:
            target, tmp = staged[0]
            try:
                os.replace(tmp, target.path)
            except OSError as error:
                raise _error(target.shown, error) from None
            staged.pop(0)
    finally:
        for _, tmp in staged:
            try:
                os.unlink(tmp)
            except OSError:
                pass


# ---------------------------------------------------------------- internals


def _stage(target: Target, data: bytes) -> str:
    """Write `data` to a new temporary file beside the target; return its path."""
    path = Path(target.path)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise _error(target.shown, error) from None
    try:
        try:
            _write_all(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        # mkstemp makes the file private (0600); keep the old file's mode, or
        # give a new one what any new file gets.
        os.chmod(tmp, target.mode if target.mode is not None else 0o666 & ~_umask())
        if target.owner is not None and os.geteuid() == 0:
            try:
                os.chown(tmp, *target.owner)
            except OSError:
                pass  # e.g. a file system without owners: the text matters more
    except BaseException as error:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(error, OSError):
            raise _error(target.shown, error) from None
        raise
    return tmp


def _write_through(target: Target, data: bytes) -> None:
    # No O_CREAT: a device or FIFO that vanished must not come back as a file.
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0)
    if target.how == "in place":
        flags |= os.O_TRUNC
    elif target.append:
        flags |= os.O_APPEND
    try:
        fd = os.open(target.path, flags)
        try:
            _write_all(fd, data)
        finally:
            os.close(fd)
    except OSError as error:
        raise _error(target.shown, error) from None


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _link_chain(path: str) -> list[str]:
    """The path and every path its symbolic links lead to, in order (at most
    40 hops, as the kernel allows). `/dev/stdout` -> `/proc/self/fd/1` -> ..."""
    current = os.path.abspath(path)
    hops = [current]
    for _ in range(40):
        try:
            link = os.readlink(current)
        except OSError:
            break
        current = os.path.normpath(os.path.join(os.path.dirname(current), link))
        hops.append(current)
    return hops


def _may_write(path: str, st: os.stat_result) -> bool:
    """Write permission as the permission bits state it, also for root (for
    whom `os.access` always says yes), and not on a read-only file system."""
    if not os.access(path, os.W_OK):
        return False
    if os.geteuid() == 0 and not st.st_mode & 0o222:
        return False
    return not _read_only_fs(path)


def _directory_writable(directory: str, st: os.stat_result | None = None) -> bool:
    try:
        st = st or os.stat(directory)
    except OSError:
        return False
    return os.access(directory, os.W_OK | os.X_OK) and _may_write(directory, st)


def _read_only_fs(path: str) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _error(shown: str, error: OSError) -> OutputError:
    reason = error.strerror or type(error).__name__
    return OutputError(f"cannot write {shown}: {reason[:1].lower()}{reason[1:]}")
