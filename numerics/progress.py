"""Progress bars on long work: one place decides where, and whether, they show.

Every long loop in the package (a CNN's mini-batches, a model-selection
sweep, Apriori's levels, PrefixSpan's projections, the demo's examples)
draws its bar through :func:`bar` and asks :func:`enabled` whether to show it:

* ``progress=True`` or ``False`` (a function's parameter) decides outright;
* ``None`` (the default everywhere) shows the bar when standard error is a
  terminal, or when the code runs in a Jupyter kernel, and nothing in a pipe,
  a file or a test's captured output;
* the environment variable ``WORKEDOUT_PROGRESS=1`` / ``0`` overrides the
  ``None`` default (``TQDM_DISABLE=1`` turns every tqdm bar off, as usual).

In a notebook the bar is tqdm's widget form (:mod:`tqdm.auto`) when
``ipywidgets`` is installed, else the text form on the kernel's stderr. On a
terminal it is tqdm's text bar on stderr. Nothing here imports IPython: a
kernel is recognised by ``ipykernel.zmqshell`` being loaded already.

Numba kernels never draw bars: the Python loop around them takes a
``progress`` callback (:data:`Callback`, called with the amount of work
just done) and the caller passes :meth:`tqdm.update` of a bar from here.
"""
from __future__ import annotations

import contextlib
import contextvars
import importlib.util
import os
import sys
import time
from typing import Callable, Iterable, Iterator, Sequence

__all__ = ["Callback", "enabled", "in_notebook", "bar", "stages", "Stages", "note", "finish"]

#: A progress hook an engine accepts: called with the number of work units just finished.
Callback = Callable[[int], None]

_ENV = "WORKEDOUT_PROGRESS"


def in_notebook() -> bool:
    """True inside a Jupyter kernel (notebook, JupyterLab, VS Code), False in a terminal IPython or Qt console."""
    if "ipykernel.zmqshell" not in sys.modules:
        return False
    if any(k == "QT_API" or k.startswith("SPYDER") for k in os.environ):
        return False
    try:
        shell = sys.modules["IPython"].get_ipython()
    except (KeyError, AttributeError):
        return False
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # closed, or not a file at all
        return False


def enabled(progress: bool | None = None, file=None) -> bool:
    """Whether to show a progress bar: the one decision every bar in the package takes.

    Parameters
    ----------
    progress : bool or None
        True or False decides; None (default) shows it when ``file`` (default
        ``sys.stderr``) is a terminal or the code runs in a Jupyter kernel,
        unless ``WORKEDOUT_PROGRESS`` is set to ``0`` or ``1``.
    file : stream, optional
        Where a text bar would go (default ``sys.stderr``).
    """
    if progress is not None:
        if not isinstance(progress, bool):
            raise TypeError(f"progress: got {progress!r} of type {type(progress).__name__}; "
                            "expected True, False or None")
        return progress
    env = _env()
    if env is not None:
        return env
    return in_notebook() or _isatty(sys.stderr if file is None else file)


def _env() -> bool | None:
    """``WORKEDOUT_PROGRESS``: True (``1``, ``true``, ``yes``, ``on``), False (``0``, ...), else None."""
    env = os.environ.get(_ENV, "").strip().lower()
    return True if env in ("1", "true", "yes", "on") else False if env in ("0", "false", "no", "off") else None


def _tqdm_class():
    """tqdm's widget bar in a kernel with ipywidgets (:mod:`tqdm.auto`), else the text bar."""
    if in_notebook() and importlib.util.find_spec("ipywidgets") is not None:
        from tqdm.auto import tqdm
    else:
        from tqdm.std import tqdm
    return tqdm


def bar(iterable: Iterable | None = None, *, total: int | None = None, desc: str | None = None,
        unit: str = "it", progress: bool | None = None, leave: bool = False, **kwargs):
    """A tqdm bar on stderr (or a notebook widget), disabled where :func:`enabled` says no.

    Use it as tqdm: iterate over it, or ``with bar(total=n) as b: ... b.update(1)``.
    A disabled bar costs nothing and prints nothing.
    """
    tqdm = _tqdm_class()
    show = enabled(progress)
    kwargs.setdefault("dynamic_ncols", True)
    if tqdm.__module__ == "tqdm.std":
        kwargs.setdefault("file", sys.stderr)
    return tqdm(iterable, total=total, desc=desc, unit=unit, disable=not show, leave=leave, **kwargs)


class Stages:
    """A bar over the named stages of one long piece of work (``apriori: 2/3 |###  | 00:41 working: level 3``)."""

    def __init__(self, b, names: Sequence[str]):
        self._bar, self._names, self._i, self._label, self._last = b, list(names), -1, "", 0.0

    def next(self, name: str | None = None) -> None:
        """Finish the current stage (if any) and start the next, shown by its name."""
        if self._i >= 0:
            self._bar.update(1)
        self._i += 1
        self._label = name if name is not None else (self._names[self._i] if self._i < len(self._names) else "")
        self._show(self._label)

    def note(self, text: str, *, force: bool = False) -> None:
        """Say what the current stage is doing now (``level 3: 1,200 candidates``), at most every 0.2 s."""
        now = time.monotonic()
        if force or now - self._last >= 0.2:
            self._last = now
            self._show(f"{self._label}: {text}" if self._label else text)

    def _show(self, postfix: str) -> None:
        b = self._bar
        if b.disable:
            return
        b.set_postfix_str(postfix, refresh=False)
        now = b._time()
        if now >= b.start_t + b.delay:  # not before the delay: quick work prints nothing
            b.refresh()
            b.last_print_t = now  # so close() clears what was shown

    @property
    def shown(self) -> bool:
        return not self._bar.disable


_current: contextvars.ContextVar[Stages | None] = contextvars.ContextVar("workedout_progress", default=None)


@contextlib.contextmanager
def stages(desc: str, names: Sequence[str], *, progress: bool | None = None,
           delay: float = 0.0) -> Iterator[Stages]:
    """``with stages("apriori", ["reading", "working"]) as s: s.next(); ...; s.next(); ...``: one tick per stage.

    While it is open, :func:`note` from any code below (a worked loop, an
    engine's callback) tells the bar what is being done. ``delay`` seconds
    pass before the bar first shows, so quick runs print nothing (none when
    ``progress=True`` or ``WORKEDOUT_PROGRESS=1`` asks for the bar).
    """
    if progress is True or (progress is None and _env() is True):
        delay = 0.0  # asked for: shown at once
    with bar(total=len(names), desc=desc, unit="stage", progress=progress, delay=delay,
             bar_format="{desc}: {n_fmt}/{total_fmt} |{bar:12}| {elapsed}{postfix}") as b:
        s = Stages(b, names)
        token = _current.set(s)
        try:
            yield s
            if s._i >= 0:
                b.update(1)
        finally:
            _current.reset(token)


def note(text: str) -> None:
    """Tell the open :func:`stages` bar, if any, what is being done now (cheap; throttled to 5 a second).

    Worked loops call it between steps, and pass ``lambda n: note(...)`` as
    an engine's ``progress`` callback; with no bar open it does nothing.
    """
    s = _current.get()
    if s is not None and s.shown:
        s.note(text)


def finish() -> None:
    """Close (clear) the open :func:`stages` bar, if any, before output goes to the terminal."""
    s = _current.get()
    if s is not None:
        s._bar.close()
