"""One way to read an input file: regular files only, bounded size, gzip and any BOM.

Every reader of the package (CSV data, transaction and sequence databases,
FASTA, substitution matrices, IDX images, answers, ``--init`` files) gets its
bytes or text here, so each of these holds everywhere:

* only a regular file, or standard input given as ``-``, is read: a device
  (``/dev/zero``), a FIFO or a directory is refused, also behind a symlink;
* at most the limit ``file-size`` (or the one the caller names) is read,
  after gzip decompression: a 2 GB file or a gzip bomb is refused without
  being read whole;
* ``.gz`` files (recognised by their magic bytes, whatever the name) are
  decompressed;
* text is UTF-8, with or without a byte-order mark, or UTF-16/UTF-32 with
  one; a byte that is not UTF-8 is reported with its line and byte.
"""
from __future__ import annotations

import io
import json
import os
import re
import stat
import sys
import zlib

from .limits import LimitError, get, require

__all__ = ["read_bytes", "read_text", "decode_text", "gunzip", "load_json", "json_depth"]

_CHUNK = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"


def read_bytes(source, *, what: str = "input", limit: str = "file-size", gunzip: bool = True) -> bytes:
    """The bytes of ``source``: a path, ``"-"`` (standard input) or a binary file object.

    ``what`` names the input in errors (``"--check"``, ``"DB"``); the file's
    name is added. Raises ValueError (LimitError for a limit) naming both.
    """
    cap = get(limit)
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) == "-":
        stream, label = sys.stdin.buffer, f"{what}: standard input"
        data = _read_capped(stream, cap, label, limit)
    elif isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        label = f"{what}: {name}" if what != name else name
        data = _read_path(name, cap, label, limit)
    elif hasattr(source, "read"):
        label = f"{what}: {getattr(source, 'name', '<stream>')}"
        data = _read_capped(source, cap, label, limit)
        if isinstance(data, str):
            data = data.encode("utf-8")
    else:
        raise TypeError(f"{what}: expected a path, '-' or a file object, got {type(source).__name__}")
    if gunzip and data[:2] == _GZIP_MAGIC:
        data = _gunzip(data, cap, label, limit)
    return data


def read_text(source, *, what: str = "input", limit: str = "file-size") -> str:
    """The text of ``source`` (see :func:`read_bytes`), decoded by :func:`decode_text`."""
    if hasattr(source, "read") and isinstance(source, io.TextIOBase):
        cap = get(limit)
        text = source.read() if cap is None else source.read(cap + 1)
        if cap is not None and len(text) > cap:
            require(limit, len(text), what=f"{what}: {getattr(source, 'name', '<stream>')}")
        return text[1:] if text.startswith("\ufeff") else text
    label = what
    if isinstance(source, (str, os.PathLike)) and os.fspath(source) not in ("-", what):
        label = f"{what}: {os.fspath(source)}"
    return decode_text(read_bytes(source, what=what, limit=limit), what=label)


def decode_text(data: bytes, *, what: str = "input") -> str:
    """UTF-8 (BOM optional), or UTF-16/UTF-32 with a BOM; errors give the line and byte."""
    for bom, codec in ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
                       (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec).removeprefix("\ufeff")  # a BOM written twice
            except UnicodeDecodeError as exc:
                raise ValueError(f"{what}: not valid {codec.upper()} text (byte {exc.start + len(bom) + 1})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ValueError(f"{what}: line {line}: not UTF-8 text (byte {exc.start + 1}); expected UTF-8, or UTF-16 "
                         "with a byte-order mark") from None


def _read_path(name: str, cap, label: str, limit: str) -> bytes:
    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer before we can refuse it
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ValueError(f"{label}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{label}: is a directory; expected a file") from None
    except OSError as exc:
        raise ValueError(f"{label}: cannot read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise ValueError(f"{label}: is a directory; expected a file")
        if not stat.S_ISREG(info.st_mode):
            raise ValueError(f"{label}: not a regular file (a device, FIFO or socket); expected a file")
        if cap is not None and info.st_size > cap:
            require(limit, info.st_size, what=label)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=False) as handle:
            return _read_capped(handle, cap, label, limit)
    except OSError as exc:
        raise ValueError(f"{label}: cannot read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def _read_capped(stream, cap, label: str, limit: str):
    if cap is None:
        return stream.read()
    data = stream.read(cap + 1)
    if len(data) > cap:
        require(limit, len(data), what=f"{label} (read so far)")
    return data


def gunzip(data: bytes, *, what: str = "input", limit: str = "file-size", watch=None) -> bytes:
    """Inflate gzip ``data`` (one member or several), refusing past the limit ``limit``.

    ``watch(out)``, when given, sees the bytes inflated so far after every
    mebibyte and may raise: a format whose header says how long it is (IDX)
    refuses a bomb right after the header instead of at the size limit.
    """
    return _gunzip(data, get(limit), what, limit, watch)


def _gunzip(data: bytes, cap, label: str, limit: str, watch=None) -> bytes:
    out = bytearray()
    rest = data
    try:
        while rest:  # a .gz file may hold several members, one after another
            inflater = zlib.decompressobj(wbits=31)
            chunk = rest
            while chunk:
                out += inflater.decompress(chunk, _CHUNK)
                if cap is not None and len(out) > cap:
                    require(limit, len(out), what=f"{label} (decompressed so far)")
                if watch is not None:
                    watch(out)
                chunk = inflater.unconsumed_tail
            if not inflater.eof:
                raise ValueError(f"{label}: gzip data ends early (truncated file)")
            rest = inflater.unused_data
    except zlib.error as exc:
        raise ValueError(f"{label}: not a valid gzip file ({exc})") from None
    return bytes(out)



_NON_FINITE = re.compile(r"-?\b(?:NaN|Infinity)\b")


def load_json(text: str, *, what: str = "JSON", allow_nan: bool = False):
    """Parse JSON text, refusing nesting deeper than the limit ``nesting``.

    ``NaN`` and ``Infinity`` are not JSON: refused with their line unless
    ``allow_nan``. Errors are ValueErrors that give ``what``, the line and
    the column.
    """
    try:
        data = json.loads(text, parse_constant=None if allow_nan else _refuse_constant)
    except _NonFinite as exc:
        match = _NON_FINITE.search(text)
        line = text[:match.start()].count("\n") + 1 if match else 0
        raise ValueError(f"{what}: line {line}: {exc.token} is not a JSON number; give a number "
                         "(or null where the format allows it)") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}: not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:  # Python's own cap on integer digits (4300), met while parsing
        if "digits" not in str(exc):
            raise
        raise LimitError(f"{what}: a JSON number has more than {sys.get_int_max_str_digits()} digits; the limit "
                         f"digits is {get('digits')}") from None
    except RecursionError:
        raise LimitError(f"{what}: brackets nested too deep to read (over 900 levels; the limit nesting is "
                         f"{get('nesting')})") from None
    require("nesting", json_depth(data), what=f"{what}: brackets nested")
    return data


def json_depth(data) -> int:
    """The nesting depth of parsed JSON (a scalar is 0, ``[1]`` is 1), without recursion."""
    deepest = 0
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            value = list(value.values())
        if isinstance(value, list):
            depth += 1
            deepest = max(deepest, depth)
            stack.extend((item, depth) for item in value if isinstance(item, (list, dict)))
    return deepest


class _NonFinite(ValueError):
    def __init__(self, token: str):
        super().__init__(token)
        self.token = token


def _refuse_constant(token: str):
    raise _NonFinite(token)
