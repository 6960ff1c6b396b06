"""Checking a student's PrefixSpan answer: entries by content, the root cause, what follows, the misconception.

The answer is a chain: the supports of the 1-sequences decide the frequent
items; each frequent item is a prefix whose projected database is written out;
the extensions of a prefix are counted in its projected database, and the
frequent ones listed. :func:`prefixspan_checker` compares every part in the
student's terms (``support of <(ab)>``, ``the <a>-projected database,
sequence 20``), matching entries by content, and its ``diagnose`` recomputes
each value from the student's own earlier values:

* an extra (or missing) projected database follows from an extra (or missing)
  frequent 1-sequence; a projected sequence in the paper's form follows from
  the student's frequent items;
* an extension's support, and whether it is listed, follows when it equals the
  count in the student's own projected database (or the student's own
  min_support);
* a support of the list of all patterns follows when the student wrote the
  same value for the same pattern in ``frequent_1`` or ``extensions``.

A misconception of :data:`CATALOGUE` is named where recomputing with its wrong
rule (from the database, or from the student's projected database) gives the
student's values, and no value of the same list was worked by the right rule
where the two differ.

Marks (weights): one per value (a support, a projected sequence, the presence
of an entry: its ``pattern``, ``prefix`` or ``kind``); a missing entry costs
what its given fields would have earned; an unexpected entry or sequence costs
one. The ``form`` of a projected database earns nothing (it names a notation):
either form, strict or the paper's, is accepted.
"""
from __future__ import annotations

import math
import re

from ..numerics import prefixspan as engine
from ..numerics.seqdb import parse_sequence, sort_items
from .check import Checker, Misconception, Unordered, scalar_reason
from .exact import parse_number
from .prefixspan import PROJECTIONS, _count_extensions, _project, _Projected

__all__ = ["CATALOGUE", "Checker", "prefixspan_checker"]

CATALOGUE = (
    Misconception("missing-underscore-source",
                  "An item x extends the prefix's last itemset from two places, both counted: after the prefix's "
                  "items in the underscore itemset (_x), and in any later itemset that holds the whole last "
                  "itemset together with x.", "iext_1"),
    Misconception("count-occurrences",
                  "Support counts sequences, not occurrences: a pattern counts once in each sequence that "
                  "contains it, however often it occurs there.", "counts"),
    Misconception("last-occurrence",
                  "A sequence is projected from the first occurrence of the prefix (the earliest match), "
                  "not from the last one.", "projected_1"),
    Misconception("keep-empty",
                  "A sequence whose postfix is empty (nothing after the prefix) is dropped from the projected "
                  "database.", "projected_1"),
    Misconception("strict-threshold",
                  "A pattern is frequent when its support is at least min_support (>=), including a support "
                  "equal to it.", "counts"),
)

_EMPTY_WORDS = {"", "<>", "()", "-", "∅", "{}", "(empty)", "empty", "none", "<(_)>", "(_)", "<_>", "_"}
_KIND_WORDS = {"new_itemset": ("new_itemset", "new itemset", "s", "s-extension", "sequence extension",
                               "s-ext", "new-itemset", "sequence"),
               "into_last_itemset": ("into_last_itemset", "into last itemset", "i", "i-extension",
                                     "itemset extension", "i-ext", "element", "into-last-itemset", "itemset")}
_FIELDS = {"frequent_1": ("pattern", "support"), "extensions": ("prefix", "pattern", "kind", "support"),
           "patterns": ("pattern", "support")}


# ===================================================================== values
def support_reason(expected, given, n: int) -> str | None:
    """Why a given support differs from the count ``expected``, or None: a count, or a fraction of the
    ``n`` sequences written as a percentage (``50%``), a fraction (``2/4``) or a decimal up to 1 (``0.5``)."""
    reason = scalar_reason(expected, given)
    if reason is None or n <= 0 or isinstance(given, (bool, int)):
        return reason
    text = str(given).strip() if not isinstance(given, float) else repr(given)
    relative = text.endswith("%") or "/" in text
    if not relative:
        try:
            value = parse_number(given)
        except (ValueError, TypeError):
            return reason
        relative = ("." in text or "e" in text.lower()) and 0 < value <= 1
    if not relative:
        return reason
    import sympy as sp
    if scalar_reason(sp.Rational(int(expected), n), given) is None:
        return None
    return reason


def _is_empty(text) -> bool:
    return text is None or (isinstance(text, str) and text.strip().lower() in _EMPTY_WORDS)


def _kind(text):
    if not isinstance(text, str):
        return text
    t = text.strip().lower().replace("–", "-")
    for kind, words in _KIND_WORDS.items():
        if t in words:
            return kind
    return text


# ============================================================ the checker
def prefixspan_checker(worked) -> Checker:
    """The :class:`Checker` of one worked PrefixSpan (``worked`` is its ``_Worked``)."""
    canonical = worked.canonical
    n = worked.n

    def support(location, expected, given):
        return support_reason(expected, given, n)

    def normalize(given: dict) -> dict:
        return _canonical_answer(given, canonical)

    def key(name):
        def k(entry):
            return canonical(entry[name])
        return k

    return Checker(
        unordered={"frequent_1": Unordered(key("pattern"), what="pattern"),
                   "extensions": Unordered(key("pattern"), what="extension"),
                   "patterns": Unordered(key("pattern"), what="pattern")},
        scalars={"min_support": support, "frequent_1[*].support": support, "extensions[*].support": support,
                 "patterns[*].support": support},
        parts={"projected": lambda value, comparer: _compare_projected(worked, value, comparer)},
        normalize=normalize,
        subject=lambda loc: _subject(worked, loc),
        explain=lambda loc: _explain(worked, loc),
        weight=lambda loc: _weight(worked, loc),
        diagnose=lambda findings, result: _Diagnosis(worked, findings, result).run(),
        catalogue=CATALOGUE)


def _canonical_answer(given: dict, canonical) -> dict:
    """The student's answer in the result's notation: patterns canonical, kinds by their JSON names."""
    def fix(text, partial=False):
        if not isinstance(text, str):
            return text
        try:
            return canonical(text, partial)
        except (ValueError, TypeError):
            return text

    def entries(value, fields):
        if not isinstance(value, list):
            return value
        out = []
        for e in value:
            if isinstance(e, dict):
                e = dict(e)
                for f in fields:
                    if f in e:
                        e[f] = fix(e[f])
                if "kind" in e:
                    e["kind"] = _kind(e["kind"])
                if isinstance(e.get("sequences"), list):
                    e["sequences"] = [fix(s, True) for s in e["sequences"]]
            out.append(e)
        return out

    out = dict(given)
    for k in ("frequent_1", "extensions", "patterns"):
        if k in out:
            out[k] = entries(out[k], ("pattern", "prefix"))
    if "projected" in out:
        out["projected"] = entries(out["projected"], ("prefix",))
    return out


# --------------------------------------------------------- subjects, marks
_LOC = re.compile(r"(?P<key>frequent_1|extensions|patterns|projected)\[(?P<i>\d+)\](?:\.(?P<field>\w+))?"
                  r"(?:\[(?P<k>\d+)\])?\Z")


def _answer(worked):
    return worked.answer if getattr(worked, "answer", None) is not None else {}


def _subject(worked, location: str) -> str:
    if location == "min_support":
        return "min_support (a count of sequences)"
    m = _LOC.match(location)
    answer = _answer(worked)
    if not m or m["key"] not in answer or int(m["i"]) >= len(answer[m["key"]]):
        return ""
    key, entry, field = m["key"], answer[m["key"]][int(m["i"])], m["field"]
    if key == "projected":
        p = entry["prefix"]
        if field == "sequences" and m["k"] is not None:
            k = int(m["k"])
            sids = entry["sequence_ids"]
            return f"the {p}-projected database, sequence {sids[k]}" if k < len(sids) else \
                f"the {p}-projected database"
        if field == "form":
            return f"the form of the {p}-projected database"
        return f"the {p}-projected database"
    pattern = entry["pattern"]
    where = " in the list of all patterns" if key == "patterns" else ""
    if field == "support":
        return f"support of {pattern}{where}"
    if field in ("kind", "prefix"):
        return f"{field} of {pattern}"
    return f"pattern {pattern}{where}"


def _explain(worked, location: str) -> str:
    """Where the expected support of an entry is counted: the sequences (and, for an element, the source)."""
    m = _LOC.match(location)
    answer = _answer(worked)
    if not m or m["field"] != "support" or m["key"] not in ("frequent_1", "extensions"):
        return ""
    entries = answer.get(m["key"], [])
    if int(m["i"]) >= len(entries):
        return ""
    pt = _prefix_of(worked, entries[int(m["i"])]["pattern"])
    if pt is None:
        return ""
    if m["key"] == "frequent_1":
        sids = worked.item_sids.get(pt[0][0], [])
        return f"{worked.fmt(pt)} is in sequences {{{', '.join(worked.ids[k] for k in sids)}}}"
    last = pt[-1]
    if len(last) == 1:
        prefix = pt[:-1]
        projected = [pr for pr in (_project(s, prefix, k) for k, s in enumerate(worked.db)) if pr is not None]
        _, s_found = _count_extensions(projected, prefix[-1])
        return f"counted in {{{', '.join(worked.ids[k] for k in s_found.get(last[0], []))}}}"
    prefix = pt[:-1] + (last[:-1],)
    projected = [pr for pr in (_project(s, prefix, k) for k, s in enumerate(worked.db)) if pr is not None]
    i_found, _ = _count_extensions(projected, prefix[-1])
    via = [f"{worked.ids[k]} via {worked._source(src, last[-1])}" for k, src in i_found.get(last[-1], [])]
    return "counted in " + ", ".join(via)


def _weight(worked, location: str) -> int:
    m = _LOC.match(location)
    answer = _answer(worked)
    if not m or m["key"] not in answer or int(m["i"]) >= len(answer[m["key"]]):
        return 1
    if m["field"] == "form":
        return 0
    if m["field"] is None and m["k"] is None:
        entry = answer[m["key"]][int(m["i"])]
        if m["key"] == "projected":
            return 1 + len(entry["sequences"])
        return len(_FIELDS[m["key"]])
    return 1


# ================================================================ projections
def _reference(worked, prefix, form: str, frequent=None) -> dict:
    """{sequence index: postfix text} of the ``prefix``-projected database in ``form`` (kept sequences only)."""
    out = {}
    for k, seq in enumerate(worked.db):
        pr = _project(seq, prefix, k)
        if pr is None:
            continue
        pr = _shown(pr, form, worked.frequent_set if frequent is None else frequent)
        if not pr.empty:
            out[k] = worked.fmt_projected(pr)
    return out


def _shown(pr, form: str, frequent) -> _Projected:
    if form != "paper":
        return pr
    partial = tuple(x for x in pr.partial if x in frequent)
    rest = tuple(t for t in (tuple(x for x in a if x in frequent) for a in pr.rest) if t)
    return _Projected(pr.index, partial, rest)


def _last_occurrence(seq, prefix, index: int):
    """The postfix after the LAST itemset that can complete ``prefix`` (the wrong rule), or None."""
    head = _project(seq, prefix[:-1], index) if len(prefix) > 1 else _Projected(index, (), tuple(seq))
    if head is None:
        return None
    start = len(seq) - len(head.rest)
    last = prefix[-1]
    for j in range(len(seq) - 1, start - 1, -1):
        if set(last) <= set(seq[j]):
            a = seq[j]
            return _Projected(index, tuple(a[a.index(last[-1]) + 1:]), tuple(seq[j + 1:]))
    return None


def _prefix_of(worked, text):
    """A pattern text as itemset tuples of the database's items, or None."""
    if not isinstance(text, str):
        return None
    try:
        dialect = "separated" if ("," in text or '"' in text) else worked.dialect
        seq, partial = parse_sequence(text, dialect=dialect, what="answer")
    except (ValueError, TypeError):
        return None
    if not seq or partial:
        return None
    return tuple(tuple(sort_items(worked.by_name.get(x, x) for x in a)) for a in seq)


def _read_postfix(worked, text, index: int):
    """A student's projected sequence as a _Projected (None when unreadable); empty words give an empty one."""
    if _is_empty(text):
        return _Projected(index, (), ())
    if not isinstance(text, str):
        return None
    try:
        dialect = "separated" if ("," in text or '"' in text) else worked.dialect
        seq, partial = parse_sequence(text, dialect=dialect, partial=True, what="answer")
    except (ValueError, TypeError):
        return None
    seq = tuple(tuple(sort_items(worked.by_name.get(x, x) for x in a)) for a in seq)
    if partial:
        return _Projected(index, seq[0], seq[1:])
    return _Projected(index, (), seq)


def _sid_index(worked, sid):
    text = str(sid).strip() if not isinstance(sid, bool) else None
    try:
        return worked.ids.index(text)
    except ValueError:
        return None


def _student_sequences(worked, entry, reference: dict) -> tuple[list, list]:
    """The student's (sid index or None, sid as written, text) triples of one projected database, and problems."""
    sids, seqs = entry.get("sequence_ids"), entry.get("sequences")
    problems = []
    if seqs is not None and not isinstance(seqs, list):
        return [], ["sequences: expected a list of projected sequences"]
    if sids is not None and not isinstance(sids, list):
        return [], ["sequence_ids: expected a list of sequence ids"]
    if sids is None and seqs is None:
        return [], []
    if sids is None:  # matched by position when the counts agree, else by content
        order = list(reference)
        if len(seqs) == len(order):
            return [(k, worked.ids[k], s) for k, s in zip(order, seqs)], problems
        by_text = {}
        for k, t in reference.items():
            by_text.setdefault(t, k)
        out = []
        for s in seqs:
            k = by_text.pop(s, None) if isinstance(s, str) else None
            out.append((k, None if k is None else worked.ids[k], s))
        return out, problems
    if seqs is None:
        return [(_sid_index(worked, sid), sid, reference.get(_sid_index(worked, sid), "")) for sid in sids], problems
    if len(sids) != len(seqs):
        problems.append(f"{len(sids)} sequence_ids but {len(seqs)} sequences")
    return [(_sid_index(worked, sid), sid, s) for sid, s in zip(sids, seqs)], problems


def _choose_form(worked, prefix, entry) -> str:
    """The form the student's projected database is compared with: as named, else the closer one."""
    form = entry.get("form")
    if form in PROJECTIONS:
        return form
    scores = {}
    for f in (worked.projection,) + tuple(x for x in PROJECTIONS if x != worked.projection):
        ref = _reference(worked, prefix, f)
        given, _ = _student_sequences(worked, entry, ref)
        scores[f] = sum(1 for k, _, s in given if k is not None and ref.get(k) == s)
    best = max(scores.values())
    return next(f for f in scores if scores[f] == best)


def _compare_projected(worked, value, comparer) -> None:
    """The ``projected`` key: databases matched by prefix, sequences by their SID."""
    expected = comparer.result.answer.get("projected", [])
    if not isinstance(value, list):
        comparer.differ("projected", "a list of projected databases", value, "expected a list")
        return
    index = {e["prefix"]: i for i, e in enumerate(expected)}
    seen = set()
    for j, entry in enumerate(value):
        loc = f"projected[given {j + 1}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str):
            comparer.differ(loc, "a projected database {prefix, sequence_ids, sequences}", entry,
                            "cannot read this projected database")
            continue
        p = entry["prefix"]
        if p in seen:
            comparer.differ(loc, "(once)", entry, "projected database given twice")
            comparer.found[-1].subject = f"the {p}-projected database"
            continue
        seen.add(p)
        if p not in index:
            prefix = _prefix_of(worked, p)
            if prefix is None:
                reason = "not expected: cannot read the prefix"
            else:
                sup = sum(engine.contains(s, prefix) for s in worked.db)
                reason = (f"not expected: {p} is not frequent (support {sup} < min_support {worked.minsup})"
                          if sup < worked.minsup else f"not expected: {p} is not a prefix this exercise projects on")
            comparer.differ(loc, "(no such projected database)", entry, reason)
            comparer.found[-1].subject = f"the {p}-projected database"
            continue
        i = index[p]
        comparer.counted(1, f"projected[{i}].prefix")
        _compare_one(worked, i, expected[i], entry, comparer)
    for p, i in index.items():
        if p not in seen:
            comparer.differ(f"projected[{i}]", f"the {p}-projected database", "(missing)",
                            "missing projected database")


def _compare_one(worked, i, expected, entry, comparer) -> None:
    p = expected["prefix"]
    prefix = _prefix_of(worked, p)
    form = entry.get("form")
    if form is not None and form not in PROJECTIONS:
        comparer.differ(f"projected[{i}].form", " or ".join(PROJECTIONS), form, "unknown form")
    form = _choose_form(worked, prefix, entry)
    ref = _reference(worked, prefix, form)
    given, problems = _student_sequences(worked, entry, ref)
    for problem in problems:
        comparer.differ(f"projected[{i}].sequences", "as many sequence_ids as sequences", problem, problem)
    if "sequences" not in entry and "sequence_ids" not in entry:
        return
    positions = {k: r for r, k in enumerate(ref)}
    got = {}
    for j, (k, sid, text) in enumerate(given):
        if k is not None and k in got:
            comparer.differ(f"projected[{i}].sequences[given {j + 1}]", "(once)", text,
                            f"sequence {sid} given twice")
            comparer.found[-1].subject = f"the {p}-projected database, sequence {sid}"
            continue
        if k is None or k not in ref:
            subject = f"the {p}-projected database, sequence {sid}" if sid is not None else \
                f"the {p}-projected database, sequence {text}"
            if k is None:
                reason = f"not expected: no sequence has the id {sid}" if sid is not None else \
                    "not expected: no sequence has this postfix"
            else:
                pr = _project(worked.db[k], prefix, k)
                if pr is None:
                    reason = f"not expected: sequence {sid} does not contain {p}, so it is dropped"
                elif pr.empty:
                    reason = f"not expected: sequence {sid} has nothing after {p} (an empty postfix is dropped)"
                else:
                    reason = (f"not expected: sequence {sid} has no frequent item after {p} "
                              "(dropped in the paper's form)")
            comparer.differ(f"projected[{i}].sequences[given {j + 1}]", "(dropped)", text, reason)
            comparer.found[-1].subject = subject
            continue
        got[k] = text
    for k, r in positions.items():
        loc = f"projected[{i}].sequences[{r}]"
        comparer.counted(1, loc)
        subject = f"the {p}-projected database, sequence {worked.ids[k]}"
        if k not in got:
            comparer.differ(loc, ref[k], "(missing)", f"missing sequence {worked.ids[k]}")
        elif got[k] != ref[k]:
            comparer.differ(loc, ref[k], got[k], "differs" + ("" if form == worked.projection
                                                             else f" (compared in the {form} form)"))
        else:
            continue
        comparer.found[-1].subject = subject


# ================================================================== diagnose
def _count_variants(projected: list, last: tuple) -> dict:
    """Extension counts of a projected database by the right rule and by the wrong ones.

    {rule: {(kind, item): count}}: rules ``right``, ``later-only`` and ``underscore-only`` (the
    element-of-last-itemset count from one source), ``occurrences`` (every occurrence counted)."""
    out = {r: {} for r in ("right", "later-only", "underscore-only", "occurrences")}
    contrib = {}  # (kind, item) -> set of sequence indices (right rule)

    def add(rule, key, c=1):
        out[rule][key] = out[rule].get(key, 0) + c

    for pr in projected:
        if pr.empty:
            continue
        under = set(pr.partial)
        later: dict = {}
        for a in pr.rest:
            if last and set(last) <= set(a):
                for y in a[a.index(last[-1]) + 1:]:
                    later[y] = later.get(y, 0) + 1
        for y in under | set(later):
            key = ("into_last_itemset", y)
            add("right", key)
            contrib.setdefault(key, set()).add(pr.index)
            add("occurrences", key, (y in under) + later.get(y, 0))
            if y in under:
                add("underscore-only", key)
            if y in later:
                add("later-only", key)
        s_occ: dict = {}
        for a in pr.rest:
            for y in a:
                s_occ[y] = s_occ.get(y, 0) + 1
        for y, c in s_occ.items():
            key = ("new_itemset", y)
            add("right", key)
            contrib.setdefault(key, set()).add(pr.index)
            add("occurrences", key, c)
    out["contrib"] = contrib
    return out


_RULE_ID = {"later-only": "missing-underscore-source", "underscore-only": "missing-underscore-source",
            "occurrences": "count-occurrences", "strict": "strict-threshold"}


class _Diagnosis:
    """The teaching assistant's reading, in the order the worked solution computes."""

    def __init__(self, worked, findings, result):
        self.w, self.f, self.result = worked, findings, result
        self.n = worked.n
        self.given = findings.given
        self.t = worked.minsup  # the student's threshold
        self.t_loc = None
        self.names: dict = {}   # misconception id -> locations
        self.steps: dict = {}   # location -> step label

    # --- helpers -------------------------------------------------------------
    def eq(self, count, given) -> bool:
        return support_reason(count, given, self.n) is None

    def disc(self, prefix: str):
        return [d for d in self.f.found if d.location == prefix or d.location.startswith(prefix + "[")
                or d.location.startswith(prefix + ".")]

    def name(self, mid, loc):
        if self.f.at(loc) is not None and self.f.at(loc).cause == "root":
            self.names.setdefault(mid, []).append(loc)

    def follows(self, loc, root):
        if root is not None and self.f.at(loc) is not None and self.f.at(root) is not None:
            self.f.follows(loc, root)

    def given_list(self, key):
        value = self.given.get(key)
        return value if isinstance(value, list) else []

    def run(self) -> None:
        self.min_support()
        self.frequent_1()
        self.projected()
        self.extensions()
        self.patterns()
        self.finish()

    # --- min_support ---------------------------------------------------------
    def min_support(self) -> None:
        d = self.f.at("min_support")
        if d is None or "min_support" not in self.given:
            return
        try:
            value = parse_number(self.given["min_support"])
        except (ValueError, TypeError):
            return
        text = str(self.given["min_support"]).strip()
        if value <= 0:
            return
        if value < 1 or text.endswith("%") or "/" in text or (value == 1 and "." in text):
            value = max(1, math.ceil(value * self.n))  # a fraction of the sequences, as resolve_min_support reads it
        if value == int(value):
            self.t, self.t_loc = int(value), "min_support"

    # --- step 1 --------------------------------------------------------------
    def frequent_1(self) -> None:
        w = self.w
        exp = self.result.answer["frequent_1"]
        self.item_loc = {}      # item -> discrepancy location of its frequent_1 entry (extra or missing)
        self.student_items = set()
        sup = {x: len(s) for x, s in w.item_sids.items()}
        occ = {x: sum(x in a for seq in w.db for a in seq) for x in w.item_sids}
        self.sup, self.occ = sup, occ
        listed = {}   # item -> given support
        self.student_frequent = set(w.frequent)
        for j, e in enumerate(self.given_list("frequent_1")):
            if isinstance(e, dict):
                pt = _prefix_of(w, e.get("pattern"))
                if pt and len(pt) == 1 and len(pt[0]) == 1:
                    x = pt[0][0]
                    self.student_items.add(x)
                    listed[x] = (j, e.get("support"))
        if "frequent_1" not in self.given:
            self.student_items = set(w.frequent)
            return
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        candidates = {"count-occurrences": [], "strict-threshold": []}
        refuted = set()
        for x, (j, g) in listed.items():
            p = w.fmt(((x,),))
            if g is None:
                continue
            if sup[x] != occ[x] and self.eq(sup[x], g):
                refuted.add("count-occurrences")
            if self.eq(self.t, g):
                refuted.add("strict-threshold")
            if p in index:
                loc = f"frequent_1[{index[p]}].support"
                self.steps[loc] = "counts"
                if self.f.at(loc) is not None and occ[x] != sup[x] and self.eq(occ[x], g):
                    candidates["count-occurrences"].append(loc)
            else:
                loc = f"frequent_1[given {j + 1}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.item_loc[x] = loc
                self.steps[loc] = "counts"
                d.reason = (f"not expected: <{x}> is in {sup[x]} sequence(s), below min_support {self.w.minsup}"
                            if sup[x] else f"not expected: {p} does not occur in the database")
                if self.t_loc and sup[x] >= self.t and self.eq(sup[x], g):
                    self.follows(loc, self.t_loc)
                elif occ[x] >= self.t and self.eq(occ[x], g):
                    candidates["count-occurrences"].append(loc)
        for i, e in enumerate(exp):
            loc = f"frequent_1[{i}]"
            d = self.f.at(loc)
            if d is None:
                continue
            x = w.frequent[i]
            self.item_loc[x] = loc
            self.steps[loc] = "counts"
            d.reason = f"missing pattern: its support {sup[x]} reaches min_support {w.minsup}"
            if self.t_loc and sup[x] < self.t:
                self.follows(loc, self.t_loc)
            elif sup[x] == self.t:
                candidates["strict-threshold"].append(loc)
            elif sup[x] > self.t:  # left out although > would keep it
                refuted.add("strict-threshold")
        for mid, locs in candidates.items():
            if mid not in refuted:
                for loc in locs:
                    self.name(mid, loc)
        self.student_frequent = {x for x in self.student_items if x in w.item_sids}

    # --- step 2 --------------------------------------------------------------
    def projected(self) -> None:
        w = self.w
        exp = self.result.answer["projected"]
        self.proj_loc = {}     # prefix text -> {sequence index or None: location}
        self.student_db = {}   # prefix text -> list of _Projected (the student's own)
        index = {e["prefix"]: i for i, e in enumerate(exp)}
        for j, entry in enumerate(self.given_list("projected")):
            if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str):
                continue
            p = entry["prefix"]
            prefix = _prefix_of(w, p)
            if prefix is None or p in self.student_db:
                continue
            form = _choose_form(w, prefix, entry)
            ref = _reference(w, prefix, form)
            given, _ = _student_sequences(w, entry, ref)
            own = []
            for k, sid, text in given:
                pr = _read_postfix(w, text, k if k is not None else -1 - len(own))
                if pr is not None:
                    own.append(pr)
            self.student_db[p] = own
            if p not in index:
                loc = f"projected[given {j + 1}]"
                self.proj_loc[p] = {None: loc}
                self.steps[loc] = "counts"
                if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                continue
            i = index[p]
            label = f"projected_{i + 1}"
            locs = {}
            positions = list(ref)
            for d in self.disc(f"projected[{i}]"):
                self.steps[d.location] = label
                m = re.search(r"\.sequences\[(\d+)\]\Z", d.location)
                g = re.search(r"\.sequences\[given (\d+)\]\Z", d.location)
                if m:
                    locs[positions[int(m.group(1))]] = d.location
                elif g and int(g.group(1)) - 1 < len(given):
                    k = given[int(g.group(1)) - 1][0]
                    locs[k if k is not None else d.location] = d.location
            self.proj_loc[p] = locs
            self._projection_rules(i, p, prefix, form, ref, given, locs)
        for p, i in index.items():
            loc = f"projected[{i}]"
            if self.f.at(loc) is None:
                continue
            self.steps[loc] = f"projected_{i + 1}"
            self.proj_loc[p] = {None: loc}
            prefix = _prefix_of(w, p)
            if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                self.follows(loc, self.item_loc[prefix[0][0]])

    def _projection_rules(self, i, p, prefix, form, ref, given, locs) -> None:
        """Last-occurrence, keep-empty, and the paper's form recomputed from the student's frequent items."""
        w = self.w
        text = {k: s for k, _, s in given if k is not None}
        last = {}
        for k, seq in enumerate(w.db):
            pr = _last_occurrence(seq, prefix, k)
            if pr is not None:
                pr = _shown(pr, form, w.frequent_set)
                last[k] = "" if pr.empty else w.fmt_projected(pr)
        own_paper = _reference(w, prefix, "paper", self.student_frequent) if form == "paper" else None
        cand = {"last-occurrence": [], "keep-empty": []}
        refuted = set()
        for k in set(ref) | set(last):
            right = ref.get(k, "")
            if last.get(k, "") != right and k in text and text[k] == right:
                refuted.add("last-occurrence")
        empties = [k for k, seq in enumerate(w.db) if k not in ref and _project(seq, prefix, k) is not None]
        if not any(k in text for k in empties) and empties:
            refuted.add("keep-empty")
        for k, loc in locs.items():
            if not isinstance(k, int) or k < 0:
                continue
            d = self.f.at(loc)
            g = text.get(k)
            if own_paper is not None and own_paper.get(k, "") == (g or "") and own_paper.get(k, "") != ref.get(k, ""):
                diff = [x for x in (self.student_frequent ^ w.frequent_set) if x in self.item_loc
                        and any(x in a for a in w.db[k])]
                if diff:
                    self.follows(loc, self.item_loc[sort_items(diff)[0]])
                    continue
            if k in last and last[k] != ref.get(k, "") and ((g is None and last[k] == "") or g == last[k]):
                cand["last-occurrence"].append(loc)
            if k in empties and d is not None and _is_empty(g if g is not None else "<>"):
                cand["keep-empty"].append(loc)
        for mid, ls in cand.items():
            if mid not in refuted:
                for loc in ls:
                    self.name(mid, loc)

    # --- step 3 --------------------------------------------------------------
    def extensions(self) -> None:
        w = self.w
        if "extensions" not in self.given:
            return
        exp = self.result.answer["extensions"]
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        labels = {p: k for k, p in enumerate((w.fmt(pt) for pt in w.prefixes), 1)}
        # the student's entries, by pattern
        listed = {}
        for j, e in enumerate(self.given_list("extensions")):
            if isinstance(e, dict) and isinstance(e.get("pattern"), str) and e["pattern"] not in listed:
                listed[e["pattern"]] = (j, e.get("support"))
        # every pattern to judge: (pattern tuple, its prefix tuple, kind, item)
        judged = {}
        for text in list(index) + list(listed):
            pt = _prefix_of(w, text)
            if pt is None:
                continue
            last = pt[-1]
            y = last[-1]
            if len(last) == 1:
                prefix, kind = pt[:-1], "new_itemset"
            else:
                prefix, kind = pt[:-1] + (last[:-1],), "into_last_itemset"
            if prefix:
                judged[text] = (pt, prefix, kind, y)
        counts = {}
        for text, (pt, prefix, kind, y) in judged.items():
            p = w.fmt(prefix)
            if p not in counts:
                true_db = [pr for pr in (_project(s, prefix, k) for k, s in enumerate(w.db)) if pr is not None]
                own = self.student_db.get(p, true_db)
                counts[p] = (_count_variants(true_db, prefix[-1]), _count_variants(own, prefix[-1]))
        cand: dict = {}
        refuted: set = set()
        for text, (pt, prefix, kind, y) in judged.items():
            p = w.fmt(prefix)
            true, own = counts[p]
            key = (kind, y)
            T, r = true["right"].get(key, 0), own["right"].get(key, 0)
            label = (f"iext_{labels[p]}" if kind == "into_last_itemset" else f"sext_{labels[p]}") \
                if p in labels else "counts"
            rules = ("later-only", "underscore-only", "occurrences") if kind == "into_last_itemset" \
                else ("occurrences",)
            root = self._projection_root(p, key, true, own, prefix)
            if text in listed:
                j, g = listed[text]
                if g is not None:
                    for rule in rules:
                        if own[rule].get(key, 0) != r and self.eq(r, g):
                            refuted.add((p, rule))
                    if self.eq(self.t, g):
                        refuted.add(("*", "strict"))
                if text in index:
                    loc = f"extensions[{index[text]}].support"
                    self.steps[loc] = label
                    if self.f.at(loc) is None:
                        continue
                    if self.eq(r, g) and r != T and root:
                        self.follows(loc, root)
                        continue
                    for rule in rules:
                        wv = own[rule].get(key, 0)
                        if wv != r and self.eq(wv, g):
                            cand.setdefault((p, rule), []).append(loc)
                    continue
                loc = f"extensions[given {j + 1}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.steps[loc] = label
                d.subject = f"pattern {text}"
                d.reason = (f"not expected: support {T} < min_support {w.minsup}" if p in labels
                            else f"not expected: {p} is not a prefix this exercise extends")
                own_count = g is None or self.eq(r, g)
                if p not in labels and own_count and len(prefix) == 1 and len(prefix[0]) == 1 \
                        and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                    continue
                if p not in labels and own_count and p in self.proj_loc and None in self.proj_loc[p]:
                    self.follows(loc, self.proj_loc[p][None])
                    continue
                if r >= self.t and (g is None or self.eq(r, g)):
                    self.follows(loc, root if r != T else self.t_loc)
                    if self.f.at(loc).cause == "follows":
                        continue
                for rule in rules:
                    wv = own[rule].get(key, 0)
                    if wv >= self.t and (g is None or self.eq(wv, g)):
                        cand.setdefault((p, rule), []).append(loc)
            elif text in index:
                loc = f"extensions[{index[text]}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.steps[loc] = label
                d.reason = f"missing extension: its support {T} reaches min_support {w.minsup}"
                if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                    continue
                if p in self.proj_loc and None in self.proj_loc[p]:
                    self.follows(loc, self.proj_loc[p][None])
                    continue
                if r < self.t:
                    self.follows(loc, root if r != T else self.t_loc)
                    if self.f.at(loc).cause == "follows":
                        continue
                if r == self.t:
                    cand.setdefault(("*", "strict"), []).append(loc)
                elif not any(own[rule].get(key, 0) < self.t for rule in rules):
                    refuted.add(("*", "strict"))  # left out although > would keep it
                for rule in rules:
                    if own[rule].get(key, 0) < self.t:
                        cand.setdefault((p, rule), []).append(loc)
        for (p, rule), locs in cand.items():
            if (p, rule) not in refuted:
                for loc in locs:
                    self.name(_RULE_ID[rule], loc)

    def _projection_root(self, p, key, true, own, prefix):
        """The student's projected sequence whose contribution to ``key`` differs from the right one."""
        locs = self.proj_loc.get(p)
        if not locs:
            return None
        if None in locs:
            return locs[None]
        mine, right = own["contrib"].get(key, set()), true["contrib"].get(key, set())
        differ = [k for k in sorted(mine ^ right, key=lambda k: (k < 0, abs(k))) if k in locs]
        if differ:
            return locs[differ[0]]
        return next(iter(locs.values()))

    # --- the list of all patterns ----------------------------------------------
    def patterns(self) -> None:
        if "patterns" not in self.given or "patterns" not in self.result.answer:
            return
        exp = self.result.answer["patterns"]
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        earlier = {}  # pattern -> (given support, location of its discrepancy)
        for key, fields in (("frequent_1", "support"), ("extensions", "support")):
            ex = {e["pattern"]: i for i, e in enumerate(self.result.answer.get(key, []))}
            for j, e in enumerate(self.given_list(key)):
                if isinstance(e, dict) and isinstance(e.get("pattern"), str):
                    p = e["pattern"]
                    loc = f"{key}[{ex[p]}].support" if p in ex else f"{key}[given {j + 1}]"
                    earlier.setdefault(p, (e.get("support"), loc))
            for p, i in ex.items():
                if self.f.at(f"{key}[{i}]") is not None:
                    earlier.setdefault(p, (None, f"{key}[{i}]"))
        listed = {}
        for j, e in enumerate(self.given_list("patterns")):
            if isinstance(e, dict) and isinstance(e.get("pattern"), str):
                listed.setdefault(e["pattern"], (j, e.get("support")))
        strict_cand, refuted = [], any(g is not None and self.eq(self.t, g) for _, g in listed.values())
        for p, (j, g) in listed.items():
            loc = f"patterns[{index[p]}].support" if p in index else f"patterns[given {j + 1}]"
            d = self.f.at(loc)
            if d is None:
                continue
            self.steps[loc] = "patterns"
            if p not in index:
                d.subject = f"pattern {p} in the list of all patterns"
                pt = _prefix_of(self.w, p)
                sup = sum(engine.contains(s, pt) for s in self.w.db) if pt else 0
                d.reason = f"not expected: support {sup} < min_support {self.w.minsup}"
            if p in earlier and self.f.at(earlier[p][1]) is not None and earlier[p][0] is not None and (
                    g is None or str(earlier[p][0]) == str(g) or self._same(earlier[p][0], g)):
                self.follows(loc, earlier[p][1])
        for p, i in index.items():
            loc = f"patterns[{i}]"
            d = self.f.at(loc)
            if d is None:
                continue
            self.steps[loc] = "patterns"
            s = exp[i]["support"]
            d.reason = f"missing pattern: its support {s} reaches min_support {self.w.minsup}"
            if p in earlier and self.f.at(earlier[p][1]) is not None and re.fullmatch(r"\w+\[\d+\]", earlier[p][1]):
                self.follows(loc, earlier[p][1])
            elif s == self.t:
                strict_cand.append(loc)
        if not refuted:
            for loc in strict_cand:
                self.name("strict-threshold", loc)

    def _same(self, a, b) -> bool:
        try:
            return parse_number(a) == parse_number(b)
        except (ValueError, TypeError):
            return False

    # --- the steps, the subjects, the marks of missing entries ------------------
    def finish(self) -> None:
        for mid, locs in self.names.items():
            self.f.name(mid, locs)
        for loc, label in self.steps.items():
            d = self.f.at(loc)
            if d is None:
                continue
            try:
                n = self.result.step_number(label)
            except KeyError:
                continue
            d.step = n
            d.step_why = _why(self.result, n)
        for key in ("frequent_1", "extensions", "patterns"):
            entries = [e for e in self.given_list(key) if isinstance(e, dict)]
            fields = {f for e in entries for f in e if f in _FIELDS[key]}
            for j, e in enumerate(self.given_list(key)):
                d = self.f.at(f"{key}[given {j + 1}]")
                if d is not None and isinstance(e, dict) and not d.subject.startswith("pattern"):
                    where = " in the list of all patterns" if key == "patterns" else ""
                    d.subject = f"pattern {e.get('pattern')}{where}"
            for i, e in enumerate(self.result.answer.get(key, [])):
                d = self.f.at(f"{key}[{i}]")
                if d is not None:
                    d.possible = len(fields) if fields else d.possible
                    d.expected = f"{e['pattern']} with support {e['support']}"


def _why(result, n: int) -> str:
    from .check import words_text
    return words_text(dict(result.numbered_steps())[n].why, result)
