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
  with ``"oo"`` under ``exact``).

The worked side computes everything by the hand method (transaction-id sets
intersected, subsets looked up) in exact arithmetic, and checks each level
against :mod:`numerics.apriori` (bitset Apriori and FP-growth), an
independent implementation.
"""
from __future__ import annotations

import json
from itertools import combinations
from typing import Sequence

import sympy as sp

from ..exact import parse_number, significant
from ..markup import Tex
from ._check import AprioriProblem, apriori_checker
from ..result import Chain, Display, Given, InlineMath, Result, Section, Step, Table, checked, words
from ...numerics.thresholds import resolve_min_support
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
_INFINITY = InlineMath(Tex(r"\infty"), "∞")
_N = sp.Symbol("N")


def apriori(transactions, min_support, *, min_confidence=None, max_len=None, sweep=None,
            rules: Sequence | None = None, title: str | None = None) -> Result:
    r"""Work Apriori level by level, then the association rules.

    Parameters
    ----------
    transactions : TransactionDatabase or iterable of iterables of items
        The database (see :mod:`numerics.transactions` for the files it reads).
    min_support : int, str, float or Fraction
        :math:`\sigma_{\min}`: a count (``2``, ``"2"``) or a fraction of N
        (``"0.2"``, ``"1.0"``).
    min_confidence : number or str, optional
        :math:`c_{\min}` in [0, 1]; rules with
        :math:`\operatorname{conf} \ge c_{\min}` are marked (all rules are
        listed).
    max_len : int, optional
        Stop after this level.
    sweep : str or sequence, optional
        Minimum supports (``"0.5,0.3,0.2"``): the number of frequent itemsets
        per level for each, as a table.
    rules : sequence of str or (antecedent, consequent), optional
        Rules whose arithmetic to show (``"I1, I5 => I2"``; see
        :func:`parse_rule`). By default the first rule meeting
        :math:`c_{\min}` is worked as an example.
    title : str, optional

    Returns
    -------
    Result
        Answer keys: ``n_transactions``, ``min_support_count``, ``levels``
        (each ``k``, ``join``, ``candidates``, ``pruned``, ``frequent``),
        ``frequent_itemsets``, ``rules``, and ``sweep`` when asked.
    """
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
    max_len = _max_len(max_len)
    sweep_values = _sweep_values(sweep)
    asked = [parse_rule(r, db.items, what=f"rules {i + 1}") for i, r in enumerate(rules or [])]

    from ...numerics import apriori as numeric
    trace = numeric.apriori_levels(db, s, max_len=max_len)
    fp = numeric.frequent_itemsets(db, s, max_len=max_len, algorithm="fpgrowth")
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
    shown = [[str(i), _fmt(t) if t else "(empty)"] for i, t in enumerate(db.transactions, 1)]
    steps.append(Step(_table(["TID", "items"], shown, align="rl"),
                      why=words(f"the {N} transaction{'s' if N != 1 else ''}, items in their natural order"
                                + (f"; {db.n_empty} empty, counted in N" if db.n_empty else "")),
                      label="database"))
    steps.append(_threshold_step(typed_support, s, N))

    levels_answer, frequent_all = [], {}
    L_prev: list[tuple] = []
    stop_reason: tuple = ()
    for level in trace:
        k = level.k
        steps.append(Section(f"Level {k}", ()))
        if k == 1:
            C = {(x,): sigma((x,)) for x in db.items}
            join_rows, pruned, survivors = [], {}, list(C)
            steps.append(Step(
                _table(["candidate", _sigma_head(), f"frequent (≥ {s})"],
                       [[_fmt(c), n, "yes" if n >= s else "no"] for c, n in C.items()], align="lrc"),
                why=words(InlineMath(Tex("C_1"), "C_1"),
                          ": every item is a candidate; count the transactions containing each"),
                check=checked("every count equals numerics.apriori's (popcount of the item's bitset)",
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
                    check=checked("numerics.apriori's join is empty too", same_join),
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
                    check=checked("the same pairs and candidates as numerics.apriori's join (numba)", same_join),
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
                        check=checked("numerics.apriori prunes nothing either", not level.pruned and not pruned),
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
                                      "the same candidates and subsets as numerics.apriori",
                                      law and pruned == dict(level.pruned)),
                        label=f"prune_{k}"))
            C = {c: sigma(c) for c in survivors}
            if survivors:
                steps.append(Step(
                    _table(["candidate", _sigma_head(), f"frequent (≥ {s})"],
                           [[_fmt(c), n, "yes" if n >= s else "no"] for c, n in C.items()], align="lrc"),
                    why=words(_Ck(k), ": count the transactions containing each remaining candidate"),
                    check=checked("every count equals numerics.apriori's popcount of ANDed bitsets",
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
                check=checked(f"equal to the frequent {k}-itemsets and counts of numerics.apriori "
                              "(bitsets) and of FP-growth", same_level),
                label=f"L_{k}"))
            if stop:
                stop_reason = (f"stopped at the maximum itemset size {max_len}",)
        else:
            why = _empty_reason(k, N, s, bool(join_rows) or k == 1, bool(survivors))
            steps.append(Step(
                Display(InlineMath(Tex(r"L_{%d} = \emptyset" % k), f"L_{k} = ∅")),
                why=words(_Lk(k), " is empty: ", why, " Apriori stops here" +
                          (f" (no frequent {k}-itemset, so no larger one either)." if k > 1 else ".")),
                check=checked(f"numerics.apriori and FP-growth find no frequent {k}-itemset either", same_level),
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
               [[_fmt(c), frequent_all[c], _q(sp.Rational(frequent_all[c], N))] for c in ordered], align="lrr")
        if ordered else Display(InlineMath(Tex(r"L_1 \cup L_2 \cup \dots = \emptyset"), "no itemset is frequent")),
        why=words(f"{len(ordered)} frequent itemset{'s' if len(ordered) != 1 else ''} in all (", *stop_reason, ")"),
        check=checked("the same itemsets and counts as numerics.apriori (bitsets) and FP-growth",
                      {frozenset(c): n for c, n in frequent_all.items()} == fp == bitset),
        label="all_frequent"))

    rules_answer, rule_steps, worked_rules = _rules(frequent_all, N, c_min, db, sigma, asked, numeric)
    steps += rule_steps

    answer = {
        "n_transactions": N,
        "min_support_count": s,
        "levels": levels_answer,
        "frequent_itemsets": [{"itemset": list(c), "support": frequent_all[c]} for c in ordered],
        "rules": rules_answer,
    }
    if sweep_values:
        rows, sweep_steps = _sweep(db, sweep_values, max_len, numeric)
        steps += sweep_steps
        answer["sweep"] = rows

    sources = {"min_support_count": "sigma_min", "frequent_itemsets": "all_frequent", "rules": "rules"}
    labels = {step.label for step in steps if isinstance(step, Step)}
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
        givens.append(Given(sp.Symbol("c_min"), c_min, "the minimum confidence"))
    if max_len is not None:
        givens.append(Given(sp.Symbol("k_max"), max_len, "the largest itemset size"))
    return Result(
        kind="apriori",
        title=title or f"Apriori: frequent itemsets and association rules (N = {N}, min support count {s})",
        givens=givens, steps=steps, answer=answer, sources=sources, notes=list(db.notes),
        checker=apriori_checker(AprioriProblem(
            transactions=[frozenset(str(x) for x in t) for t in db.transactions],
            multiplicities=multiplicities, items=db.items, N=N, s=s, c_min=c_min, typed_support=typed_support,
            answer=answer, worked_rules=[(frozenset(map(str, a)), frozenset(map(str, b))) for a, b in worked_rules])))


# --------------------------------------------------------------------- rules
def parse_rule(rule, items: Sequence, *, what: str = "rule") -> tuple[tuple, tuple]:
    """Read a rule ``"A1, A2 => B1"`` (or ``[["A1", "A2"], ["B1"]]`` in JSON, or a pair of lists).

    Items are separated by commas, the two sides by ``=>``; for names that
    hold a comma or ``=>``, write the JSON form. Every item must be one of
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
            parts = text.split("=>")
            if len(parts) != 2:
                raise ValueError(f"{what}: {text!r}: expected one '=>' between antecedent and consequent, "
                                 "such as 'I1, I5 => I2'")
            sides = [[x.strip() for x in part.split(",") if x.strip()] for part in parts]
    else:
        sides = rule
    if not isinstance(sides, (list, tuple)) or len(sides) != 2 or not all(isinstance(x, (list, tuple)) for x in sides):
        raise ValueError(f"{what}: expected an antecedent and a consequent, such as 'I1, I5 => I2'")
    by_text = {str(x): x for x in items}
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


def _rules(frequent: dict, N: int, c_min, db, sigma, asked: list, numeric) -> tuple[list, list]:
    steps: list = [Section("Association rules", words(
        "Every frequent itemset with at least two items gives a rule ",
        InlineMath(Tex(r"A \Rightarrow B"), "A ⇒ B"), " for each non-empty proper subset A, with B the rest."))]
    steps.append(Step(
        Display(InlineMath(Tex(
            r"\begin{aligned}"
            r"\operatorname{supp}(A \Rightarrow B) &= \sigma(A \cup B), &"
            r"\operatorname{conf}(A \Rightarrow B) &= \frac{\sigma(A \cup B)}{\sigma(A)},\\"
            r"\operatorname{lift}(A \Rightarrow B) &= \frac{\operatorname{conf}(A \Rightarrow B)}{\sigma(B)/N}, &"
            r"\operatorname{leverage}(A \Rightarrow B) &= \frac{\sigma(A \cup B)}{N} - "
            r"\frac{\sigma(A)}{N}\cdot\frac{\sigma(B)}{N},\\"
            r"\operatorname{conviction}(A \Rightarrow B) &= "
            r"\frac{1 - \sigma(B)/N}{1 - \operatorname{conf}(A \Rightarrow B)}"
            r"\end{aligned}"),
            _left_lines(["supp(A ⇒ B) = σ(A ∪ B)", "conf(A ⇒ B) = σ(A ∪ B) / σ(A)",
                         "lift(A ⇒ B) = conf(A ⇒ B) / (σ(B)/N)",
                         "leverage(A ⇒ B) = σ(A ∪ B)/N - (σ(A)/N)(σ(B)/N)",
                         "conviction(A ⇒ B) = (1 - σ(B)/N) / (1 - conf(A ⇒ B))"]))),
        why=words("the five metrics of a rule: the support is a count; the conviction is infinite when the "
                  "confidence is 1"), label="rule_defs"))
    ordered = sorted((c for c in frequent if len(c) >= 2), key=lambda c: (len(c), c))
    rows, answer = [], []
    for c in ordered:
        for r in range(1, len(c)):
            for a in combinations(c, r):
                b = tuple(x for x in c if x not in a)
                sxy, sa, sb = frequent[c], frequent[a], frequent[b]
                m = _metrics(sxy, sa, sb, N)
                meets = c_min is None or bool(m["confidence"] >= c_min)
                answer.append({"antecedent": list(a), "consequent": list(b), "support": sxy,
                               "antecedent_support": sa, "consequent_support": sb, **m,
                               "meets_min_confidence": meets})
                row = [f"{_fmt(a)} → {_fmt(b)}", sxy, _q(m["confidence"]), _q(m["lift"]), _q(m["leverage"]),
                       _q(m["conviction"])]
                if c_min is not None:
                    row.append("yes" if meets else "no")
                rows.append(row)
    oracle = numeric.association_rules({frozenset(c): n for c, n in frequent.items()}, N, 0)
    by_rule = {(r.antecedent, r.consequent): r for r in oracle}
    agree = len(oracle) == len(answer) and all(
        (tuple(e["antecedent"]), tuple(e["consequent"])) in by_rule and _agrees(e, by_rule[tuple(e["antecedent"]),
                                                                                       tuple(e["consequent"])])
        for e in answer)
    passing = sum(e["meets_min_confidence"] for e in answer)
    if c_min is not None:
        kept = {(r.antecedent, r.consequent) for r in numeric.association_rules(
            {frozenset(c): n for c, n in frequent.items()}, N, str(c_min))}
        agree = agree and kept == {(tuple(e["antecedent"]), tuple(e["consequent"])) for e in answer
                                   if e["meets_min_confidence"]}
    header = [InlineMath(Tex(r"\text{rule } A \to B"), "rule A → B"), InlineMath(Tex(r"\sigma(A \cup B)"), "σ(A∪B)"),
              "conf", "lift", "leverage", "conviction"]
    if c_min is not None:
        header.append(InlineMath(Tex(r"\ge c_{\min}"), "≥ c_min"))
    steps.append(Step(
        _table(header, rows, align="l" + "r" * (len(header) - 1)) if rows else
        Display(InlineMath(Tex(r"\text{no rules}"), "no rules")),
        why=words(("no frequent itemset has two or more items, so there are no association rules" if not answer
                   else f"{len(answer)} rule{'s' if len(answer) != 1 else ''}, in exact fractions")
                  + (f"; {passing} meet the minimum confidence {c_min}" if c_min is not None else "")),
        check=checked("the same rules, counts and metrics as numerics.association_rules (floats within 1e-12)"
                      + ("; the same rules kept at the minimum confidence, compared in integers"
                         if c_min is not None else ""), agree),
        label="rules"))

    worked = asked
    example = False
    if not worked:
        first = next((e for e in answer if e["meets_min_confidence"]), None)
        if first is not None:
            worked, example = [(tuple(first["antecedent"]), tuple(first["consequent"]))], True
    for i, (a, b) in enumerate(worked, 1):
        steps += _rule_arithmetic(i, a, b, N, frequent, sigma, db, c_min, example, numeric)
    return answer, steps, worked


def _agrees(e: dict, r) -> bool:
    close = lambda exact, f: (f == float("inf") if exact == sp.oo  # noqa: E731
                              else abs(float(exact) - f) <= 1e-12 * max(1.0, abs(f)))
    return (e["support"] == r.support and e["antecedent_support"] == r.antecedent_support
            and e["consequent_support"] == r.consequent_support
            and all(close(e[k], getattr(r, k)) for k in ("confidence", "lift", "leverage", "conviction")))


def _rule_arithmetic(i, a, b, N, frequent, sigma, db, c_min, example, numeric) -> list:
    union = tuple(sorted(set(a) | set(b)))
    sxy, sa, sb = sigma(union), sigma(a), sigma(b)
    recount = (numeric.support_count(db, union), numeric.support_count(db, a), numeric.support_count(db, b))
    counted = checked("the three counts recounted by numerics.apriori.support_count", recount == (sxy, sa, sb))
    m = _metrics(sxy, sa, sb, N)
    oracle = numeric.association_rules({frozenset(union): sxy, frozenset(a): sa, frozenset(b): sb,
                                        **{frozenset(x): sigma(x) for r in range(1, len(union))
                                           for x in combinations(union, r)}}, N, 0)
    r = next(x for x in oracle if x.antecedent == a and x.consequent == b)
    title = f"Rule {i}: {_fmt(a)} → {_fmt(b)}" + (" (an example; ask for others with --rule)" if example else "")
    cup = InlineMath(Tex(r"A \cup B"), "A ∪ B")
    intro = [f"A = {_fmt(a)}, B = {_fmt(b)}, ", cup, f" = {_fmt(union)}."]
    if frozenset(union) not in {frozenset(c) for c in frequent}:
        intro += [" ", cup, f" is not frequent (σ = {sxy}), so this rule is not among the rules above."]
    steps: list = [Section(title, words(*intro))]
    frac = lambda p, q: InlineMath(Tex(r"\frac{%d}{%d}" % (p, q)), f"{p}/{q}")  # noqa: E731
    steps.append(Step(
        Chain(InlineMath(Tex(r"\operatorname{supp}(A \Rightarrow B)"), "supp(A => B)"),
              [InlineMath(Tex(r"\sigma(A \cup B)"), "σ(A ∪ B)"), sp.Integer(sxy)]),
        why=words("support: the number of transactions containing all of ", cup, f"; also σ(A) = {sa}, "
                  f"σ(B) = {sb}, N = {N}"),
        check=counted, label=f"rule{i}_support"))
    conf = m["confidence"]
    meets = "" if c_min is None else (f"; {'at least' if bool(conf >= c_min) else 'below'} the minimum confidence {c_min}")
    steps.append(Step(
        Chain(InlineMath(Tex(r"\operatorname{conf}(A \Rightarrow B)"), "conf(A => B)"),
              [InlineMath(Tex(r"\frac{\sigma(A \cup B)}{\sigma(A)}"), "σ(A ∪ B) / σ(A)"), frac(sxy, sa), conf]
              + _approx(conf)),
        why=words("confidence: the fraction of the transactions holding A that also hold B" + meets),
        check=checked("equals numerics.association_rules' float to 1e-12", _agrees_one(conf, r.confidence)),
        label=f"rule{i}_confidence"))
    steps.append(Step(
        Chain(InlineMath(Tex(r"\operatorname{lift}(A \Rightarrow B)"), "lift(A => B)"),
              [InlineMath(Tex(r"\frac{\operatorname{conf}(A \Rightarrow B)}{\sigma(B)/N}"), "conf / (σ(B)/N)"),
               InlineMath(Tex(r"\frac{%s}{%d/%d}" % (sp.latex(conf), sb, N)), f"({conf}) / ({sb}/{N})"),
               m["lift"]] + _approx(m["lift"])),
        why=words("lift: the confidence over the consequent's support fraction (above 1: B is more likely "
                  "with A than without)"),
        check=checked("equals numerics.association_rules' float to 1e-12", _agrees_one(m["lift"], r.lift)),
        label=f"rule{i}_lift"))
    steps.append(Step(
        Chain(InlineMath(Tex(r"\operatorname{leverage}(A \Rightarrow B)"), "leverage(A => B)"),
              [InlineMath(Tex(r"\frac{\sigma(A \cup B)}{N} - \frac{\sigma(A)}{N}\cdot\frac{\sigma(B)}{N}"),
                          "σ(A ∪ B)/N - (σ(A)/N)(σ(B)/N)"),
               InlineMath(Tex(r"\frac{%d}{%d} - \frac{%d}{%d}\cdot\frac{%d}{%d}" % (sxy, N, sa, N, sb, N)),
                          f"{sxy}/{N} - ({sa}/{N})({sb}/{N})"),
               m["leverage"]] + _approx(m["leverage"])),
        why=words("leverage: the observed joint support fraction minus the one expected if A and B were "
                  "independent"),
        check=checked("equals numerics.association_rules' float to 1e-12", _agrees_one(m["leverage"], r.leverage)),
        label=f"rule{i}_leverage"))
    one_minus = sp.Integer(1) - conf
    conv_chain = [InlineMath(Tex(r"\frac{1 - \sigma(B)/N}{1 - \operatorname{conf}(A \Rightarrow B)}"),
                             "(1 - σ(B)/N) / (1 - conf)"),
                  InlineMath(Tex(r"\frac{1 - %d/%d}{1 - %s}" % (sb, N, sp.latex(conf))), f"(1 - {sb}/{N}) / (1 - {conf})")]
    if one_minus == 0:
        conv_chain.append(InlineMath(Tex(r"\frac{%s}{0}" % sp.latex(1 - sp.Rational(sb, N))),
                                     f"({1 - sp.Rational(sb, N)}) / 0"))
    conv_chain.append(m["conviction"])
    conv_chain += _approx(m["conviction"])
    steps.append(Step(
        Chain(InlineMath(Tex(r"\operatorname{conviction}(A \Rightarrow B)"), "conviction(A => B)"), conv_chain),
        why=words("conviction: how much more often A would occur without B if they were independent"
                  + ("; the confidence is 1, so the denominator is 0 and the conviction is infinite"
                     if one_minus == 0 else "")),
        check=checked("equals numerics.association_rules' float to 1e-12 (infinite: both infinite)",
                      _agrees_one(m["conviction"], r.conviction)),
        label=f"rule{i}_conviction"))
    return steps


def _agrees_one(exact, f: float) -> bool:
    if exact == sp.oo:
        return f == float("inf")
    return abs(float(exact) - f) <= 1e-12 * max(1.0, abs(f))


def _approx(value) -> list:
    """A 6-significant-digit decimal after an exact non-integer value (printed with ≈)."""
    if value == sp.oo or value.is_integer:
        return []
    return [sp.Float(significant(value), 6)]


# --------------------------------------------------------------------- sweep
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
             check=checked("numerics.apriori (bitsets) and FP-growth find the same itemsets at every "
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


# ------------------------------------------------------------------- helpers
def _typed(value) -> str:
    """The minimum support as the user wrote it (for the givens and the sweep table)."""
    if isinstance(value, float):
        return repr(value)
    return str(value).strip()


def _threshold_step(typed: str, s: int, N: int) -> Step:
    from decimal import Decimal
    from fractions import Fraction
    is_count = typed.lstrip("+-").isdigit()
    if is_count:
        return Step(Chain(_sigma_min, [sp.Integer(s)]),
                    why=words(f"the minimum support {typed} is a count (an integer): an itemset is frequent "
                              f"when at least {s} of the {N} transactions contain it"),
                    check=checked("numerics.thresholds.resolve_min_support gives the same count",
                                  resolve_min_support(typed, N) == s),
                    label="sigma_min")
    f = sp.Rational(Fraction(typed) if "/" in typed else Fraction(Decimal(typed)))
    chain = [InlineMath(Tex(r"\lceil %s \cdot %d \rceil" % (sp.latex(f), N)), f"ceil({f} * {N})"),
             InlineMath(Tex(r"\lceil %s \rceil" % sp.latex(f * N)), f"ceil({f * N})"), sp.Integer(s)]
    if N == 0:
        chain = [InlineMath(Tex(r"\max(1, \lceil %s \cdot 0 \rceil)" % sp.latex(f)), f"max(1, ceil({f} * 0))"),
                 sp.Integer(s)]
    return Step(Chain(_sigma_min, chain),
                why=words(f"the minimum support {typed} is a fraction of the N = {N} transactions, read exactly "
                          f"as {f}: the smallest count at least {f}·N" + (" (and at least 1)" if N == 0 else "")),
                check=checked("numerics.thresholds.resolve_min_support gives the same count",
                              resolve_min_support(typed, N) == s),
                label="sigma_min")


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
    c = parse_number(value, what="min_confidence")
    if not 0 <= c <= 1:
        raise ValueError(f"min_confidence: must be between 0 and 1, got {value}")
    return c


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
        caption = words(f"the first {limit} of {len(rows)} rows; the JSON output lists all")
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
