r"""Apriori worked level by level, and association rules with their arithmetic.

Conventions (stated in every result and in the README):

* a transaction is a set: a repeated item counts once; empty transactions
  count in :math:`N`; the support :math:`\sigma(X)` of an itemset is a count
  of transactions, and :math:`X` is frequent when
  :math:`\sigma(X) \ge \sigma_{\min}`;
* :math:`\sigma_{\min}` is a count (``2``) or a fraction of :math:`N`
  (``0.2``, ``1.0``), resolved exactly: :math:`\lceil f N \rceil`
  (:func:`numerics.thresholds.resolve_min_support`);
* items are ordered by the natural order of their type (integers
  numerically, names by code point); an itemset is written sorted;
* the join pairs two sorted frequent :math:`(k-1)`-itemsets that share their
  first :math:`k-2` items; a pruned candidate lists *every* infrequent
  :math:`(k-1)`-subset, not just the first found;
* no cap on the itemset size unless ``max_len`` is given;
* a rule :math:`A \Rightarrow B` comes from a frequent itemset
  :math:`A \cup B` (every non-empty proper antecedent :math:`A`); its
  conviction is :math:`+\infty` when its confidence is 1 (JSON: ``null``,
  with ``"oo"`` under ``exact``); the arrow is ⇒ in every format;
* a row ``3 x I1, I2`` of the database counts 3 times, in N and in every
  support; transaction ids (``T100``) are shown in the database table;
* decimals are shown to ``digits`` significant digits (exact fractions
  stay beside them; the JSON is exact), supports and confidences as
  percentages with ``percent``.

The worked side computes everything by the hand method (transaction-id sets
intersected, subsets looked up) in exact arithmetic, and checks each level
against :mod:`numerics.apriori` (bitset Apriori and FP-growth), an
independent implementation.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import combinations
from typing import Sequence

import sympy as sp

from ..markup import Tex
from ._check import AprioriProblem, apriori_checker
from ..result import Chain, Display, Given, InlineMath, Result, Section, Step, Table, checked, words
from ...numerics.thresholds import parse_fraction, resolve_min_support
from ...numerics.transactions import TransactionDatabase, from_transactions

__all__ = ["apriori", "parse_rule", "sweep_figure", "ALL_ELECTRONICS",
           "TABLE_ROW_LIMIT"]

#: Han, Kamber & Pei, *Data Mining: Concepts and Techniques* (3rd ed., Morgan
#: Kaufmann, 2012), Table 6.1: the transactional data of an AllElectronics
#: branch, transactions T100 ... T900, worked with a minimum support count of 2.
ALL_ELECTRONICS = [
    ["I1", "I2", "I5"], ["I2", "I4"], ["I2", "I3"], ["I1", "I2", "I4"], ["I1", "I3"],
    ["I2", "I3"], ["I1", "I3"], ["I1", "I2", "I3", "I5"], ["I1", "I2", "I3"],
]

#: Tables longer than this show their first rows and say how many are left out
#: (the JSON answer always holds everything).
TABLE_ROW_LIMIT = 200

_sigma_min = sp.Symbol("sigma_min")
_RULE_ARROW = re.compile(r"=>|->|⇒|→")
_ARROW = "⇒"  # the one rule arrow: ⇒ in text and Markdown, \Rightarrow in LaTeX
_INFINITY = InlineMath(Tex(r"\infty"), "∞")
_N = sp.Symbol("N")


def apriori(transactions, min_support, *, min_confidence=None, max_len=None, sweep=None,
            rules: Sequence | None = None, title: str | None = None, closed: bool = False,
            maximal: bool = False, rule=None, percent: bool = False, digits: int = 4,
            max_rules: int | None = None, max_patterns: int | None = None) -> Result:
    r"""Work Apriori level by level, then the association rules.

    Parameters
    ----------
    transactions : TransactionDatabase or iterable of iterables of items
        The database (see :mod:`numerics.transactions` for the files it reads).
    min_support : int, str, float or Fraction
        :math:`\sigma_{\min}`: a count (``2``, ``"2"``) or a fraction of N
        (``"0.2"``, ``"1.0"``, ``"22%"``).
    min_confidence : number or str, optional
        :math:`c_{\min}` in [0, 1] (``"0.7"``, ``"7/10"``, ``"70%"``); rules
        with :math:`\operatorname{conf} \ge c_{\min}` are marked (all rules
        are listed).
    max_len : int, optional
        Stop after this level.
    sweep : str or sequence, optional
        Minimum supports (``"0.5,0.3,0.2"``): the number of frequent itemsets
        per level for each, as a table.
    rules : sequence of str or (antecedent, consequent), optional
        Rules whose arithmetic to show (``"I1, I5 => I2"``,
        ``"{I1, I2} => {I5}"``; see :func:`parse_rule`). By default the first
        rule meeting :math:`c_{\min}` is worked as an example. When rules are
        asked and ``min_confidence`` is not, the table of every rule is not
        shown (the JSON ``rules`` still lists them).
    rule : str or (antecedent, consequent), optional
        One rule to work (added before ``rules``).
    title : str, optional
    closed, maximal : bool
        Work which frequent itemsets are closed (no frequent superset of
        equal support) and maximal (no frequent superset).
    percent : bool
        Show supports and confidences as percentages of N (display only).
    digits : int
        Significant digits of every decimal shown (the exact values and the
        JSON are unaffected).
    max_rules, max_patterns : int, optional
        List at most this many rules (``rules``), and itemsets in each list of
        itemsets (``frequent_itemsets``, each level's ``join``,
        ``candidates``, ``pruned``, ``frequent``, ``closed``, ``maximal``);
        the exact totals stay (``n_rules``, ``n_frequent_itemsets``) and
        ``left_out`` says how many entries each bounded list leaves out. Rules
        past ``max_rules`` are only counted, never worked. Default: everything.
        Check a student's answer against a result without these bounds.

    Work limits: the candidates of every level are counted first
    (:func:`numerics.apriori.count_candidates`) and refused past the limit
    ``candidates`` (:mod:`numerics.limits`); so are the rules, when every rule
    is listed or tested against ``min_confidence``.

    Returns
    -------
    Result
        Answer keys: ``n_transactions``, ``min_support_count``, ``levels``
        (each ``k``, ``join``, ``candidates``, ``pruned``, ``frequent``),
        ``frequent_itemsets``, ``rules``; ``closed`` and ``maximal`` (lists of
        ``itemset``, ``support``) when asked; ``rule`` (``antecedent``,
        ``consequent``, ``support``, ``confidence``, ``lift``, ``leverage``,
        ``conviction``) when one rule is asked, a list of them for several;
        and ``sweep`` when asked; ``n_frequent_itemsets`` and ``n_rules`` (with
        ``min_confidence``, ``n_rules_meeting_min_confidence``), and ``left_out``
        when a bound left entries out.
    """
    max_rules = _bound(max_rules, "max_rules")
    max_patterns = _bound(max_patterns, "max_patterns")
    multiplicities = None
    if isinstance(transactions, TransactionDatabase):
        db = transactions
        multiplicities = getattr(db, "multiplicities", None)  # per transaction {item: count}, where the reader keeps it
        if multiplicities is not None:
            multiplicities = [{str(x): int(n) for x, n in m.items()} for m in multiplicities]
    else:
        raw = _raw_rows(transactions)
        db = from_transactions(raw)
        multiplicities = _multiplicities(raw)
    N = db.n_transactions
    typed_support = _typed(min_support)
    s = resolve_min_support(min_support, N, what="min_support")
    c_min = _min_confidence(min_confidence)
    typed_confidence = None if min_confidence is None else _typed(min_confidence)
    max_len = _max_len(max_len)
    sweep_values = _sweep_values(sweep)
    digits = _digits(digits)
    fmt = _Numbers(digits, bool(percent), N)
    asked = ([parse_rule(rule, db.items, what="rule")] if rule is not None else []) + [
        parse_rule(r, db.items, what=f"rules {i + 1}") for i, r in enumerate(rules or [])]

    from ...numerics import apriori_reference, limits
    if apriori_reference.is_hand_sized(db):  # pure Python: no numba to load or compile for a textbook table
        numeric, engine_name = apriori_reference, "numerics.apriori_reference"
        how_counted = ("a scan of the transactions", "count by a scan of the transactions", "", "level-wise",
                       "its tid-set search (Eclat)")
    else:
        from ...numerics import apriori as numeric
        engine_name = "numerics.apriori"
        how_counted = ("popcount of the item's bitset", "popcount of ANDed bitsets", " (numba)", "bitsets",
                       "FP-growth")
    cap = limits.get("candidates")
    estimate = numeric.count_candidates(db, s, max_len=max_len, stop_after=None if cap is None else int(cap))
    limits.require("candidates", estimate.candidates,
                   what=f"DB at min support count {s}" + (f", max length {max_len}" if max_len else "")
                   + ": candidate itemsets to work" + ("" if estimate.complete else " (at least)"))
    if max_rules is None or (c_min is not None and estimate.rules > (max_rules or 0)):
        limits.require("rules", estimate.rules,
                       what=f"DB at min support count {s}: association rules to "
                            + ("list" if max_rules is None else "test against the minimum confidence")
                            + (" (list fewer with --max-rules)" if max_rules is None else ""))
    from ...numerics.progress import note
    trace = numeric.apriori_levels(db, s, max_len=max_len, progress=lambda k: note(f"mining level {k}"))
    note("FP-growth (the cross-check)")
    fp = numeric.frequent_itemsets(db, s, max_len=max_len, algorithm="fpgrowth")
    note("bitsets (the cross-check)")
    bitset = numeric.frequent_itemsets(db, s, max_len=max_len, algorithm="apriori")

    T = [frozenset(t) for t in db.transactions]
    tids: dict = {}
    for tid, t in enumerate(T, 1):
        for x in t:
            tids.setdefault(x, set()).add(tid)

    def sigma(itemset) -> int:
        sets = sorted((tids.get(x, set()) for x in itemset), key=len)
        return len(set.intersection(*sets)) if sets else N

    steps: list = [Section("The database", words(
        "A transaction is a set (a repeated item counts once); empty transactions count in N. ",
        "The support count ", InlineMath(Tex(r"\sigma(X)"), "σ(X)"),
        " of an itemset X is the number of transactions that contain every item of X; X is frequent when ",
        InlineMath(Tex(r"\sigma(X) \ge \sigma_{\min}"), "σ(X) ≥ σ_min"), "."))]
    db_rows = _db_rows(db)
    counted = any(c != 1 for _, c, _ in db_rows) or getattr(db, "counts", None) is not None
    shown = [[str(tid) if tid is not None else (str(i) if getattr(db, "tids", None) is None else ""),
              *([c] if counted else []), _fmt(t) if t else "(empty)"]
             for i, (tid, c, t) in enumerate(db_rows, 1)]
    steps.append(Step(_table(["TID", *(["count"] if counted else []), "items"], shown,
                             align="r" + ("r" if counted else "") + "l"),
                      why=words((f"the {N} transaction{'s' if N != 1 else ''}" if not counted else
                                 f"the {len(db_rows)} rows, each counted as often as its count says: "
                                 f"N = {' + '.join(str(c) for _, c, _ in db_rows[:12])}"
                                 + (" + ..." if len(db_rows) > 12 else "") + f" = {N} transactions")
                                + ", items in their natural order"
                                + (f"; {db.n_empty} empty, counted in N" if db.n_empty else "")),
                      check=checked("the counts add up to N", sum(c for _, c, _ in db_rows) == N) if counted
                      else None,
                      label="database"))
    steps.append(_threshold_step(typed_support, s, N))

    levels_answer, frequent_all = [], {}
    L_prev: list[tuple] = []
    stop_reason: tuple = ()
    for level in trace:
        k = level.k
        note(f"steps of level {k}")
        steps.append(Section(f"Level {k}", ()))
        if k == 1:
            C = {(x,): sigma((x,)) for x in db.items}
            join_rows, pruned, survivors = [], {}, list(C)
            steps.append(Step(
                _table(["candidate", _sigma_head(), f"frequent (≥ {s})"],
                       [[_fmt(c), n, "yes" if n >= s else "no"] for c, n in C.items()], align="lrc"),
                why=words(InlineMath(Tex("C_1"), "C_1"),
                          ": every item is a candidate; count the transactions containing each"),
                check=checked(f"every count equals {engine_name}'s ({how_counted[0]})",
                              C == level.candidates),
                label="count_1"))
        else:
            joined = [(p, q, p + (q[-1],)) for i, p in enumerate(L_prev) for q in L_prev[i + 1:]
                      if p[:-1] == q[:-1]]
            join_rows = joined
            same_join = {(p, q, c) for p, q, c in joined} == set(level.joined)
            if not joined:
                steps.append(Step(
                    Display(InlineMath(Tex(r"C_{%d} = \emptyset" % k), f"C_{k} = ∅")),
                    why=words("join step: no two itemsets of ", _Lk(k - 1), f" share their first {k - 2} item"
                              f"{'s' if k - 2 != 1 else ''}, so the join gives no candidate"),
                    check=checked(f"{engine_name}'s join is empty too", same_join),
                    label=f"join_{k}"))
            else:
                steps.append(Step(
                    _table([InlineMath(Tex(r"p \in L_{%d}" % (k - 1)), f"p in L_{k - 1}"),
                            InlineMath(Tex(r"q \in L_{%d}" % (k - 1)), f"q in L_{k - 1}"),
                            InlineMath(Tex(r"p \cup q"), "p ∪ q")],
                           [[_fmt(p), _fmt(q), _fmt(c)] for p, q, c in joined], align="lll"),
                    why=words("join step: ", *(["every pair of frequent items"] if k == 2 else [
                        "pairs of itemsets of ", _Lk(k - 1), f" (sorted) that share their first {k - 2} "
                        f"item{'s' if k - 2 != 1 else ''}"]), f": {len(joined)} candidate"
                        f"{'s' if len(joined) != 1 else ''}"),
                    check=checked(f"the same pairs and candidates as {engine_name}'s join{how_counted[2]}", same_join),
                    label=f"join_{k}"))
            L_set = set(L_prev)
            pruned = {c: tuple(x for x in combinations(c, k - 1) if x not in L_set) for _, _, c in joined}
            pruned = {c: subs for c, subs in pruned.items() if subs}
            survivors = [c for _, _, c in joined if c not in pruned]
            law = (all(any(x not in L_set for x in combinations(c, k - 1)) for c in pruned)
                   and all(all(x in L_set for x in combinations(c, k - 1)) for c in survivors))
            if joined:
                if k == 2:
                    steps.append(Step(
                        Display(InlineMath(Tex(r"|C_{2}| = %d" % len(joined)), f"|C_2| = {len(joined)}")),
                        why=words("prune step (the Apriori property): every 1-subset of a pair of frequent items "
                                  "is a frequent item, so nothing is pruned at level 2"),
                        check=checked(f"{engine_name} prunes nothing either", not level.pruned and not pruned),
                        label=f"prune_{k}"))
                else:
                    rows = [[_fmt(c), "; ".join(_fmt(x) for x in pruned[c]) if c in pruned else "none",
                             "pruned" if c in pruned else "kept"] for _, _, c in joined]
                    steps.append(Step(
                        _table(["candidate", InlineMath(Tex(r"\text{infrequent %d-subsets} \notin L_{%d}" % (k - 1, k - 1)),
                                                        f"infrequent {k - 1}-subsets (not in L_{k - 1})"), "verdict"],
                               rows, align="llc"),
                        why=words("prune step (the Apriori property: every subset of a frequent itemset is "
                                  f"frequent): look up each {k - 1}-subset of each candidate in ", _Lk(k - 1),
                                  f"; {len(pruned)} pruned, {len(survivors)} kept"),
                        check=checked("every pruned candidate has an infrequent subset and no kept one does; "
                                      f"the same candidates and subsets as {engine_name}",
                                      law and pruned == dict(level.pruned)),
                        label=f"prune_{k}"))
            C = {c: sigma(c) for c in survivors}
            if survivors:
                steps.append(Step(
                    _table(["candidate", _sigma_head(), f"frequent (≥ {s})"],
                           [[_fmt(c), n, "yes" if n >= s else "no"] for c, n in C.items()], align="lrc"),
                    why=words(_Ck(k), ": count the transactions containing each remaining candidate"),
                    check=checked(f"every count equals {engine_name}'s {how_counted[1]}",
                                  C == level.candidates),
                    label=f"count_{k}"))
        L_k = {c: n for c, n in C.items() if n >= s}
        frequent_all.update(L_k)
        same_level = (L_k == level.frequent
                      and {frozenset(c) for c in L_k} == {x for x in fp if len(x) == k}
                      and all(fp[frozenset(c)] == n and bitset[frozenset(c)] == n for c, n in L_k.items()))
        if L_k:
            stop = max_len is not None and k >= max_len
            steps.append(Step(
                _table(["itemset", _sigma_head()], [[_fmt(c), n] for c, n in L_k.items()], align="lr"),
                why=words(_Lk(k), f": the {len(L_k)} frequent {k}-itemset{'s' if len(L_k) != 1 else ''}"
                          + (f"; the maximum size {max_len} is reached: stop" if stop else "")),
                check=checked(f"equal to the frequent {k}-itemsets and counts of {engine_name} "
                              f"({how_counted[3]}) and of {how_counted[4]}", same_level),
                label=f"L_{k}"))
            if stop:
                stop_reason = (f"stopped at the maximum itemset size {max_len}",)
        else:
            why = _empty_reason(k, N, s, bool(join_rows) or k == 1, bool(survivors))
            steps.append(Step(
                Display(InlineMath(Tex(r"L_{%d} = \emptyset" % k), f"L_{k} = ∅")),
                why=words(_Lk(k), " is empty: ", why, " Apriori stops here" +
                          (f" (no frequent {k}-itemset, so no larger one either)." if k > 1 else ".")),
                check=checked(f"{engine_name} and {how_counted[4]} find no frequent {k}-itemset either", same_level),
                label=f"L_{k}"))
            stop_reason = (_Lk(k), " is empty")
        levels_answer.append({
            "k": k,
            "join": [{"left": list(p), "right": list(q), "candidate": list(c)} for p, q, c in join_rows],
            "candidates": [{"itemset": list(c), "support": n} for c, n in C.items()],
            "pruned": [{"itemset": list(c), "infrequent_subset": [list(x) for x in subs]}
                       for c, subs in pruned.items()],
            "frequent": [{"itemset": list(c), "support": n} for c, n in L_k.items()],
        })
        L_prev = sorted(L_k)

    ordered = sorted(frequent_all, key=lambda c: (len(c), c))
    steps.append(Section("All frequent itemsets", ()))
    steps.append(Step(
        _table(["itemset", _sigma_head(), InlineMath(Tex(r"\sigma / N"), "σ/N")],
               [[_fmt(c), frequent_all[c], fmt.share(sp.Rational(frequent_all[c], N))] for c in ordered],
               align="lrr")
        if ordered else Display(InlineMath(Tex(r"L_1 \cup L_2 \cup \dots = \emptyset"), "no itemset is frequent")),
        why=words(f"{len(ordered)} frequent itemset{'s' if len(ordered) != 1 else ''} in all (", *stop_reason, ")"),
        check=checked(f"the same itemsets and counts as {engine_name} ({how_counted[3]}) and {how_counted[4]}",
                      {frozenset(c): n for c, n in frequent_all.items()} == fp == bitset),
        label="all_frequent"))

    closed_answer = maximal_answer = None
    if closed or maximal:
        closed_answer, maximal_answer, cm_steps = _closed_maximal(frequent_all, ordered, sigma, closed, maximal,
                                                                  max_len)
        steps += cm_steps
    rules_answer, rule_steps, worked_rules, worked_answer, rule_totals = _rules(
        frequent_all, N, c_min, db, sigma, asked, numeric, fmt, typed_confidence,
        listed=not asked or c_min is not None, max_rules=max_rules)
    steps += rule_steps

    answer = {
        "n_transactions": N,
        "min_support_count": s,
        "levels": levels_answer,
        "frequent_itemsets": [{"itemset": list(c), "support": frequent_all[c]} for c in ordered],
        "rules": rules_answer,
    }
    if closed:
        answer["closed"] = closed_answer
    if maximal:
        answer["maximal"] = maximal_answer
    if asked:
        answer["rule"] = worked_answer[0] if len(worked_answer) == 1 else worked_answer
    if sweep_values:
        rows, sweep_steps = _sweep(db, sweep_values, max_len, numeric)
        steps += sweep_steps
        answer["sweep"] = rows
    answer["n_frequent_itemsets"] = len(ordered)
    answer.update(rule_totals)
    extra_notes: list = []
    left_out = _bound_lists(answer, max_patterns)
    if rule_totals["n_rules"] > len(rules_answer):
        left_out["rules"] = rule_totals["n_rules"] - len(rules_answer)
    if left_out:
        answer["left_out"] = left_out
        shown = ", ".join(f"{key} {n}" for key, n in left_out.items())
        extra_notes.append(f"The JSON lists at most {max_patterns} itemsets per list and {max_rules} rules "
                        f"(--max-patterns, --max-rules); left out: {shown}. The totals n_frequent_itemsets "
                        "and n_rules are exact.")

    labels = {step.label for step in steps if isinstance(step, Step)}
    sources = {"min_support_count": "sigma_min", "frequent_itemsets": "all_frequent",
               "rules": "rules" if "rules" in labels else "rule_defs"}
    for key in ("closed", "maximal"):
        if key in answer:
            sources[key] = "closed_maximal"
    if asked:
        sources["rule"] = "rule1_support"
    for i, lv in enumerate(levels_answer):
        k = lv["k"]
        sources[f"levels[{i}]"] = f"L_{k}"
        sources[f"levels[{i}].frequent"] = f"L_{k}"
        for part, label in (("join", f"join_{k}"), ("pruned", f"prune_{k}"), ("candidates", f"count_{k}")):
            if label in labels:
                sources[f"levels[{i}].{part}"] = label
    if sweep_values:
        sources["sweep"] = "sweep"

    givens = [Given(_N, N, "transactions" + (f", {db.n_empty} empty" if db.n_empty else "")),
              Given(_sigma_min, s, f"the minimum support count, from the minimum support {typed_support}")]
    if c_min is not None:
        givens.append(Given(sp.Symbol("c_min"), c_min, "the minimum confidence"
                            + (f" {typed_confidence} as typed" if typed_confidence != str(c_min) else "")))
    if max_len is not None:
        givens.append(Given(sp.Symbol("k_max"), max_len, "the largest itemset size"))
    return Result(
        kind="apriori",
        title=title or f"Apriori: frequent itemsets and association rules (N = {N}, min support count {s})",
        givens=givens, steps=steps, answer=answer, sources=sources, notes=list(db.notes) + extra_notes,
        checker=apriori_checker(AprioriProblem(
            transactions=[frozenset(str(x) for x in t) for t in db.transactions],
            multiplicities=multiplicities, items=db.items, N=N, s=s, c_min=c_min, typed_support=typed_support,
            answer=answer, worked_rules=[(frozenset(map(str, a)), frozenset(map(str, b))) for a, b in worked_rules])))


# --------------------------------------------------------------------- rules
def parse_rule(rule, items: Sequence, *, what: str = "rule") -> tuple[tuple, tuple]:
    """Read a rule ``"A1, A2 => B1"`` (or ``[["A1", "A2"], ["B1"]]`` in JSON, or a pair of lists).

    Items are separated by commas, the two sides by ``=>`` (or ``->``, ``⇒``,
    ``→``); braces around a side are dropped (``"{I1, I2} => {I5}"``) unless
    the braced text is itself an item. For names that hold a comma or an
    arrow, write the JSON form. Every item must be one of
    ``items``; the sides must be non-empty and disjoint.
    """
    if isinstance(rule, str):
        text = rule.strip()
        if text.startswith("["):
            try:
                sides = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{what}: {text!r} is not valid JSON ({exc.msg} at column {exc.colno})") from None
        else:
            parts = _RULE_ARROW.split(text)
            if len(parts) != 2:
                raise ValueError(f"{what}: {text!r}: expected one '=>' between antecedent and consequent, "
                                 "such as 'I1, I5 => I2' or '{I1, I5} => {I2}'")
            sides = []
            for part in parts:
                part = part.strip()
                if part.startswith("{") and part.endswith("}") and part[1:-1].strip():
                    part = part[1:-1]
                sides.append([x.strip() for x in part.split(",") if x.strip()])
    else:
        sides = rule
    if not isinstance(sides, (list, tuple)) or len(sides) != 2 or not all(isinstance(x, (list, tuple)) for x in sides):
        raise ValueError(f"{what}: expected an antecedent and a consequent, such as 'I1, I5 => I2'")
    by_text = {str(x): x for x in items}
    if isinstance(rule, str) and not rule.strip().startswith("["):  # "{x}" that is an item keeps its braces
        raw = [p.strip() for p in _RULE_ARROW.split(rule.strip())]
        sides = [[p] if p in by_text else side for p, side in zip(raw, sides)]
    out = []
    for side, name in zip(sides, ("antecedent", "consequent")):
        if not side:
            raise ValueError(f"{what}: the {name} is empty; a rule needs items on both sides of '=>'")
        chosen = []
        for x in side:
            key = x if x in items else by_text.get(str(x))
            if key is None:
                raise ValueError(f"{what}: item {str(x)!r} is not in the database")
            chosen.append(key)
        out.append(tuple(sorted(set(chosen))))
    if set(out[0]) & set(out[1]):
        raise ValueError(f"{what}: antecedent and consequent share {_fmt(tuple(sorted(set(out[0]) & set(out[1]))))}; "
                         "they must be disjoint")
    return out[0], out[1]


def _metrics(sxy: int, sa: int, sb: int, N: int) -> dict:
    conf = sp.Rational(sxy, sa)
    return {
        "confidence": conf,
        "lift": sp.Rational(N * sxy, sa * sb),
        "leverage": sp.Rational(sxy, N) - sp.Rational(sa * sb, N * N),
        "conviction": sp.oo if sxy == sa else sp.Rational((N - sb) * sa, N * (sa - sxy)),
    }


def _rule_text(a, b) -> str:
    return f"{_fmt(a)} {_ARROW} {_fmt(b)}"


def _rules(frequent: dict, N: int, c_min, db, sigma, asked: list, numeric, fmt, typed_confidence,
           *, listed: bool = True, max_rules: int | None = None) -> tuple:
    AB = InlineMath(Tex(r"A \Rightarrow B"), f"A {_ARROW} B")
    steps: list = [Section("Association rules", words(
        "Every frequent itemset with at least two items gives a rule ", AB,
        " for each non-empty proper subset A, with B the rest."))]
    supp_def = ([r"\operatorname{supp}(A \Rightarrow B) &= \frac{\sigma(A \cup B)}{N}, &"]
                if fmt.percent else [r"\operatorname{supp}(A \Rightarrow B) &= \sigma(A \cup B), &"])
    steps.append(Step(
        Display(InlineMath(Tex(
            r"\begin{aligned}" + supp_def[0] +
            r"\operatorname{conf}(A \Rightarrow B) &= \frac{\sigma(A \cup B)}{\sigma(A)},\\"
            r"\operatorname{lift}(A \Rightarrow B) &= \frac{\operatorname{conf}(A \Rightarrow B)}{\sigma(B)/N}, &"
            r"\operatorname{leverage}(A \Rightarrow B) &= \frac{\sigma(A \cup B)}{N} - "
            r"\frac{\sigma(A)}{N}\cdot\frac{\sigma(B)}{N},\\"
            r"\operatorname{conviction}(A \Rightarrow B) &= "
            r"\frac{1 - \sigma(B)/N}{1 - \operatorname{conf}(A \Rightarrow B)}"
            r"\end{aligned}"),
            _left_lines([f"supp(A {_ARROW} B) = σ(A ∪ B)" + ("/N" if fmt.percent else ""),
                         f"conf(A {_ARROW} B) = σ(A ∪ B) / σ(A)",
                         f"lift(A {_ARROW} B) = conf(A {_ARROW} B) / (σ(B)/N)",
                         f"leverage(A {_ARROW} B) = σ(A ∪ B)/N - (σ(A)/N)(σ(B)/N)",
                         f"conviction(A {_ARROW} B) = (1 - σ(B)/N) / (1 - conf(A {_ARROW} B))"]))),
        why=words("the five metrics of a rule: the support is "
                  + ("a fraction of N, shown as a percentage" if fmt.percent else "a count")
                  + "; the conviction is infinite when the confidence is 1"), label="rule_defs"))
    ordered = sorted((c for c in frequent if len(c) >= 2), key=lambda c: (len(c), c))
    rows, answer = [], []
    n_rules = sum(2 ** len(c) - 2 for c in ordered)
    n_meets = 0  # the rules past max_rules that meet c_min, tested in integers
    p_min, q_min = (int(c_min.p), int(c_min.q)) if c_min is not None else (0, 1)
    from ...numerics.progress import note
    for i_c, c in enumerate(ordered):
        if max_rules is not None and len(answer) >= max_rules and c_min is None:
            break  # nothing more to list or count: n_rules is the formula's
        note(f"rules from itemset {i_c + 1} of {len(ordered)}")
        for r in range(1, len(c)):
            for a in combinations(c, r):
                if max_rules is not None and len(answer) >= max_rules:
                    n_meets += frequent[c] * q_min >= p_min * frequent[a]
                    continue
                b = tuple(x for x in c if x not in a)
                sxy, sa, sb = frequent[c], frequent[a], frequent[b]
                m = _metrics(sxy, sa, sb, N)
                meets = c_min is None or bool(m["confidence"] >= c_min)
                answer.append({"antecedent": list(a), "consequent": list(b), "support": sxy,
                               "antecedent_support": sa, "consequent_support": sb, **m,
                               "meets_min_confidence": meets})
                row = [_rule_text(a, b), fmt.share(sp.Rational(sxy, N)) if fmt.percent else sxy,
                       fmt.share(m["confidence"]), _q(m["lift"]), _q(m["leverage"]), _q(m["conviction"])]
                if c_min is not None:
                    row.append("yes" if meets else "no")
                rows.append(row)
    complete = len(answer) == n_rules
    used = {frozenset(e["antecedent"]) | frozenset(e["consequent"]) for e in answer}
    scope = (frequent if complete else  # the itemsets of the listed rules, and their subsets
             {x: frequent[x] for c in used for k in range(1, len(c) + 1)
              for x in combinations(sorted(c), k)})
    oracle = numeric.association_rules({frozenset(c): n for c, n in scope.items()}, N, 0)
    by_rule = {(r.antecedent, r.consequent): r for r in oracle}
    agree = (len(oracle) == len(answer) or not complete) and all(
        (tuple(e["antecedent"]), tuple(e["consequent"])) in by_rule and _agrees(e, by_rule[tuple(e["antecedent"]),
                                                                                       tuple(e["consequent"])])
        for e in answer)
    passing = sum(e["meets_min_confidence"] for e in answer) + n_meets
    if c_min is not None:
        kept = {(r.antecedent, r.consequent) for r in numeric.association_rules(
            {frozenset(c): n for c, n in scope.items()}, N, str(c_min))}
        listed_rules = {(tuple(e["antecedent"]), tuple(e["consequent"])) for e in answer}
        agree = agree and kept & listed_rules == {(tuple(e["antecedent"]), tuple(e["consequent"])) for e in answer
                                                  if e["meets_min_confidence"]}
    shown_c = _as_typed_text(c_min, typed_confidence) if c_min is not None else ""
    header = [InlineMath(Tex(r"\text{rule } A \Rightarrow B"), f"rule A {_ARROW} B"),
              InlineMath(Tex(r"\sigma(A \cup B)/N"), "σ(A∪B)/N") if fmt.percent
              else InlineMath(Tex(r"\sigma(A \cup B)"), "σ(A∪B)"),
              "conf", "lift", "leverage", "conviction"]
    if c_min is not None:
        header.append(InlineMath(Tex(r"\ge c_{\min}"), "≥ c_min"))
    if listed:
        steps.append(Step(
            _table(header, rows, align="l" + "r" * (len(header) - 1)) if rows else
            Display(InlineMath(Tex(r"\text{no rules}"), "no rules")),
            why=words(("no frequent itemset has two or more items, so there are no association rules" if not answer
                       else f"{n_rules} rule{'s' if n_rules != 1 else ''}, in exact fractions"
                       + (f" (the first {len(answer)} worked and listed; --max-rules)" if not complete else "")
                       + ("; supports and confidences as percentages" if fmt.percent else ""))
                      + (f"; {passing} meet the minimum confidence {shown_c}" if c_min is not None else "")),
            check=checked(f"the same rules, counts and metrics as {_rules_name(numeric)} (floats within 1e-12)"
                          + ("; the same rules kept at the minimum confidence, compared in integers"
                             if c_min is not None else ""), agree),
            label="rules"))
    elif not agree:  # pragma: no cover - the same check, unshown
        checked(f"the rules agree with {_rules_name(numeric)}", agree)

    worked = asked
    example = False
    if not worked:
        first = next((e for e in answer if e["meets_min_confidence"]), None)
        if first is not None:
            worked, example = [(tuple(first["antecedent"]), tuple(first["consequent"]))], True
    worked_answer = []
    for i, (a, b) in enumerate(worked, 1):
        rule_steps, entry = _rule_arithmetic(i, a, b, N, frequent, sigma, db, c_min, example, numeric, fmt,
                                             shown_c, listed=listed, n_rules=n_rules, what=f"rules {i}")
        steps += rule_steps
        worked_answer.append(entry)
    totals = {"n_rules": n_rules}
    if c_min is not None:
        totals["n_rules_meeting_min_confidence"] = passing
    return answer, steps, worked, worked_answer, totals


def _bound(value, name: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name}: expected a non-negative integer (how many entries the JSON lists) or None, "
                         f"got {value!r}")
    return value


def _bound_lists(answer: dict, max_patterns: int | None) -> dict:
    """Cut every list of itemsets of ``answer`` to ``max_patterns`` entries; {location: how many left out}."""
    left_out: dict = {}
    if max_patterns is None:
        return left_out
    places = [(f"levels[{i}].{part}", level, part) for i, level in enumerate(answer["levels"])
              for part in ("join", "candidates", "pruned", "frequent")]
    places += [(key, answer, key) for key in ("frequent_itemsets", "closed", "maximal") if key in answer]
    for where, holder, key in places:
        extra = len(holder[key]) - max_patterns
        if extra > 0:
            holder[key] = holder[key][:max_patterns]
            left_out[where] = extra
    return left_out


def _agrees(e: dict, r) -> bool:
    close = lambda exact, f: (f == float("inf") if exact == sp.oo  # noqa: E731
                              else abs(float(exact) - f) <= 1e-12 * max(1.0, abs(f)))
    return (e["support"] == r.support and e["antecedent_support"] == r.antecedent_support
            and e["consequent_support"] == r.consequent_support
            and all(close(e[k], getattr(r, k)) for k in ("confidence", "lift", "leverage", "conviction")))


def _rule_arithmetic(i, a, b, N, frequent, sigma, db, c_min, example, numeric, fmt, shown_c, *,
                     listed=True, n_rules=0, what="rules") -> tuple:
    union = tuple(sorted(set(a) | set(b)))
    sxy, sa, sb = sigma(union), sigma(a), sigma(b)
    if sa == 0 or N == 0:
        raise ValueError(f"{what}: the antecedent {_fmt(a)} occurs in no transaction, so the confidence "
                         f"σ(A ∪ B)/σ(A) = {sxy}/0 is undefined")
    recount = (numeric.support_count(db, union), numeric.support_count(db, a), numeric.support_count(db, b))
    counted = checked(f"the three counts recounted by {numeric.__name__.removeprefix('workedout.')}.support_count",
                      recount == (sxy, sa, sb))
    m = _metrics(sxy, sa, sb, N) if sb else None
    if m is None:
        raise ValueError(f"{what}: the consequent {_fmt(b)} occurs in no transaction, so the lift is undefined")
    oracle = numeric.association_rules({frozenset(union): sxy, frozenset(a): sa, frozenset(b): sb,
                                        **{frozenset(x): sigma(x) for r in range(1, len(union))
                                           for x in combinations(union, r)}}, N, 0)
    r = next(x for x in oracle if x.antecedent == a and x.consequent == b)
    title = f"Rule {i}: {_rule_text(a, b)}" + (" (an example; ask for others with --rule)" if example else "")
    cup = InlineMath(Tex(r"A \cup B"), "A ∪ B")
    intro = [f"A = {_fmt(a)}, B = {_fmt(b)}, ", cup, f" = {_fmt(union)}."]
    if frozenset(union) not in {frozenset(c) for c in frequent}:
        intro += [" ", cup, f" is not frequent (σ = {sxy}), so this rule is not among the rules"
                  + (" above." if listed else " of the frequent itemsets.")]
    elif not listed and i == 1:
        intro += [f" (The {n_rules} rules of all the frequent itemsets are in the JSON output, and listed with "
                  "--min-confidence.)"]
    steps: list = [Section(title, words(*intro))]
    frac = lambda p, q: InlineMath(Tex(r"\frac{%d}{%d}" % (p, q)), f"{p}/{q}")  # noqa: E731
    name = lambda f: InlineMath(Tex(r"\operatorname{%s}(A \Rightarrow B)" % f), f"{f}(A {_ARROW} B)")  # noqa: E731
    if fmt.percent:
        supp_chain = [InlineMath(Tex(r"\frac{\sigma(A \cup B)}{N}"), "σ(A ∪ B) / N"),
                      *fmt.exact_then(sp.Rational(sxy, N), percent=True, lead=frac(sxy, N))]
    else:
        supp_chain = [InlineMath(Tex(r"\sigma(A \cup B)"), "σ(A ∪ B)"), sp.Integer(sxy)]
    steps.append(Step(
        Chain(name("supp"), supp_chain),
        why=words("support: the number of transactions containing all of ", cup,
                  " (over N)" if fmt.percent else "", f"; also σ(A) = {sa}, σ(B) = {sb}, N = {N}"),
        check=counted, label=f"rule{i}_support"))
    conf = m["confidence"]
    meets = "" if c_min is None else (f"; {'at least' if bool(conf >= c_min) else 'below'} the minimum "
                                      f"confidence {shown_c}")
    steps.append(Step(
        Chain(name("conf"), [InlineMath(Tex(r"\frac{\sigma(A \cup B)}{\sigma(A)}"), "σ(A ∪ B) / σ(A)"),
                             *fmt.exact_then(conf, percent=fmt.percent, lead=frac(sxy, sa))]),
        why=words("confidence: the fraction of the transactions holding A that also hold B" + meets),
        check=checked(f"equals {_rules_name(numeric)}' float to 1e-12", _agrees_one(conf, r.confidence)),
        label=f"rule{i}_confidence"))
    steps.append(Step(
        Chain(name("lift"),
              [InlineMath(Tex(r"\frac{\operatorname{conf}(A \Rightarrow B)}{\sigma(B)/N}"), "conf / (σ(B)/N)"),
               InlineMath(Tex(r"\frac{%s}{%d/%d}" % (sp.latex(conf), sb, N)), f"({conf}) / ({sb}/{N})"),
               *fmt.exact_then(m["lift"])]),
        why=words("lift: the confidence over the consequent's support fraction (above 1: B is more likely "
                  "with A than without)"),
        check=checked(f"equals {_rules_name(numeric)}' float to 1e-12", _agrees_one(m["lift"], r.lift)),
        label=f"rule{i}_lift"))
    steps.append(Step(
        Chain(name("leverage"),
              [InlineMath(Tex(r"\frac{\sigma(A \cup B)}{N} - \frac{\sigma(A)}{N}\cdot\frac{\sigma(B)}{N}"),
                          "σ(A ∪ B)/N - (σ(A)/N)(σ(B)/N)"),
               InlineMath(Tex(r"\frac{%d}{%d} - \frac{%d}{%d}\cdot\frac{%d}{%d}" % (sxy, N, sa, N, sb, N)),
                          f"{sxy}/{N} - ({sa}/{N})({sb}/{N})"),
               *fmt.exact_then(m["leverage"])]),
        why=words("leverage: the observed joint support fraction minus the one expected if A and B were "
                  "independent"),
        check=checked(f"equals {_rules_name(numeric)}' float to 1e-12", _agrees_one(m["leverage"], r.leverage)),
        label=f"rule{i}_leverage"))
    one_minus = sp.Integer(1) - conf
    conv_chain = [InlineMath(Tex(r"\frac{1 - \sigma(B)/N}{1 - \operatorname{conf}(A \Rightarrow B)}"),
                             "(1 - σ(B)/N) / (1 - conf)")]
    if one_minus != 0:
        conv_chain.append(InlineMath(Tex(r"\frac{1 - %d/%d}{1 - %s}" % (sb, N, sp.latex(conf))),
                                     f"(1 - {sb}/{N}) / (1 - {conf})"))
        conv_chain += fmt.exact_then(m["conviction"])
    else:
        conv_chain.append(_INFINITY)
    steps.append(Step(
        Chain(name("conviction"), conv_chain),
        why=words("conviction: how much more often A would occur without B if they were independent",
                  *(["; the confidence is 1, so the denominator ",
                     InlineMath(Tex(r"1 - \operatorname{conf}"), "1 − conf"),
                     " is zero and the conviction is infinite (", _INFINITY, ": A never occurs without B)"]
                    if one_minus == 0 else [])),
        check=checked(f"equals {_rules_name(numeric)}' float to 1e-12 (infinite: both infinite)",
                      _agrees_one(m["conviction"], r.conviction)),
        label=f"rule{i}_conviction"))
    entry = {"antecedent": list(a), "consequent": list(b), "support": sxy, "antecedent_support": sa,
             "consequent_support": sb, **m}
    return steps, entry


def _agrees_one(exact, f: float) -> bool:
    if exact == sp.oo:
        return f == float("inf")
    return abs(float(exact) - f) <= 1e-12 * max(1.0, abs(f))


# ------------------------------------------------------------- the numbers
def _decimal(value, digits: int) -> tuple[str, bool]:
    """``value`` (exact) rounded to ``digits`` significant digits, as a plain decimal; and whether that is exact."""
    q = Fraction(int(sp.Rational(value).p), int(sp.Rational(value).q))
    if q == 0:
        return "0", True
    with localcontext() as ctx:
        ctx.prec = digits
        d = Decimal(q.numerator) / Decimal(q.denominator)
    exact = Fraction(d) == q
    d = d.normalize()
    text = format(d, "f") if -7 <= d.adjusted() < 16 else format(d, "e")
    return text, exact


class _Numbers:
    """How a result shows its numbers: ``digits`` significant digits; supports and confidences as percentages."""

    def __init__(self, digits: int, percent: bool, N: int):
        self.digits, self.percent, self.N = digits, percent, N

    def decimal(self, value, *, percent: bool = False) -> tuple[InlineMath, bool]:
        text, exact = _decimal(sp.Rational(value) * (100 if percent else 1), self.digits)
        return InlineMath(Tex(text + (r"\%" if percent else "")), text + ("%" if percent else "")), exact

    def share(self, value):
        """A table cell for a fraction of N or a confidence: ``2/9``, or ``22.22%`` with ``percent``."""
        if not self.percent:
            return _q(value)
        shown, exact = self.decimal(value, percent=True)
        return shown if exact else InlineMath(Tex(rf"\approx {shown.tex}"), "≈" + shown.text)

    def exact_then(self, value, *, percent: bool = False, lead=None) -> list:
        """The links that end an exact calculation: the exact value, then its decimal (or percentage):
        ``9/7 ≈ 1.286``, ``3/2 = 1.5``, ``1``, ``∞``. ``lead`` is the link before (an unreduced fraction
        ``2/4``), returned first; when it is the value already (``2/9``), the decimal joins it."""
        links = [lead] if lead is not None else []
        if value == sp.oo:
            return links + [_INFINITY]
        value = sp.Rational(value)
        if lead is None or value.q != lead_denominator(lead):
            links.append(_q(value))
        if value.is_integer and not percent:
            return links
        shown, exact = self.decimal(value, percent=percent)
        if exact:
            return links + [shown]
        last = links[-1]
        last_tex, last_text = (last.tex, last.text) if isinstance(last, InlineMath) else (sp.latex(last), str(last))
        return links[:-1] + [InlineMath(Tex(rf"{last_tex} \approx {shown.tex}"), f"{last_text} ≈ {shown.text}")]


def lead_denominator(lead) -> int | None:
    """The denominator of a fraction link written p/q (None for anything else)."""
    text = getattr(lead, "text", "")
    p, _, q = text.partition("/")
    return int(q) if p.strip().lstrip("-").isdigit() and q.strip().isdigit() else None


def _digits(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"digits: expected a positive integer (significant digits), got {value!r}")
    return value


def _as_typed_text(value, typed: str | None) -> str:
    """A number as the user typed it (``0.7``, ``70%``), else its exact form."""
    return typed if typed else str(value)


def _db_rows(db) -> list:
    """(tid, count, transaction) per printed row of a database."""
    rows = getattr(db, "rows", None)
    if rows is not None and (getattr(db, "counts", None) is not None or getattr(db, "tids", None) is not None):
        return list(rows)
    return [(None, 1, t) for t in db.transactions]


def _closed_maximal(frequent: dict, ordered: list, sigma, closed: bool, maximal: bool, max_len) -> tuple:
    """Which frequent itemsets are closed (no superset of equal support) and maximal (no frequent superset)."""
    by_size: dict = {}
    for c in ordered:
        by_size.setdefault(len(c), []).append(c)
    supers = {c: [d for d in by_size.get(len(c) + 1, []) if set(c) < set(d)] for c in ordered}
    is_closed = {c: all(frequent[d] < frequent[c] for d in supers[c]) for c in ordered}
    is_maximal = {c: not supers[c] for c in ordered}
    # the definitions over every frequent superset, any size, the supports recounted
    brute_closed = {c: not any(set(c) < set(d) and sigma(d) == sigma(c) for d in ordered) for c in ordered}
    brute_maximal = {c: not any(set(c) < set(d) for d in ordered) for c in ordered}
    rows = []
    for c in ordered:
        shown = "; ".join(f"{_fmt(d)} ({frequent[d]})" for d in supers[c]) or "none"
        rows.append([_fmt(c), frequent[c], shown] + (["yes" if is_closed[c] else "no"] if closed else [])
                    + (["yes" if is_maximal[c] else "no"] if maximal else []))
    header = ["itemset", _sigma_head(), InlineMath(Tex(r"\text{frequent supersets with one more item } (\sigma)"),
                                                   "frequent supersets with one more item (σ)")]
    header += (["closed"] if closed else []) + (["maximal"] if maximal else [])
    n_closed, n_max = sum(is_closed.values()), sum(is_maximal.values())
    what = []
    if closed:
        what.append(f"closed: no frequent superset has the same support ({n_closed} of {len(ordered)})")
    if maximal:
        what.append(f"maximal: no superset is frequent ({n_max} of {len(ordered)})")
    step = Step(
        _table(header, rows, align="lrl" + "c" * (len(header) - 3)) if ordered else
        Display(InlineMath(Tex(r"\text{no frequent itemset}"), "no frequent itemset")),
        why=words("; ".join(what)),
        check=checked("the same verdicts from every frequent superset of any size, supports recounted from the "
                      "transactions", all(is_closed[c] == brute_closed[c] and is_maximal[c] == brute_maximal[c]
                                          for c in ordered)),
        label="closed_maximal")
    closed_answer = [{"itemset": list(c), "support": frequent[c]} for c in ordered if is_closed[c]]
    maximal_answer = [{"itemset": list(c), "support": frequent[c]} for c in ordered if is_maximal[c]]
    title = " and ".join(x for x, on in (("Closed", closed), ("maximal" if closed else "Maximal", maximal)) if on)
    section = Section(f"{title} itemsets", words(
        *(["A frequent itemset is closed when no superset has the same support. "] if closed else []),
        *(["A frequent itemset is maximal when no superset is frequent. "] if maximal else []),
        "A superset of equal support is frequent too, and support can only fall as items are added, so the "
        "frequent supersets with one more item decide"
        + (f" (up to the maximum size {max_len}: larger itemsets were not counted)." if max_len is not None
           else ".")))
    return closed_answer, maximal_answer, [section, step]


# --------------------------------------------------------------------- sweep
def _rules_name(numeric) -> str:
    """What the rules are checked against: the engine's function, or the pure-Python reference's."""
    reference = numeric.__name__.endswith("_reference")
    return "numerics.apriori_reference.association_rules" if reference else "numerics.association_rules"


def _sweep(db, values: list[tuple[str, object]], max_len, numeric) -> tuple[list, list]:
    N = db.n_transactions
    rows, table, agree = [], [], True
    for typed, value in values:
        s = resolve_min_support(value, N, what="sweep")
        found = numeric.frequent_itemsets(db, s, max_len=max_len, algorithm="apriori")
        agree = agree and found == numeric.frequent_itemsets(db, s, max_len=max_len, algorithm="fpgrowth")
        depth = max((len(x) for x in found), default=0)
        per_level = [sum(1 for x in found if len(x) == k) for k in range(1, depth + 1)]
        rows.append({"min_support": typed, "min_support_count": s, "n_frequent": per_level,
                     "total": len(found)})
    depth = max((len(r["n_frequent"]) for r in rows), default=0)
    header = ["min support", _sigma_min_head()] + [InlineMath(Tex(r"|L_{%d}|" % k), f"|L_{k}|")
                                                   for k in range(1, depth + 1)] + ["total"]
    for r in rows:
        counts = r["n_frequent"] + [0] * (depth - len(r["n_frequent"]))
        table.append([r["min_support"], r["min_support_count"], *counts, r["total"]])
    steps = [Section("Minimum-support sweep", words(
        "The number of frequent itemsets of each size as the minimum support changes "
        "(the figure of workedout apriori --plot shows the same).")),
        Step(_table(header, table, align="lr" + "r" * (depth + 1)),
             why=words(f"{len(rows)} minimum support{'s' if len(rows) != 1 else ''}, each resolved to a count "
                       "of the N transactions"),
             check=checked(("numerics.apriori_reference (level-wise) and its tid-set search (Eclat)"
                            if numeric.__name__.endswith("_reference") else "numerics.apriori (bitsets) and FP-growth")
                           + " find the same itemsets at every "
                           "minimum support", agree),
             label="sweep")]
    return rows, steps


def sweep_figure(result: Result, path, *, title: str | None = None) -> None:
    """Write the sweep figure (frequent itemsets per level against the minimum support) of a result."""
    rows = result.answer.get("sweep")
    if not rows:
        raise ValueError("plot: needs sweep (the minimum supports to plot)")
    from ...numerics.apriori_plots import plot_sweep
    from ...numerics.figures import save_figure
    fig = plot_sweep([r["min_support_count"] for r in rows], [r["n_frequent"] for r in rows],
                     result.answer["n_transactions"], labels=[r["min_support"] for r in rows], title=title)
    save_figure(fig, path)
    result.add_figure(fig)  # shown with the result in a notebook


# ------------------------------------------------------------------- helpers
def _typed(value) -> str:
    """The minimum support as the user wrote it (for the givens and the sweep table)."""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _threshold_step(typed: str, s: int, N: int) -> Step:
    is_count = typed.lstrip("+-").isdigit()
    if is_count:
        return Step(Chain(_sigma_min, [sp.Integer(s)]),
                    why=words(f"the minimum support {typed} is a count (an integer): an itemset is frequent "
                              f"when at least {s} of the {N} transactions contain it"),
                    check=checked("numerics.thresholds.resolve_min_support gives the same count",
                                  resolve_min_support(typed, N) == s),
                    label="sigma_min")
    f = sp.Rational(parse_fraction(typed, what="min_support"))
    ft, ftex = _typed_number(typed, f)
    product = f * N
    decimal, terminating = _decimal(product, 40)
    pt, ptex = (decimal, decimal) if terminating and "/" not in typed else (str(product), sp.latex(product))
    chain = [InlineMath(Tex(r"\lceil %s \cdot %d \rceil" % (ftex, N)), f"ceil({ft} * {N})"),
             InlineMath(Tex(r"\lceil %s \rceil" % ptex), f"ceil({pt})"), sp.Integer(s)]
    if N == 0:
        chain = [InlineMath(Tex(r"\max(1, \lceil %s \cdot 0 \rceil)" % ftex), f"max(1, ceil({ft} * 0))"),
                 sp.Integer(s)]
    return Step(Chain(_sigma_min, chain),
                why=words(f"the minimum support {typed} is a fraction of the N = {N} transactions, read "
                          f"exactly: the smallest count at least {ft}·N" + (" (and at least 1)" if N == 0 else "")),
                check=checked("numerics.thresholds.resolve_min_support gives the same count",
                              resolve_min_support(typed, N) == s),
                label="sigma_min")


def _typed_number(typed: str, value) -> tuple[str, str]:
    """A fraction as typed (``0.2``, ``22%``, ``1/5``): its text and its LaTeX."""
    t = typed.strip()
    if t.endswith("%"):
        return t, t[:-1].strip() + r"\%"
    if "/" in t:
        return str(value), sp.latex(value)
    return t, t


def _empty_reason(k, N, s, had_candidates, had_survivors) -> str:
    if k == 1:
        if N == 0:
            return "the database has no transactions, so there is no item to count."
        if s > N:
            return f"the minimum support count {s} exceeds the number of transactions N = {N}, so no itemset can reach it."
        return f"no item occurs in {s} or more transactions."
    if not had_candidates:
        return f"the join gives no candidate {k}-itemset."
    if not had_survivors:
        return f"every candidate {k}-itemset has an infrequent {k - 1}-subset and was pruned."
    return f"no candidate {k}-itemset occurs in {s} or more transactions."


def _min_confidence(value):
    if value is None:
        return None
    from ...numerics.thresholds import resolve_min_confidence
    if isinstance(value, str) and value.strip().endswith("%") and parse_fraction(
            value, what="min_confidence", expected="a number in [0, 1] (such as 0.7, 7/10 or 70%)") > 1:
        raise ValueError(f"min_confidence: a percentage must be at most 100%, got {value.strip()}")
    return sp.Rational(resolve_min_confidence(value if not isinstance(value, sp.Rational) else str(value),
                                              what="min_confidence"))


def _max_len(value):
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.lstrip("+").isdigit() or int(text) < 1:
        raise ValueError(f"max_len: expected a positive integer (the largest itemset size), got {value!r}")
    return int(text)


def _sweep_values(sweep) -> list[tuple[str, object]]:
    if sweep is None:
        return []
    items = sweep.split(",") if isinstance(sweep, str) else list(sweep)
    out = []
    for i, v in enumerate(items, 1):
        typed = _typed(v)
        if not typed:
            raise ValueError(f"sweep item {i}: empty; expected minimum supports such as 0.5,0.3,0.2")
        resolve_min_support(typed, 1, what=f"sweep item {i}")  # validates (0, negative, above 1)
        out.append((typed, typed))
    return out


def _left_lines(lines: list[str]) -> str:
    """Lines of equal width (the text printer centres a multi-line block's lines otherwise)."""
    width = max(map(len, lines))
    return "\n".join(line.ljust(width) for line in lines)


def _fmt(itemset) -> str:
    return "{" + ", ".join(str(x) for x in itemset) + "}"


def _Lk(k: int) -> InlineMath:
    return InlineMath(Tex("L_{%d}" % k), f"L_{k}")


def _Ck(k: int) -> InlineMath:
    return InlineMath(Tex("C_{%d}" % k), f"C_{k}")


def _sigma_head() -> InlineMath:
    return InlineMath(Tex(r"\sigma"), "σ")


def _sigma_min_head() -> InlineMath:
    return InlineMath(Tex(r"\sigma_{\min}"), "σ_min")


def _table(header, rows, *, align: str, limit: int | None = None) -> Table:
    """A table whose LaTeX columns fit the page (long text columns wrap), at most ``limit`` rows."""
    limit = TABLE_ROW_LIMIT if limit is None else limit
    caption = ()
    if len(rows) > limit:
        caption = words(f"the first {limit} of {len(rows)} rows; the JSON output lists more, with the exact totals")
        rows = rows[:limit]
    return Table(header, rows, caption=caption, align=_fit(header, rows, align))


_TEXT_WIDTH_CM = 16.0  # A4 with the document's 2.2 cm margins, less a little


def _cell_chars(cell) -> int:
    if isinstance(cell, InlineMath):
        return len(cell.text)
    if isinstance(cell, sp.Rational) and not cell.is_integer:
        return len(str(cell))
    return len(str(cell))


def _fit(header, rows, align: str) -> str:
    """The column spec: ``align``, with its ``l`` columns made wrapping ``p{}`` columns if the table is too wide."""
    widths = [max(_cell_chars(r[j]) for r in [header, *rows]) * 0.17 + 0.45 for j in range(len(header))]
    if sum(widths) <= _TEXT_WIDTH_CM:
        return align
    text = [j for j, a in enumerate(align) if a == "l"]
    fixed = sum(w for j, w in enumerate(widths) if j not in text)
    room = max(_TEXT_WIDTH_CM - fixed, 2.0 * len(text))
    share = sum(widths[j] for j in text)
    spec = []
    for j, a in enumerate(align):
        if j in text:
            cm = max(2.0, room * widths[j] / share) - 0.4
            spec.append(r">{\raggedright\arraybackslash\hyphenpenalty=10000}p{%.1fcm}" % cm)
        else:
            spec.append(a)
    return "".join(spec)


def _q(value):
    """An exact number for a table cell: fractions written a/b on one line (readable in a table)."""
    if value == sp.oo:
        return _INFINITY
    if isinstance(value, sp.Rational) and not value.is_integer:
        return InlineMath(Tex(f"{value.p}/{value.q}"), f"{value.p}/{value.q}")
    return value


def _raw_rows(transactions):
    """The transactions as given, each a list (repeats kept), for the checker's duplicate-items."""
    from collections.abc import Iterable
    if isinstance(transactions, (str, bytes)) or not isinstance(transactions, Iterable):
        return transactions  # from_transactions says what is wrong
    return [list(t) if isinstance(t, Iterable) and not isinstance(t, (str, bytes)) else t for t in transactions]


def _multiplicities(rows) -> list | None:
    """Per transaction, how often each item occurs in it (None when the rows cannot be read so)."""
    try:
        out = []
        for t in rows:
            m: dict = {}
            for x in t:
                m[str(x)] = m.get(str(x), 0) + 1
            out.append(m)
        return out
    except TypeError:
        return None


# ---------------------------------------------------------------------- demo
