r"""PrefixSpan worked by hand: frequent 1-sequences, projected databases, extensions, the mining tree.

The course exercise (Pei, Han et al., *PrefixSpan: mining sequential patterns
efficiently by prefix-projected pattern growth*, ICDE 2001): given a sequence
database and a minimum support,

1. count every item once per sequence that holds it: the frequent
   1-sequences;
2. for a frequent prefix :math:`\alpha`, write the :math:`\alpha`-projected
   database: of each sequence, the suffix after the *first* occurrence of
   :math:`\alpha`, where the rest of the itemset that completed
   :math:`\alpha` stays as a first itemset written with an underscore
   (``<(_d)c(bc)(ae)>``), and sequences without an occurrence, or with nothing
   after it, are dropped (the paper's tables also drop infrequent items;
   both forms are offered);
3. in it, count the items that extend :math:`\alpha` as an element of its last
   itemset (``<(ab)>``: from ``(_b)``, and from any *later* itemset holding the
   whole last itemset of :math:`\alpha` together with ``b``) and as a new
   itemset (``<ab>``); the frequent ones are the frequent
   :math:`(|\alpha|+1)`-sequences with prefix :math:`\alpha`;
4. optionally, recurse: the whole mining tree and every sequential pattern.

Everything here is worked the textbook way on itemset tuples, and every step
is checked against the independent engine :mod:`numerics.prefixspan`
(pseudo-projection on positions, a numba kernel) or its containment count.
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral

import sympy as sp

from ..markup import Tex
from ..result import Chain, Checker, Display, Given, InlineMath, Result, Section, Step, Table, checked, words
from ...numerics import limits
from ...numerics import prefixspan_reference
from ...numerics.seqdb import (SequenceDatabase, format_sequence, from_sequences, parse_sequence,
                            read_sequence_db, sort_items)
from ...numerics.thresholds import resolve_min_support
from ._rules import PROJECTIONS, Projected, count_extensions, extend, is_prefix, project

__all__ = ["prefixspan", "PAPER_DB"]

#: The example database of the PrefixSpan paper (Pei, Han et al., ICDE 2001, Table 1), with its SIDs.
PAPER_DB = """\
10 <a(abc)(ac)d(cf)>
20 <(ad)c(bc)(ae)>
30 <(ef)(ab)(df)cb>
40 <eg(af)cbc>
"""

_EMPTY = InlineMath(Tex(r"\emptyset"), "(none)")
_MAX_ROWS = 200         # rows of one table shown (the JSON always has everything)
_TREE_ROWS = 34         # mining-tree rows per table (a LaTeX tabular does not break across pages)
_MAX_TREE = 150         # mining-tree nodes shown
_PATTERN_ROWS = 25      # rows of the pattern tables (three pattern/support pairs per row)
_MAX_PATTERNS = 900     # patterns shown
_MAX_CLOSED_PAIRS = 2_000_000  # pattern pairs compared by the definition of closed; past it, one-item deletions


# ======================================================================= API
def prefixspan(db, min_support, *, prefix=None, all_patterns: bool = False, closed: bool = False,
               max_length: int | None = None, projection: str = "strict",
               input_format: str = "auto") -> Result:
    r"""Work PrefixSpan on a sequence database.

    Parameters
    ----------
    db : str, SequenceDatabase or list of sequences
        Text in the hand notation (``<a(abc)(ac)d(cf)>`` one per line), SPMF
        or JSON (see :mod:`numerics.seqdb`), or a Python list of sequences of
        itemsets.
    min_support : int, str, float or Fraction
        A count of sequences (``2``) or a fraction of them (``"0.25"``,
        ``"1.0"``), by :func:`numerics.thresholds.resolve_min_support`.
    prefix : str or pattern, optional
        The prefix of steps 2 and 3 (``"<a>"``, any frequent pattern);
        default: every frequent item in turn.
    all_patterns : bool
        Also work the whole mining tree and list every sequential pattern.
    closed : bool
        List only the closed patterns (implies ``all_patterns``).
    max_length : int, optional
        Longest pattern (number of items) in the tree and list (implies ``all_patterns``).
    projection : {"strict", "paper"}
        ``strict`` keeps every item in the projected databases; ``paper`` also
        drops the items that are not frequent, as the paper's tables do.
    input_format : {"auto", "hand", "spmf", "json"}
        How to read ``db`` when it is text.

    Returns
    -------
    Result
        Answer keys: ``min_support`` (the count), ``frequent_1`` (list of
        ``pattern``, ``support``), ``projected`` (list of ``prefix``,
        ``form``, ``sequence_ids``, ``sequences``), ``extensions`` (list of
        ``prefix``, ``pattern``, ``kind``, ``support``: the frequent ones), and
        with ``all_patterns`` ``patterns`` (list of ``pattern``, ``support``).
    """
    data = _database(db, input_format)
    if projection not in PROJECTIONS:
        raise ValueError(f"projection: {projection!r} is not one of {', '.join(PROJECTIONS)}")
    max_length = _max_length(max_length)
    all_patterns = all_patterns or closed or max_length is not None
    return _Worked(data, min_support, prefix, all_patterns, closed, max_length, projection).result()


def _database(db, input_format: str) -> SequenceDatabase:
    if isinstance(db, SequenceDatabase):
        return db
    if isinstance(db, str):
        return read_sequence_db(db, format=input_format, source="DB")
    return from_sequences(db, what="db")


def _max_length(value):
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"max_length: expected a positive integer, got {value!r}")
    try:
        n = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"max_length: expected a positive integer, got {value!r}") from None
    if n < 1 or (not isinstance(value, Integral) and str(value).strip() != str(n)):
        raise ValueError(f"max_length: expected a positive integer, got {value!r}")
    return n


# ================================================================ the work
class _Worked:
    def __init__(self, data: SequenceDatabase, min_support, prefix, all_patterns, closed, max_length, projection):
        self.data = data
        self.db = data.sequences
        self.ids = data.ids
        self.n = len(self.db)
        self.counts = data.counts
        self.weighted = data.weighted
        self.total = data.total  # the sequences, each counted its number of times
        self.min_support_given = min_support
        self.minsup = resolve_min_support(min_support, self.total, what="min_support")
        self.all_patterns, self.closed, self.max_length = all_patterns, closed, max_length
        self.projection = projection
        self.dialect = data.dialect
        if prefixspan_reference.is_hand_sized(data):  # pure Python: no numba to load or compile for a textbook DB
            self.engine, self.engine_name = prefixspan_reference, "numerics.prefixspan_reference"
        else:
            from ...numerics import prefixspan as engine
            self.engine, self.engine_name = engine, "numerics.prefixspan"
        self._parts: dict = {}  # (itemset, partial) -> its text in the notation
        self._db_text: list | None = None
        self.steps: list = []
        self.sources: dict = {}
        self.notes: list = []
        # step 1 data
        self.item_sids = self._count_items()
        self.frequent = [x for x in self.item_sids if self.sup(self.item_sids[x]) >= self.minsup]
        self.frequent_set = set(self.frequent)
        self.by_name = {str(x): x for x in self.item_sids}  # items as written -> items (SPMF: integers)
        self._mined: dict = {}  # max_length -> the engine's patterns, mined once
        self.prefixes = self._prefixes(prefix)
        self._estimate()
        self.projector = self.engine.Projector(self.data)  # the engine's pseudo-projections, encoded once

    def _how(self) -> str:
        """How the patterns checked against were found, for the check sentences."""
        if self.engine_name == "numerics.prefixspan":
            return " (the engine's pseudo-projection on positions)"
        return " (pure Python, from containment)"

    # --- the work, estimated before it starts -----------------------------------
    def _estimate(self) -> None:
        """Refuse (limit ``patterns``) before working more patterns than the limit allows.

        The engine counts, without decoding them, the patterns the worked
        result expands: with ``all_patterns`` every pattern of the tree (one
        item longer with ``closed``, to decide closedness), otherwise the
        frequent 1- and 2-sequences (the prefixes and their frequent
        extensions). The count stops one past the limit, so a refusal costs
        at most the limit's work in the kernel.
        """
        if not self.n:
            return
        cap = limits.get("patterns")
        if self.all_patterns:
            depth = None if self.max_length is None else self.max_length + (1 if self.closed else 0)
            how = "worked with --all" + (f" up to length {self.max_length}" if self.max_length else "")
        else:
            depth = max([2] + [sum(len(a) for a in p) + 1 for p in self.prefixes])
            how = "its prefixes and their frequent extensions worked"
        count = self.engine.count_patterns(self.data, self.minsup, max_length=depth,
                                      stop_after=None if cap is None else int(cap))
        self.n_estimated = count
        limits.require("patterns", count, what=f"DB at min_support {self.minsup}, {how}")

    def mined(self, max_length):
        """The engine's patterns up to ``max_length`` (mined once per length)."""
        if max_length not in self._mined:
            self._mined[max_length] = self.engine.prefixspan(self.data, self.minsup, max_length=max_length) \
                if self.n else []
        return self._mined[max_length]

    # --- supports with counts ----------------------------------------------------
    def sup(self, indices) -> int:
        """The support of the sequences ``indices`` (each counted its number of times)."""
        return sum(self.counts[k] for k in indices)

    def sup_cell(self, indices):
        """A support as a table shows it: with counts, the sum worked (``20 + 10 = 30``)."""
        total = self.sup(indices)
        if not self.weighted:
            return total
        if len(indices) < 2:
            return str(total)  # one kind of cell in the column, so that it aligns as one
        return " + ".join(str(self.counts[k]) for k in indices) + f" = {total}"

    # --- notation -----------------------------------------------------------
    def fmt(self, seq, partial: bool = False) -> str:
        """:func:`numerics.seqdb.format_sequence`, each itemset written once and remembered (the same
        itemsets recur in every projected database)."""
        parts = self._parts
        out = []
        for k, a in enumerate(seq):
            key = (a if type(a) is tuple else tuple(a), partial and k == 0)
            text = parts.get(key)
            if text is None:
                text = parts[key] = format_sequence((a,), dialect=self.dialect, partial=key[1])[1:-1]
            out.append(text)
        return "<" + ("" if self.dialect == "compact" else ", ").join(out) + ">"

    @property
    def db_text(self) -> list:
        """Every sequence of the database in the notation (written once)."""
        if self._db_text is None:
            self._db_text = [self.fmt(seq) for seq in self.db]
        return self._db_text

    def fmt_projected(self, pr: Projected) -> str:
        return self.fmt(((pr.partial,) if pr.partial else ()) + pr.rest, partial=bool(pr.partial))

    def canonical(self, text: str, partial: bool = False) -> str:
        """A student's pattern (or projected sequence) re-written canonically; raises on bad input."""
        dialect = "separated" if ("," in text or '"' in text) else self.dialect
        seq, is_partial = parse_sequence(text, dialect=dialect, partial=partial, what="answer")
        items = [tuple(sort_items(self.by_name.get(x, x) for x in a)) for a in seq]  # 2 before 10
        return format_sequence(items, dialect=self.dialect, partial=is_partial)

    # --- step 1 ---------------------------------------------------------------
    def _count_items(self) -> dict:
        sids: dict = {}
        for k, seq in enumerate(self.db):
            for x in sort_items({x for a in seq for x in a}):
                sids.setdefault(x, []).append(k)
        return {x: sids[x] for x in sort_items(sids)}

    def _prefixes(self, prefix) -> list:
        if prefix is None:
            return [((x,),) for x in self.frequent]
        if isinstance(prefix, str):
            dialect = "separated" if ("," in prefix or '"' in prefix) else self.dialect
            parsed, _ = parse_sequence(prefix, dialect=dialect, what="prefix")
            if not parsed:
                raise ValueError(f"prefix: {prefix!r} is empty; give a frequent pattern such as <a>")
            for a in parsed:
                for x in a:
                    if x not in self.by_name:
                        raise ValueError(f"prefix: item {x!r} of {prefix} does not occur in the database")
            pattern = tuple(tuple(sort_items(self.by_name[x] for x in a)) for a in parsed)
        else:
            pattern = tuple(tuple(sort_items(set(a))) for a in prefix)
            if not pattern or not all(pattern):
                raise ValueError(f"prefix: expected a non-empty pattern, got {prefix!r}")
        sup = self.engine.support(self.data, pattern)
        if sup < self.minsup:
            length = sum(len(a) for a in pattern)
            if length == 1:
                frequent = [self.fmt(((x,),)) for x in self.frequent]
                what = "the frequent 1-sequences"
            else:
                found = self.mined(length)
                frequent = [self.fmt(p) for p, _ in found if sum(len(a) for a in p) == length]
                what = f"the frequent {length}-sequences"
            listed = ", ".join(frequent[:15]) + (f", ... ({len(frequent)} in all)" if len(frequent) > 15 else "")
            tail = f"{what} are {listed}" if frequent else f"no {what[4:]} at this min-support"
            raise ValueError(f"prefix: {self.fmt(pattern)} is not frequent (support {sup} < min-support "
                             f"{self.minsup}); {tail}")
        return [pattern]

    # --- projections, the textbook way ----------------------------------------
    def project(self, prefix) -> list:
        """For each sequence: None (no occurrence) or its Projected (maybe empty), strict form."""
        return [project(seq, prefix, k) for k, seq in enumerate(self.db)]

    def shown(self, pr: Projected | None) -> Projected | None:
        """The projection in the chosen form (paper: infrequent items dropped)."""
        if pr is None or self.projection == "strict":
            return pr
        keep = self.frequent_set
        partial = tuple(x for x in pr.partial if x in keep)
        rest = tuple(t for t in (tuple(x for x in a if x in keep) for a in pr.rest) if t)
        return Projected(pr.index, partial, rest)

    # --- the result -----------------------------------------------------------
    def result(self) -> Result:
        self._step_database()
        self._step_min_support()
        self._step_counts()
        projected_answer, extensions_answer = [], []
        from ...numerics.progress import note
        for i, prefix in enumerate(self.prefixes, 1):
            note(f"projecting prefix {i} of {len(self.prefixes)}")  # a progress bar's label, when one is shown
            p, e = self._steps_prefix(i, prefix)
            projected_answer.append(p)
            extensions_answer += e
        for k, e in enumerate(extensions_answer):
            self.sources[f"extensions[{k}]"] = e.pop("_label")
            # a support, or a missing entry, is decided by the count of its kind (two sources for an element)
            self.sources[f"extensions[{k}].support"] = self.sources[f"extensions[{k}]"].replace(
                "frequent_ext_", "iext_" if e["kind"] == "into_last_itemset" else "sext_")
        answer = {
            "min_support": self.minsup,
            "frequent_1": [{"pattern": self.fmt(((x,),)), "support": self.sup(self.item_sids[x])}
                           for x in self.frequent],
            "projected": projected_answer,
            "extensions": extensions_answer,
        }
        if self.all_patterns:
            note("the mining tree")
            answer["patterns"] = self._steps_tree()
        self.sources.update({"min_support": "min_support", "frequent_1": "frequent_1"})
        if self.item_sids:  # a support, and whether an item is frequent, are decided in the counts table
            self.sources["frequent_1"] = "counts"
        if self.all_patterns:
            self.sources["patterns"] = "closed" if self.closed else "patterns"
        self.answer = answer
        givens = [Given("sequences", self.n)]
        if self.weighted:
            givens.append(Given("sequences with their counts", self.total))
        givens += [Given("min_support", self.minsup),
                  Given("prefix", ", ".join(self.fmt(p) for p in self.prefixes) if self.prefixes else "none"),
                  Given("projection", self.projection)]
        if self.max_length is not None:
            givens.append(Given("max_length", self.max_length))
        if self.closed:
            givens.append(Given("patterns", "closed only"))
        title = (f"PrefixSpan: sequential patterns of {self.n} sequence{'s' if self.n != 1 else ''} "
                 f"at min_support {self.minsup}")
        return Result(
            kind="prefixspan", title=title, givens=givens, steps=self.steps, answer=answer,
            sources=self.sources, notes=self.notes,
            intro=words("PrefixSpan (Pei, Han et al., ICDE 2001) grows sequential patterns prefix by prefix: "
                        "find the frequent items, project the database on each frequent prefix, and "
                        "find the frequent items of each projected database. Support counts sequences, "
                        "not occurrences."),
            checker=self.checker())

    def checker(self) -> Checker:
        """Entries matched by content in any order, diagnosed (:mod:`._check`)."""
        from ._check import prefixspan_checker
        return prefixspan_checker(self)

    def _step_database(self) -> None:
        self.steps.append(Section("Step 1: frequent 1-sequences", words(
            "One scan of the database counts, for every item, the sequences that contain it.")))
        if not self.db:
            self.steps.append(Step(Display(_EMPTY), why=words("The database is empty: it has no sequences, "
                                                              "hence no patterns."), label="database"))
            return
        rows = [[sid, self.fmt(seq)] + ([c] if self.weighted else [])
                for sid, seq, c in zip(self.ids, self.db, self.counts)]
        why = ["The sequence database. The items inside an itemset form a set, written sorted; "
               "parentheses only around itemsets of two or more items."]
        if self.weighted:
            why.append(f" A row's count is how many times the sequence occurs (as in 20 customers bought "
                       f"it): the row counts that many times in every support, {self.total} sequences in all.")
        if self.data.notes:
            why.append(" Normalised on reading: " + "; ".join(self.data.notes) + ".")
        reread = [tuple(tuple(sort_items(self.by_name[x] for x in a))
                        for a in parse_sequence(self.fmt(seq), dialect=self.dialect)[0]) for seq in self.db]
        same = reread == list(self.db)
        self.steps.append(Step(Table(["SID", "sequence"] + (["count"] if self.weighted else []),
                                     _shown(rows, self.notes, "database rows"),
                                     align="ll" + ("r" if self.weighted else "")),
                               why=words(*why),
                               check=checked("each sequence, written in the notation and read back, "
                                             "gives the same itemsets", same),
                               label="database"))

    def _step_min_support(self) -> None:
        ms = self.min_support_given
        name = InlineMath(Tex(r"\mathit{min\_sup}"), "min_sup")
        fraction = _as_fraction(ms)
        if fraction is None:
            self.steps.append(Step(Chain(name, [sp.Integer(self.minsup)]),
                                   why=words("the minimum support is a count of sequences"),
                                   label="min_support"))
            return
        f = sp.Rational(fraction.numerator, fraction.denominator)
        n = self.total
        value = sp.ceiling(f * n)
        percent = str(ms).strip() if isinstance(ms, str) and str(ms).strip().endswith("%") else None
        f_tex, f_text = ((percent[:-1].strip() + r"\%", percent[:-1].strip() + "%") if percent
                         else (sp.latex(f), str(f)))
        self.steps.append(Step(
            Chain(name, [InlineMath(Tex(r"\lceil %s \cdot %d \rceil" % (f_tex, n)),
                                    f"⌈{f_text} · {n}⌉"),
                         sp.Integer(max(1, int(value)))]),
            why=words("a fraction of the ", n, " sequences" + (" (each row counted its number of times)"
                                                               if self.weighted else "")
                      + ": the smallest count ", InlineMath(Tex("c"), "c"), " with ",
                      InlineMath(Tex(r"c \ge f \cdot n"), "c ≥ f·n"),
                      ", in exact arithmetic from the decimal as given (and at least 1)"),
            check=checked("equals numerics.thresholds.resolve_min_support",
                          max(1, int(value)) == self.minsup),
            label="min_support"))

    def _step_counts(self) -> None:
        rows = []
        for x, sids in self.item_sids.items():
            rows.append([self.fmt(((x,),)), "{" + ", ".join(self.ids[k] for k in sids) + "}", self.sup_cell(sids),
                         "yes" if self.sup(sids) >= self.minsup else "no"])
        every = dict(self.engine.prefixspan(self.data, 1, max_length=1)) if self.n else {}
        direct = every == {((x,),): self.sup(s) for x, s in self.item_sids.items()}
        if rows:
            self.steps.append(Step(
                Table(["1-sequence", "in sequences", "support", "frequent"],
                      _shown(rows, self.notes, "item-count rows"), align="llrc"),
                why=words("count each item once per sequence that contains it, however often it occurs "
                          f"there; frequent when the support is at least {self.minsup}"),
                check=checked(f"every support recomputed by {self.engine_name}.prefixspan "
                              "(min_support 1, max_length 1)", direct),
                label="counts"))
        mined = self.mined(1)
        ok = [(p, s) for p, s in mined] == [(((x,),), self.sup(self.item_sids[x])) for x in self.frequent]
        dropped = [self.fmt(((x,),)) for x in self.item_sids if x not in self.frequent_set]
        why = f"the frequent 1-sequences: the items with support at least {self.minsup}"
        if dropped:
            why += "; not frequent: " + ", ".join(dropped[:20]) + (", ..." if len(dropped) > 20 else "")
        self._pattern_steps([(((x,),), self.sup(self.item_sids[x])) for x in self.frequent], "frequent_1", why,
                            f"equals the length-1 patterns of {self.engine_name}.prefixspan", ok,
                            none="; no item reaches it, so there are no projected databases and no sequential "
                                 "patterns")

    # --- steps 2 and 3 for one prefix -------------------------------------------
    def _steps_prefix(self, i: int, prefix) -> tuple[dict, list]:
        p = self.fmt(prefix)
        last = prefix[-1]
        strict = self.project(prefix)
        shown = [self.shown(pr) for pr in strict]
        self.steps.append(Section(f"Step 2: the {p}-projected database", words(
            f"The projection of each sequence on the prefix {p}.")))
        rows, kept = [], []
        for sid, seq, pr in zip(self.ids, self.db, shown):
            if pr is None:
                cell = f"(dropped: no occurrence of {p})"
            elif pr.empty:
                cell = (f"(dropped: nothing after {p})" if strict[len(rows)].empty
                        else f"(dropped: no frequent item after {p})")
            else:
                cell = self.fmt_projected(pr)
                kept.append((sid, pr))
            rows.append([sid, self.db_text[len(rows)], cell])
        oracle = self.projector.projected_database(prefix) if self.n else []
        mine = [(pr.index, ((pr.partial,) if pr.partial else ()) + pr.rest, bool(pr.partial))
                for pr in strict if pr is not None and not pr.empty]
        same = mine == [(o.index, o.suffix, o.partial) for o in oracle]
        form = ("Strict form: every item is kept." if self.projection == "strict" else
                "The paper's form: items that are not frequent are dropped too"
                + (f" (here {', '.join(str(x) for x in self.item_sids if x not in self.frequent_set)})"
                   if len(self.frequent) < len(self.item_sids) else " (here none)")
                + ", and so are itemsets and sequences left empty.")
        why = words(f"Of each sequence keep the suffix after the first occurrence of {p}: the earliest match of "
                    "the prefix's itemsets, each in a later itemset than the one before. If the itemset that "
                    f"completes the prefix holds items after {self.fmt((last,))[1:-1]}, they stay in front, written "
                    "with an underscore, as in (_x): they can only extend the last itemset of the prefix. "
                    "Sequences with no occurrence, or nothing after it, are dropped. " + form)
        label = f"projected_{i}"
        self.steps.append(Step(Table(["SID", "sequence", f"{p}-projected"],
                                     _shown(rows, self.notes, f"rows of the {p}-projected database"), align="lll"),
                               why=why,
                               check=checked(f"the strict projection equals {self.engine_name}."
                                             "Projector.projected_database" + self._how(),
                                             same),
                               label=label))
        self.sources[f"projected[{i - 1}]"] = label
        projected = {"prefix": p, "form": self.projection, "sequence_ids": [sid for sid, _ in kept],
                     "sequences": [self.fmt_projected(pr) for _, pr in kept]}
        extensions = self._steps_extensions(i, prefix, [pr for _, pr in kept])
        return projected, extensions

    def _steps_extensions(self, i: int, prefix, projected: list) -> list:
        p = self.fmt(prefix)
        last = prefix[-1]
        last_text = self.fmt((last,))[1:-1]
        length = sum(len(a) for a in prefix) + 1
        i_counts, s_counts = count_extensions(projected, last)
        i_engine, s_engine = self.projector.extension_supports(prefix)  # the engine's pseudo-projection
        if self.projection == "paper":  # the paper's projected databases hold only the frequent items
            i_engine = {y: c for y, c in i_engine.items() if y in self.frequent_set}
            s_engine = {y: c for y, c in s_engine.items() if y in self.frequent_set}
        self.steps.append(Section(f"Step 3: extensions of {p}", words(
            f"Two ways to grow {p} by one item, counted in the {p}-projected database, each item once per "
            "sequence.")))
        # element of the last itemset
        rows = []
        for y, found in i_counts.items():
            pattern = prefix[:-1] + (tuple(sort_items(last + (y,))),)
            counted = ", ".join(f"{self.ids[k]} via {self._source(src, y)}" for k, src in found)
            ks = [k for k, _ in found]
            rows.append([self.fmt(pattern), counted, self.sup_cell(ks), "yes" if self.sup(ks) >= self.minsup else "no"])
        i_ok = i_engine == {y: self.sup(k for k, _ in f) for y, f in i_counts.items()}
        x = InlineMath(Tex("x"), "x")
        why_i = words(f"As an element of the last itemset ({last_text}): an item ", x, " counts in a sequence when "
                      "it follows the prefix's items in the underscore itemset, (_x), or when a later itemset "
                      f"holds the whole last itemset {last_text} together with ", x, ". The second source is the "
                      "one easy to forget: the first occurrence is not the only place the last itemset can be "
                      "completed.")
        self._count_table(rows, why_i, i_ok, f"iext_{i}", p, "element")
        # new itemset
        rows = []
        for y, found in s_counts.items():
            pattern = prefix + ((y,),)
            rows.append([self.fmt(pattern), "{" + ", ".join(self.ids[k] for k in found) + "}",
                         self.sup_cell(found), "yes" if self.sup(found) >= self.minsup else "no"])
        s_ok = s_engine == {y: self.sup(f) for y, f in s_counts.items()}
        why_s = words("As a new itemset after the prefix: an item ", x, " counts once in each sequence where it "
                      "occurs in an itemset after the underscore one (the items of (_x) share the prefix's itemset, "
                      "so they do not come after it).")
        self._count_table(rows, why_s, s_ok, f"sext_{i}", p, "new itemset")
        # the frequent extensions, in pattern order
        frequent = [(prefix + ((y,),), self.sup(f), "new_itemset") for y, f in s_counts.items()
                    if self.sup(f) >= self.minsup]
        frequent += [(prefix[:-1] + (tuple(sort_items(last + (y,))),), self.sup(k for k, _ in f), "into_last_itemset")
                     for y, f in i_counts.items() if self.sup(k for k, _ in f) >= self.minsup]
        mined = self.mined(length)
        expected = {pt: s for pt, s in mined if sum(len(a) for a in pt) == length and is_prefix(prefix, pt)}
        ok = expected == {pt: s for pt, s, _ in frequent}
        self._pattern_steps([(pt, s) for pt, s, _ in frequent], f"frequent_ext_{i}",
                            f"the frequent {length}-sequences with prefix {p}: the extensions with support at "
                            f"least {self.minsup} (new itemsets first, then into the last itemset)",
                            f"equals the length-{length} patterns with prefix {p} of {self.engine_name}.prefixspan",
                            ok)
        return [{"prefix": p, "pattern": self.fmt(pt), "kind": kind, "support": s, "_label": f"frequent_ext_{i}"}
                for pt, s, kind in frequent]

    def _source(self, src, y) -> str:
        if src is None:
            return self.fmt(((y,),), partial=True)[1:-1]
        return self.fmt((src,))[1:-1]

    def _count_table(self, rows, why, ok, label, p, what) -> None:
        if not rows:
            self.steps.append(Step(Display(_EMPTY), why=why + (" Here no item extends the prefix this way.",),
                                   label=label))
            return
        self.steps.append(Step(
            Table(["pattern", "counted in (SID)", "support", "frequent"],
                  _shown(rows, self.notes, f"rows of the extension counts of {p}"), align="llrc"),
            why=why,
            check=checked(f"every candidate and its support equal the counts of {self.engine_name}.Projector"
                          + self._how(), ok),
            label=label))

    # --- step 4: the mining tree ----------------------------------------------
    def _steps_tree(self) -> list:
        limit = None if self.max_length is None else self.max_length + (1 if self.closed else 0)
        nodes = []  # (pattern, support, shown projection, frequent extensions)
        self._tree_kept = 0  # nodes that keep their projection for the tree table
        root = [Projected(k, (), seq) for k, seq in enumerate(self.db)]
        for x in self.frequent:
            self._grow(((x,),), self.sup(self.item_sids[x]), [pr for pr in extend(root, (), x, "s") if not pr.empty],
                       nodes, limit)
        everything = [(pt, s) for pt, s, _, _ in nodes]
        mined = self.mined(limit)
        same = everything == mined
        length_ok = lambda pt: self.max_length is None or sum(len(a) for a in pt) <= self.max_length  # noqa: E731
        shown_nodes = [nd for nd in nodes if length_ok(nd[0])]
        self.steps.append(Section("Step 4: the mining tree", words(
            "The same two steps, recursively: every frequent pattern is a prefix whose projected database gives "
            "its frequent extensions, until no extension is frequent"
            + (f" or the length reaches {self.max_length}" if self.max_length else "") + ".")))
        blocks = []  # the rows of one node: one projected sequence, and up to three extensions, per row
        for pt, s, projected, extensions in shown_nodes[:_MAX_TREE]:
            length = sum(len(a) for a in pt)
            proj = [f"{self.ids[pr.index]}: {self.fmt_projected(pr)}" for pr in projected if not pr.empty] or ["(empty)"]
            ext = [f"{self.fmt(e)}:{es}" for e, es in extensions
                   if self.max_length is None or length < self.max_length] or ["none"]
            ext = [", ".join(ext[k:k + 3]) for k in range(0, len(ext), 3)]
            height = max(len(proj), len(ext))
            blocks.append([[self.fmt(pt) if r == 0 else "", s if r == 0 else "",
                            proj[r] if r < len(proj) else "", ext[r] if r < len(ext) else ""]
                           for r in range(height)])
        if len(shown_nodes) > _MAX_TREE:
            self.notes.append(f"The mining tree shows its first {_MAX_TREE} of {len(shown_nodes)} nodes; "
                              "the pattern list and the JSON have every pattern.")
        tables, current = [], []
        for block in blocks:  # a node's rows stay in one table
            if current and len(current) + len(block) > _TREE_ROWS:
                tables.append(current)
                current = []
            current += block
        if current:
            tables.append(current)
        for part, rows in enumerate(tables):
            self.steps.append(Step(
                Table(["prefix", "support", f"projected database ({self.projection})", "frequent extensions"],
                      rows, align="lrll"),
                why=words("each node: a frequent pattern, its projected database (SID: suffix) and its frequent "
                          "one-item extensions, found as in steps 2 and 3") if part == 0
                else words("the mining tree (continued)"),
                check=checked(f"the tree's patterns and supports equal {self.engine_name}.prefixspan"
                              + self._how(), same),
                label="tree" if part == 0 else None))
        patterns = [(pt, s) for pt, s in everything if length_ok(pt)]
        self._pattern_steps(patterns, "patterns", "every sequential pattern (pattern:support), in the order "
                                "of the tree: a prefix, then its extensions as new itemsets, then into its last "
                                "itemset", f"equals {self.engine_name}.prefixspan(min_support={self.minsup}"
                                + (f", max_length={self.max_length}" if self.max_length else "") + ")",
                                patterns == [(pt, s) for pt, s in mined if length_ok(pt)])
        if not self.closed:
            return [{"pattern": self.fmt(pt), "support": s} for pt, s in patterns]
        by_support: dict = {}
        for q, s2 in everything:
            by_support.setdefault(s2, []).append((q, sum(len(a) for a in q)))
        pairs = sum(len(by_support[s]) for _, s in patterns)
        if pairs <= _MAX_CLOSED_PAIRS:  # the definition: every longer pattern of equal support
            how_closed = "each pattern compared with every longer one of the same support"
            closed = [(pt, s) for pt, s in patterns
                      if not any(n2 > sum(len(a) for a in pt) and self.engine.contains(q, pt) for q, n2 in by_support[s])]
        else:  # too many to compare pairwise: one-item deletions suffice (see numerics.prefixspan.closed_patterns)
            how_closed = ("each pattern with one more item, of the same support, marks its one-item deletions "
                          "not closed")
            deleted = _not_closed(everything)
            closed = [(pt, s) for pt, s in patterns if pt not in deleted]
        oracle = self.engine.prefixspan(self.data, self.minsup, max_length=self.max_length, closed=True) if self.n else []
        self._pattern_steps(closed, "closed", "the closed patterns: those that no proper super-sequence "
                                f"contains with the same support ({how_closed})",
                                f"equals {self.engine_name}.prefixspan(closed=True)" + (" (one-item deletions)" if self.engine_name == "numerics.prefixspan" else " (super-sequences one item longer)"),
                                closed == oracle)
        return [{"pattern": self.fmt(pt), "support": s} for pt, s in closed]

    def _grow(self, pattern, support, projected, nodes, limit) -> None:
        """The subtree of ``pattern`` in preorder, by the textbook recursion (an explicit stack: patterns
        can be long). Only the nodes the tree table shows keep their projected database."""
        stack = [(pattern, support, projected)]
        while stack:
            pattern, support, projected = stack.pop()
            last = pattern[-1]
            i_counts, s_counts = count_extensions([pr for pr in projected if not pr.empty], last)
            extensions = [(pattern + ((y,),), self.sup(f), y, "s") for y, f in s_counts.items()
                          if self.sup(f) >= self.minsup]
            extensions += [(pattern[:-1] + (tuple(sort_items(last + (y,))),), self.sup(k for k, _ in f), y, "i")
                           for y, f in i_counts.items() if self.sup(k for k, _ in f) >= self.minsup]
            if limit is not None and sum(len(a) for a in pattern) >= limit:
                extensions = []
            length = sum(len(a) for a in pattern)
            in_table = self._tree_kept < _MAX_TREE and (self.max_length is None or length <= self.max_length)
            self._tree_kept += in_table
            shown = [self.shown(pr) for pr in projected] if in_table else None
            nodes.append((pattern, support, shown, [(e, s) for e, s, _, _ in extensions]))
            for child, s, y, kind in reversed(extensions):
                stack.append((child, s, [pr for pr in extend(projected, last, y, kind) if not pr.empty]))

    def _pattern_steps(self, patterns, label, why, how, ok, none="; there are none") -> None:
        """A list of (pattern, support) as tables of three pattern/support pairs per row, read down."""
        cells = [f"{self.fmt(pt)}" for pt, _ in patterns[:_MAX_PATTERNS]]
        sups = [s for _, s in patterns[:_MAX_PATTERNS]]
        if len(patterns) > _MAX_PATTERNS:
            self.notes.append(f"The {label} list shows {_MAX_PATTERNS} of {len(patterns)} patterns; "
                              "the JSON has all of them.")
        if not patterns:
            self.steps.append(Step(Display(_EMPTY), why=words(why + none), check=checked(how, ok),
                                   label=label))
            return
        per_table = 3 * _PATTERN_ROWS
        for part, start in enumerate(range(0, len(cells), per_table)):
            block = list(zip(cells[start:start + per_table], sups[start:start + per_table]))
            rows_n = (len(block) + 2) // 3
            rows = []
            for r in range(rows_n):  # column-major: read down, then across
                row = []
                for c in range(3):
                    k = c * rows_n + r
                    row += list(block[k]) if k < len(block) else ["", ""]
                rows.append(row)
            self.steps.append(Step(
                Table(["pattern", "support"] * 3, rows, align="lr" * 3,
                      caption=words(f"{len(patterns)} pattern{'s' if len(patterns) != 1 else ''}")
                      if part == 0 else ()),
                why=words(why) if part == 0 else words("(continued)"),
                check=checked(how, ok), label=label if part == 0 else None))


# ====================================================== the textbook helpers
def _not_closed(everything) -> set:
    """The patterns with a one-item extension of equal support among ``everything`` (a complete set)."""
    support = dict(everything)
    out = set()
    for q, s in everything:
        for i, a in enumerate(q):
            for j in range(len(a)):
                r = q[:i] + ((a[:j] + a[j + 1:],) if len(a) > 1 else ()) + q[i + 1:]
                if r and support.get(r) == s:
                    out.add(r)
    return out


def _shown(rows, notes, what):
    """The rows a table shows: at most :data:`_MAX_ROWS` (the LaTeX printer splits them across pages);
    past that, a note says the JSON has everything."""
    if len(rows) > _MAX_ROWS:
        notes.append(f"Only the first {_MAX_ROWS} of {len(rows)} {what} are shown; the JSON has everything.")
        rows = rows[:_MAX_ROWS]
    return rows


def _as_fraction(value) -> Fraction | None:
    """The fraction a min-support spells, or None for a count (the rule of resolve_min_support)."""
    if isinstance(value, bool) or isinstance(value, Integral):
        return None
    if isinstance(value, Fraction):
        return value
    text = repr(value) if isinstance(value, float) else str(value).strip()
    if text.lstrip("+-").isdigit():
        return None
    try:
        if text.endswith("%"):  # a percentage, as textbooks print it (22%)
            return Fraction(Decimal(text[:-1].strip())) / 100
        return Fraction(Decimal(text)) if "/" not in text else Fraction(text)
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None


