"""One way to write an output file: all or nothing, and only regular files are replaced.

Every file the package writes (``-o``, ``--plot``, figures, matrices) goes
through :func:`write_bytes`, so each of these holds everywhere:

* a regular file (or a new name) is written to a temporary file beside it and
  renamed into place, so a reader never sees half a file; the temporary name
  is short (at most 54 characters), so any legal file name can be written;
* a symbolic link is written through: the file it points at is replaced, the
  link stays (as ``cat > link`` would);
* a device or a FIFO is written through, never replaced by a regular file
  (``-o /dev/stdout`` works; ``-o /dev/full`` is an error, "No space left on
  device"); a FIFO with no reader is refused at once instead of waiting;
* a directory or a socket is refused;
* inside :func:`all_or_nothing`, every write is staged and the set is
  committed together at the end: a failure anywhere inside leaves every
  target as it was (an existing file is not touched, a new one not created).

Errors are ValueErrors naming ``what`` (the flag, ``-o`` or ``--plot``) and
the path.
"""
from __future__ import annotations

import contextlib
import contextvars
import errno
import os
import stat
import tempfile
from pathlib import Path

__all__ = ["write_bytes", "all_or_nothing", "check_target"]

_staged: contextvars.ContextVar[list | None] = contextvars.ContextVar("workedout_staged_outputs", default=None)


def check_target(path, *, what: str = "-o") -> tuple[Path, str]:
    """(the path to write, its kind): ``"file"`` (regular or new) or ``"device"`` (device or FIFO).

    Symbolic links are resolved (written through). Raises ValueError for a
    missing directory, a directory or a socket target.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"{what}: expected a path, got {type(path).__name__}")
    name = os.fspath(path)
    if not name:
        raise ValueError(f"{what}: empty file name")
    real = Path(os.path.realpath(name)) if os.path.islink(name) else Path(name)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise ValueError(f"{what}: cannot write {name!r}: {exc.strerror}") from None
    if info is None:
        directory = real.parent if str(real.parent) else Path(".")
        if not directory.is_dir():
            via = "" if real == Path(name) else f" (where the link {name!r} points)"
            raise ValueError(f"{what}: directory {str(directory)!r}{via} does not exist")
        return real, "file"
    if stat.S_ISDIR(info.st_mode):
        raise ValueError(f"{what}: {name!r} is a directory; expected a file name")
    if stat.S_ISREG(info.st_mode):
        return real, "file"
    if stat.S_ISCHR(info.st_mode) or stat.S_ISBLK(info.st_mode) or stat.S_ISFIFO(info.st_mode):
        return real, "device"
    raise ValueError(f"{what}: {name!r} is a socket; expected a file name")


def write_bytes(path, data: bytes | str, *, what: str = "-o") -> Path:
    """Write ``data`` (str is UTF-8) to ``path`` as the module describes; return the path given.

    Inside :func:`all_or_nothing` the write is staged and happens when the
    block ends without an error.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    target, kind = check_target(path, what=what)
    entry = _Staged(os.fspath(path), target, kind, what)
    entry.prepare(data)
    pending = _staged.get()
    if pending is not None:
        pending.append(entry)
        return Path(path)
    try:
        entry.commit()
    except BaseException:
        entry.discard()
        raise
    return Path(path)


@contextlib.contextmanager
def all_or_nothing():
    """Stage every :func:`write_bytes` inside the block; commit them all at its end, or none.

    Devices and FIFOs are written first, then the staged files are renamed
    into place; an error (or an interrupt) inside the block removes every
    staged file and leaves every target untouched. Nested blocks join the
    outermost one.
    """
    if _staged.get() is not None:
        yield
        return
    pending: list[_Staged] = []
    token = _staged.set(pending)
    try:
        yield
        pending.sort(key=lambda e: e.kind != "device")
        for entry in pending:
            entry.commit()
    finally:
        _staged.reset(token)
        for entry in pending:
            entry.discard()


class _Staged:
    def __init__(self, name: str, target: Path, kind: str, what: str):
        self.name, self.target, self.kind, self.what = name, target, kind, what
        self.tmp: str | None = None
        self.data = b""

    def prepare(self, data: bytes) -> None:
        if self.kind == "device":
            self.data = data
            return
        directory = self.target.parent if str(self.target.parent) else Path(".")
        try:
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name[:40]}.", suffix=".tmp", dir=directory)
        except OSError as exc:
            raise ValueError(f"{self.what}: cannot write {self.name!r}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            try:
                mode = stat.S_IMODE(os.stat(self.target).st_mode)  # keep an existing file's mode
            except OSError:
                mode = 0o666 & ~_umask()  # mkstemp makes 0600; give the mode open() would
            os.chmod(self.tmp, mode)
        except OSError as exc:
            self.discard()
            raise ValueError(f"{self.what}: cannot write {self.name!r}: {exc.strerror}") from None
        except BaseException:
            self.discard()
            raise

    def commit(self) -> None:
        if self.kind == "device":
            self._write_through()
            return
        try:
            os.replace(self.tmp, self.target)
        except OSError as exc:
            raise ValueError(f"{self.what}: cannot write {self.name!r}: {exc.strerror}") from None
        self.tmp = None

    def discard(self) -> None:
        if self.tmp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.tmp)
            self.tmp = None

    def _write_through(self) -> None:
        # O_NONBLOCK: a FIFO nobody reads is refused (ENXIO) instead of waiting for ever;
        # no O_CREAT, no O_TRUNC: the device or FIFO itself is never replaced
        try:
            fd = os.open(self.target, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
        except OSError as exc:
            if exc.errno == errno.ENXIO:
                raise ValueError(f"{self.what}: {self.name!r} is a FIFO that no process is reading; start "
                                 "the reader first, or give a file name") from None
            raise ValueError(f"{self.what}: cannot write {self.name!r}: {exc.strerror}") from None
        try:
            os.set_blocking(fd, True)
            view = memoryview(self.data)
            while view:
                view = view[os.write(fd, view):]
        except OSError as exc:
            raise ValueError(f"{self.what}: cannot write {self.name!r}: {exc.strerror}") from None
        finally:
            os.close(fd)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
