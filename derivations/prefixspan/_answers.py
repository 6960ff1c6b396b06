"""Reading and comparing a student's PrefixSpan answer in the student's terms (see :mod:`._check`)."""
from __future__ import annotations

import re

from ...numerics.seqdb import parse_sequence, sort_items
from ..check import scalar_reason
from ..exact import parse_number
from ._rules import PROJECTIONS, Projected, count_extensions, project


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
        projected = [pr for pr in (project(s, prefix, k) for k, s in enumerate(worked.db)) if pr is not None]
        _, s_found = count_extensions(projected, prefix[-1])
        return f"counted in {{{', '.join(worked.ids[k] for k in s_found.get(last[0], []))}}}"
    prefix = pt[:-1] + (last[:-1],)
    projected = [pr for pr in (project(s, prefix, k) for k, s in enumerate(worked.db)) if pr is not None]
    i_found, _ = count_extensions(projected, prefix[-1])
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
        pr = project(seq, prefix, k)
        if pr is None:
            continue
        pr = _shown(pr, form, worked.frequent_set if frequent is None else frequent)
        if not pr.empty:
            out[k] = worked.fmt_projected(pr)
    return out


def _shown(pr, form: str, frequent) -> Projected:
    if form != "paper":
        return pr
    partial = tuple(x for x in pr.partial if x in frequent)
    rest = tuple(t for t in (tuple(x for x in a if x in frequent) for a in pr.rest) if t)
    return Projected(pr.index, partial, rest)


def _last_occurrence(seq, prefix, index: int):
    """The postfix after the LAST itemset that can complete ``prefix`` (the wrong rule), or None."""
    head = project(seq, prefix[:-1], index) if len(prefix) > 1 else Projected(index, (), tuple(seq))
    if head is None:
        return None
    start = len(seq) - len(head.rest)
    last = prefix[-1]
    for j in range(len(seq) - 1, start - 1, -1):
        if set(last) <= set(seq[j]):
            a = seq[j]
            return Projected(index, tuple(a[a.index(last[-1]) + 1:]), tuple(seq[j + 1:]))
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
    """A student's projected sequence as a Projected (None when unreadable); empty words give an empty one."""
    if _is_empty(text):
        return Projected(index, (), ())
    if not isinstance(text, str):
        return None
    try:
        dialect = "separated" if ("," in text or '"' in text) else worked.dialect
        seq, partial = parse_sequence(text, dialect=dialect, partial=True, what="answer")
    except (ValueError, TypeError):
        return None
    seq = tuple(tuple(sort_items(worked.by_name.get(x, x) for x in a)) for a in seq)
    if partial:
        return Projected(index, seq[0], seq[1:])
    return Projected(index, (), seq)


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
                sup = worked.engine.support(worked.data, prefix)
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
                pr = project(worked.db[k], prefix, k)
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
