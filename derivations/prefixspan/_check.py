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

from ..check import Checker, Misconception, Unordered

from ._answers import _compare_projected, _explain, _kind, _subject, _weight, support_reason
from ._diagnose import _Diagnosis

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

# ============================================================ the checker
def prefixspan_checker(worked) -> Checker:
    """The :class:`Checker` of one worked PrefixSpan (``worked`` is its ``_Worked``)."""
    canonical = worked.canonical
    n = worked.total  # a percentage is of the sequences counted with their counts

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
