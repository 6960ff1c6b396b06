"""A folder of output files written all or nothing: ``workedout demo``, ``exam`` and ``grade``.

:class:`StagedFolder` checks the target folder before any work, stages every
file in a temporary folder beside it, and moves them in together when the
block ends without an error (or removes them all when it does not), so a
failed run leaves no partial output. A new target folder is the staged
folder renamed into place; in an existing one each file is renamed over its
old name, never written through a link (a link or a file where a folder is
needed is refused, and nothing is written).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["StagedFolder"]


class StagedFolder:
    """``with StagedFolder(outdir, prefix=".workedout-exam-") as out: out.put("keys/variant-1.json", text)``.

    Parameters
    ----------
    outdir : path
        The folder to write into (created, or updated file by file).
    prefix : str
        The temporary folder's name prefix (a dot file beside ``outdir``).
    folders : iterable of str
        Sub-folders the run will write into, checked before any work
        (a link or a file at one of them is refused).
    """

    def __init__(self, outdir, *, prefix: str, folders=()):
        self.outdir = Path(outdir)
        if self.outdir.exists() and not self.outdir.is_dir():
            raise ValueError(f"-o: {str(self.outdir)!r} exists and is not a directory")
        self.parent = self.outdir.resolve().parent
        if not self.parent.is_dir():
            raise ValueError(f"-o: parent directory {str(self.parent)!r} does not exist")
        self.prefix = prefix
        self.written: list[str] = []
        self._folders(list(folders), create=False)

    def __enter__(self) -> "StagedFolder":
        self._tmp = tempfile.TemporaryDirectory(prefix=self.prefix, dir=self.parent)
        self.stage = Path(self._tmp.name)
        return self

    def put(self, name: str, content: str | bytes) -> None:
        """Stage the file ``name`` (a relative path, ``/``-separated) with ``content`` (text as UTF-8)."""
        path = self.stage / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        if name not in self.written:
            self.written.append(name)

    def __exit__(self, kind, value, traceback) -> None:
        try:
            if kind is None:
                self._folders([str(Path(n).parent) for n in self.written], create=True)
                self._move_into_place()
        finally:
            self._tmp.cleanup()

    @property
    def files(self) -> list[Path]:
        """The files written, as paths inside ``outdir``."""
        return [self.outdir / name for name in self.written]

    def _folders(self, folders: list[str], *, create: bool) -> None:
        """The sub-folders of an existing ``outdir``: refused when one is a link or not a folder; made with
        ``create`` (nothing is written through a link)."""
        if not self.outdir.exists():
            return
        needed = sorted({str(p) for f in folders for p in (Path(f), *Path(f).parents) if str(p) != "."}, key=len)
        for folder in needed:
            path = self.outdir / folder
            if os.path.islink(path) or (path.exists() and not path.is_dir()):
                raise ValueError(f"-o: {str(path)!r} is not a plain directory; nothing was written")
            if create and not path.exists():
                path.mkdir()

    def _move_into_place(self) -> None:
        outdir = self.outdir.resolve()  # -o itself may be a link; links inside it are not followed
        if not os.path.lexists(outdir):
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(self.stage, 0o777 & ~mask)  # mkdtemp makes 0700; give the mode mkdir would
            os.rename(self.stage, outdir)
            self.stage.mkdir()  # an empty folder for the temporary directory's clean-up to remove
            return
        clashes = [n for n in self.written if os.path.isdir(outdir / n) and not os.path.islink(outdir / n)]
        if clashes:
            raise ValueError(f"-o: {str(outdir / clashes[0])!r} is a directory where a file of that name is to be "
                             "written (nothing was written)")
        for name in self.written:
            os.replace(self.stage / name, outdir / name)
