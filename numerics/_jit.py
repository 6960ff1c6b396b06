"""Compile kernels with numba and cache them wherever the install allows, never failing for want of a cache.

Every kernel module decorates with :func:`njit` from here instead of
``numba.njit(cache=True)``. numba's own ``cache=True`` raises
``RuntimeError: cannot cache function ...: no locator available`` at import
when the package folder is read-only and the home folder is not writable (an
unprivileged user, a read-only container). Here the compiled code is cached in
the first place that works:

1. ``NUMBA_CACHE_DIR`` when the user set it (numba's own rule);
2. the package's ``__pycache__`` when it is writable (numba's in-tree cache);
3. the user cache folder (``~/.cache/numba`` or ``$XDG_CACHE_HOME/numba``);
4. a private folder in the temporary directory, ``workedout-numba-<uid>``,
   created with mode 0700 and used only when it is a real folder owned by the
   user with no access for others (numba's index files are pickles: a folder
   another user could write to would let them run code);
5. nowhere: the kernels are compiled in every process, which is slower to start
   but correct.

A cache file that cannot be written or read later (disk full, a folder turned
read-only) is skipped in the same way, never raised.
"""
from __future__ import annotations

import os
import stat
import tempfile

import numba

__all__ = ["njit", "cache_folder"]


def njit(*args, **options):
    """``numba.njit`` with a cache that falls back instead of failing.

    Used as ``@njit`` or ``@njit(nogil=True, inline="always")``; a ``cache``
    option is accepted and ignored (caching is always attempted).
    """
    options.pop("cache", None)
    if args and callable(args[0]) and len(args) == 1 and not options:
        return _compile(args[0], {})
    if args:
        raise TypeError("njit: give options by keyword, for example njit(nogil=True)")
    return lambda func: _compile(func, options)


def cache_folder(kernel) -> str | None:
    """Where a kernel made by :func:`njit` is cached (``None``: not cached)."""
    cache = getattr(kernel, "_cache", None)
    return getattr(cache, "cache_path", None)


def _compile(func, options):
    dispatcher = numba.njit(**options)(func)
    try:
        dispatcher._cache = _FallbackFunctionCache(func)
    except Exception:  # no place at all, or a numba whose cache internals differ: no cache
        pass
    return dispatcher


def _private_temp_folder() -> str | None:
    """``$TMPDIR/workedout-numba-<uid>``, made 0700, or ``None`` when it is not safely ours."""
    getuid = getattr(os, "getuid", None)
    owner = getuid() if getuid else None
    name = f"workedout-numba-{owner if owner is not None else 'user'}"
    path = os.path.join(tempfile.gettempdir(), name)
    try:
        os.mkdir(path, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISDIR(info.st_mode):
        return None  # a symlink or a file planted under our name
    if owner is not None and (info.st_uid != owner or info.st_mode & 0o077):
        return None  # someone else's folder, or one others can reach
    return path


try:
    from numba.core import caching as _caching

    class _TempFolderLocator(_caching._SourceFileBackedLocatorMixin, _caching._CacheLocator):
        """Cache in the user's private folder in the temporary directory."""

        def __init__(self, py_func, py_file):
            self._py_file = py_file
            self._lineno = py_func.__code__.co_firstlineno
            folder = _private_temp_folder()
            if folder is None:
                raise OSError("no private temporary folder")
            self._cache_path = os.path.join(folder, self.get_suitable_cache_subpath(py_file))

        def get_cache_path(self):
            return self._cache_path

        @classmethod
        def from_function(cls, py_func, py_file):
            try:
                return super().from_function(py_func, py_file)
            except OSError:
                return None

    class _FallbackCacheImpl(_caching.CompileResultCacheImpl):
        _locator_classes = [*_caching.CompileResultCacheImpl._locator_classes, _TempFolderLocator]

    class _FallbackFunctionCache(_caching.FunctionCache):
        """numba's function cache with one more place to look, and I/O errors turned into cache misses."""

        _impl_class = _FallbackCacheImpl

        def load_overload(self, sig, target_context):
            try:
                return super().load_overload(sig, target_context)
            except (OSError, EOFError, ValueError):
                return None

        def save_overload(self, sig, data):
            try:
                super().save_overload(sig, data)
            except OSError:
                pass

except (ImportError, AttributeError):  # pragma: no cover - a numba without these internals: no cache
    class _FallbackFunctionCache:  # type: ignore[no-redef]
        def __init__(self, func):
            raise RuntimeError("numba's cache internals are not available")
