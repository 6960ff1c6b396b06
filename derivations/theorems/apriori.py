"""Apriori's theorems: the Apriori property, completeness of join-and-prune, confidence and the consequent.

Every check runs over one finite family named in its step, every database
of up to 4 transactions over the 3 items a, b, c (495 databases, counted as
multisets: the order of transactions does not change a support), and over
seeded random databases (200 databases of 5 to 12 transactions over 6 items,
each item in a transaction with probability 1/2, drawn by the project's
SplitMix64 stream from seed 0); ``tests/test_theorems_apriori.py`` checks the
same claims by hypothesis on other random databases.
"""
from __future__ import annotations

from itertools import combinations, combinations_with_replacement

from .base import FalseVariant, Theorem, math, search

__all__ = ["THEOREMS"]

_ITEMS = ("a", "b", "c")
_SUBSETS = tuple(frozenset(c) for k in range(4) for c in combinations(_ITEMS, k))  # the 8 subsets of {a, b, c}
_FAMILY = "every database of up to 4 transactions over the items a, b, c (495 databases)"
_RANDOM = "200 random databases of 5-12 transactions over 6 items (each item present with probability 1/2; seed 0)"


def _small_databases():
    for n in range(5):
        yield from combinations_with_replacement(_SUBSETS, n)


def _random_databases():
    from ..exercise.rng import Rng
    rng = Rng(0, stream="theorems/apriori")
    items = tuple("abcdef")
    for _ in range(200):
        n = rng.integer(5, 12)
        yield tuple(frozenset(x for x in items if rng.chance(1, 2)) for _ in range(n))


def _support(db, itemset) -> int:
    """σ(X): the number of transactions that contain X (each transaction counted once)."""
    return sum(1 for t in db if itemset <= t)


def _items_of(db) -> tuple:
    return tuple(sorted(set().union(*db))) if db else ()


def _pairs(db):
    """Every pair ∅ ≠ X ⊆ Y of itemsets over the database's items (and the 3 items when it has fewer)."""
    items = tuple(sorted(set(_items_of(db)) | set(_ITEMS)))
    subsets = [frozenset(c) for k in range(len(items) + 1) for c in combinations(items, k)]
    return ((x, y) for y in subsets for x in subsets if x and x <= y)


def _cases(family):
    return ((db, x, y) for db in family() for x, y in _pairs(db) if len(y) <= 3)


def _shown(db) -> str:
    return "{" + ", ".join("{" + ", ".join(sorted(t)) + "}" for t in db) + "}"


def _set(x) -> str:
    return "{" + ", ".join(sorted(x)) + "}"


# ------------------------------------------------------------------ the Apriori property
def _anti_monotone(case) -> bool:
    db, x, y = case
    return _support(db, y) <= _support(db, x)


def _monotone(case) -> bool:  # false: support grows with the itemset
    db, x, y = case
    return _support(db, x) <= _support(db, y)


def _containment(case) -> bool:
    t, x, y = case
    return not (y <= t) or x <= t


def _apriori_property():
    from ..model import Prose, Step, checked
    from ..result import Result
    X, Y = math("X", "X"), math("Y", "Y")
    cont = [(t, x, y) for t in _SUBSETS for y in _SUBSETS for x in _SUBSETS if x <= y]
    bad, n_cont = search(cont, _containment)
    bad_small, n_small = search(_cases(_small_databases), _anti_monotone)
    bad_random, n_random = search(_cases(_random_databases), _anti_monotone)
    steps = [
        Step(Prose(("A database D is a list of transactions, each a set of items. The support of an itemset ", X,
                    " is ", math(r"\sigma(X) = |\{\, t \in D : X \subseteq t \,\}|", "σ(X) = |{t in D : X ⊆ t}|"),
                    ", the number of transactions that contain it.")),
             why="The support.", role="definition"),
        Step(Prose(("Support is counted per transaction: a transaction that contains ", X,
                    " adds 1 to its support however often its items occur in it.")),
             why="How support is counted (the property needs it).", role="premise"),
        Step(Prose(("Let ", math(r"X \subseteq Y", "X ⊆ Y"), ". A transaction ", math("t", "t"), " with ",
                    math(r"Y \subseteq t", "Y ⊆ t"), " has ", math(r"X \subseteq Y \subseteq t", "X ⊆ Y ⊆ t"),
                    ", so ", math(r"\{t : Y \subseteq t\} \subseteq \{t : X \subseteq t\}",
                                  "{t : Y ⊆ t} ⊆ {t : X ⊆ t}"), ".")),
             why="Every transaction that contains Y contains X (⊆ is transitive).",
             check=checked(f"exhaustively over every transaction t and every pair X ⊆ Y of subsets of "
                           f"{{a, b, c}} ({n_cont} cases)", bad is None)),
        Step(Prose(("A subset of a finite set has at most its elements, so ",
                    math(r"\sigma(Y) \le \sigma(X)", "σ(Y) ≤ σ(X)"), ": support is anti-monotone.")),
             why="Count both sets of transactions.",
             check=checked(f"exhaustively over {_FAMILY} and every pair X ⊆ Y of at most 3 items "
                           f"({n_small:,} cases), and on {_RANDOM} ({n_random:,} cases)",
                           bad_small is None and bad_random is None)),
        Step(Prose(("Hence if ", X, " is infrequent, ", math(r"\sigma(X) < s", "σ(X) < s"), ", then every superset ",
                    Y, " has ", math(r"\sigma(Y) \le \sigma(X) < s", "σ(Y) ≤ σ(X) < s"),
                    " and is infrequent too; equivalently every subset of a frequent itemset is frequent. "
                    "Apriori never counts a candidate with an infrequent subset.")),
             why="The contrapositive, for any minimum support s.",
             check=checked("follows from the previous step by transitivity of ≤ (the same cases, for every "
                           "threshold s: σ(Y) ≤ σ(X) < s)", bad_small is None and bad_random is None)),
    ]
    return Result(kind="theorem.apriori_property", title="The Apriori property: support is anti-monotone",
                  theorem=("For itemsets ", math(r"X \subseteq Y", "X ⊆ Y"), " of a transaction database, ",
                           math(r"\sigma(Y) \le \sigma(X)", "σ(Y) ≤ σ(X)"),
                           ". So every subset of a frequent itemset is frequent, and every superset of an "
                           "infrequent itemset is infrequent."),
                  steps=steps)


def _apriori_property_false() -> FalseVariant:
    case, n = search(_cases(_small_databases), _monotone)
    db, x, y = case if case is not None else ((), frozenset(), frozenset())
    return FalseVariant(
        "apriori-property", "Support is monotone: X ⊆ Y implies σ(X) ≤ σ(Y).",
        f"The proof's check of σ(Y) ≤ σ(X), with the inequality turned round, over {_FAMILY}.",
        None if case is None else (f"D = {_shown(db)}: X = {_set(x)} ⊆ Y = {_set(y)}, but σ(X) = "
                                   f"{_support(db, x)} > σ(Y) = {_support(db, y)}"),
        {"database": [sorted(t) for t in db], "X": sorted(x), "Y": sorted(y)} if case is not None else {},
        n)


# ------------------------------------------------------------ completeness of join and prune
def _levels(db, s: int):
    """C_k and L_k by join and prune from L_{k-1}, from the definitions (sorted tuples of items)."""
    items = _items_of(db)
    L = {(x,) for x in items if _support(db, frozenset((x,))) >= s}
    out = [(1, {(x,) for x in items}, L)]
    k = 1
    while L:
        k += 1
        ordered = sorted(L)
        joined = {p + (q[-1],) for i, p in enumerate(ordered) for q in ordered[i + 1:] if p[:-1] == q[:-1]}
        C = {c for c in joined if all(sub in L for sub in combinations(c, k - 1))}
        L = {c for c in C if _support(db, frozenset(c)) >= s}
        out.append((k, C, L))
    return out


def _threshold_cases(family):
    for db in family():
        for s in range(1, max(2, len(db) + 1)):
            yield db, s


def _complete(case) -> bool:
    """Every frequent k-itemset (counted directly) is a candidate of C_k."""
    db, s = case
    levels = {k: C for k, C, _ in _levels(db, s)}
    items = _items_of(db)
    for k in range(1, len(items) + 1):
        for c in combinations(items, k):
            if _support(db, frozenset(c)) >= s and c not in levels.get(k, set()):
                return False
    return True


def _candidates_frequent(case) -> bool:  # false: a candidate that survives the prune is frequent
    db, s = case
    return all(C <= L for k, C, L in _levels(db, s) if k >= 2)


def _join_prune_complete():
    from ..model import Prose, Step, checked
    from ..result import Result
    bad_small, n_small = search(_threshold_cases(_small_databases), _complete)
    bad_random, n_random = search(_threshold_cases(_random_databases), _complete)
    steps = [
        Step(Prose(("Items are ordered, and an itemset is written as its sorted tuple. ",
                    math("L_{k-1}", "L_(k-1)"), " is the set of frequent (k-1)-itemsets. The join of ",
                    math("L_{k-1}", "L_(k-1)"), " puts together two itemsets that agree in their first k-2 "
                    "items, ", math(r"p \cup q", "p ∪ q"), "; the prune removes a joined itemset with a "
                    "(k-1)-subset not in ", math("L_{k-1}", "L_(k-1)"), "; what is left is ", math("C_k", "C_k"),
                    ".")),
             why="Join and prune.", role="definition"),
        Step(Prose(("Support is counted per transaction (the Apriori property holds), and ",
                    math("L_{k-1}", "L_(k-1)"), " is complete: every frequent (k-1)-itemset is in it "
                    "(for k = 2 the level of single items, counted directly, is complete).")),
             why="The induction hypothesis and the premise.", role="premise"),
        Step(Prose(("Let ", math(r"X = (x_1, \dots, x_k)", "X = (x_1, ..., x_k)"),
                    " be frequent, sorted. Its subsets ", math(r"p = X \setminus \{x_k\}", "p = X ∖ {x_k}"),
                    " and ", math(r"q = X \setminus \{x_{k-1}\}", "q = X ∖ {x_(k-1)}"),
                    " are frequent by the Apriori property, so they are in ", math("L_{k-1}", "L_(k-1)"),
                    "; they agree in their first k-2 items, so the join produces ",
                    math(r"p \cup q = X", "p ∪ q = X"), ".")),
             why="The join produces every frequent k-itemset.",
             check=checked("re-proved on the cases below: no frequent itemset is missing from the join "
                           "(part of the same check)", bad_small is None and bad_random is None)),
        Step(Prose(("Every (k-1)-subset of ", math("X", "X"), " is frequent (Apriori property) and so in ",
                    math("L_{k-1}", "L_(k-1)"), ": the prune keeps ", math("X", "X"), ". Hence ",
                    math(r"L_k \subseteq C_k", "L_k ⊆ C_k"), ", and by induction on k no frequent itemset is "
                    "missed.")),
             why="The prune never removes a frequent itemset.",
             check=checked(f"join and prune computed from the definitions level by level against every "
                           f"frequent itemset counted directly, exhaustively over {_FAMILY} and every "
                           f"minimum support from 1 to the number of transactions ({n_small:,} cases), and on "
                           f"{_RANDOM} ({n_random:,} cases)", bad_small is None and bad_random is None)),
    ]
    return Result(kind="theorem.join_prune_complete", title="Completeness of join and prune",
                  theorem=("For every k, every frequent k-itemset is a candidate: ",
                           math(r"L_k \subseteq C_k", "L_k ⊆ C_k"),
                           ", where C_k is joined from L_(k-1) and pruned. Apriori finds every frequent itemset."),
                  steps=steps)


def _join_prune_false() -> FalseVariant:
    case, n = search(_threshold_cases(_small_databases), _candidates_frequent)
    detail, text = {}, None
    if case is not None:
        db, s = case
        for k, C, L in _levels(db, s)[1:]:
            extra = sorted(C - L)
            if extra:
                c = extra[0]
                text = (f"D = {_shown(db)}, minimum support {s}: the candidate {_set(c)} of C_{k} survives the "
                        f"prune (all its subsets are frequent) but σ = {_support(db, frozenset(c))} < {s}")
                detail = {"database": [sorted(t) for t in db], "min_support": s, "candidate": list(c)}
                break
    return FalseVariant("join-prune-complete", "Every candidate that survives the prune is frequent: C_k = L_k "
                        "(so counting could be skipped).",
                        f"The proof's level-by-level join and prune, each candidate counted, over {_FAMILY}.",
                        text, detail, n)


# ------------------------------------------------- confidence and the consequent
def _rule_cases(family):
    """(db, I, X, X'): an itemset I and antecedents X' ⊆ X ⊂ I with σ(X') > 0."""
    for db in family():
        items = _items_of(db)
        for k in range(2, min(len(items), 4) + 1):
            for I in combinations(items, k):
                I = frozenset(I)
                subsets = [frozenset(c) for j in range(1, k) for c in combinations(sorted(I), j)]
                for x in subsets:
                    for x2 in subsets:
                        if x2 <= x and _support(db, x2) > 0:
                            yield db, I, x, x2


def _conf(db, a, b) -> tuple[int, int]:
    """conf(A ⇒ B) as the pair (σ(A ∪ B), σ(A))."""
    return _support(db, a | b), _support(db, a)


def _consequent_claim(case) -> bool:
    """conf(X' ⇒ I∖X') ≤ conf(X ⇒ I∖X), compared as fractions by cross-multiplying (σ > 0)."""
    db, I, x, x2 = case
    n1, d1 = _conf(db, x2, I - x2)
    n2, d2 = _conf(db, x, I - x)
    return d2 == 0 or n1 * d2 <= n2 * d1


def _antecedent_claim(case) -> bool:  # false: a larger antecedent, the same consequent, never less confident
    db, I, x, x2 = case
    y = I - x
    n1, d1 = _conf(db, x2, y)
    n2, d2 = _conf(db, x, y)
    return x2 == x or d2 == 0 or n1 * d2 <= n2 * d1


def _confidence_consequent():
    from ..model import Prose, Step, checked
    from ..result import Result
    bad_small, n_small = search(_rule_cases(_small_databases), _consequent_claim)
    bad_random, n_random = search(_rule_cases(_random_databases), _consequent_claim)
    steps = [
        Step(Prose(("The confidence of a rule ", math(r"A \Rightarrow B", "A ⇒ B"), " is ",
                    math(r"\operatorname{conf}(A \Rightarrow B) = \sigma(A \cup B) / \sigma(A)",
                         "conf(A ⇒ B) = σ(A ∪ B) / σ(A)"), ".")),
             why="Confidence.", role="definition"),
        Step(Prose(("The rules come from one itemset ", math("I", "I"), ": ",
                    math(r"X \Rightarrow I \setminus X", "X ⇒ I ∖ X"), " and ",
                    math(r"X' \Rightarrow I \setminus X'", "X' ⇒ I ∖ X'"), " with ",
                    math(r"\emptyset \ne X' \subseteq X \subset I", "∅ ≠ X' ⊆ X ⊂ I"),
                    ", and support is counted per transaction.")),
             why="The premises.", role="premise"),
        Step(Prose(("Both confidences have the numerator ", math(r"\sigma(I)", "σ(I)"), ", and ",
                    math(r"X' \subseteq X", "X' ⊆ X"), " gives ", math(r"\sigma(X') \ge \sigma(X)", "σ(X') ≥ σ(X)"),
                    " (the Apriori property), so ",
                    math(r"\frac{\sigma(I)}{\sigma(X')} \le \frac{\sigma(I)}{\sigma(X)}", "σ(I)/σ(X') ≤ σ(I)/σ(X)"),
                    ": moving items from the antecedent into the consequent never raises the confidence.")),
             why="Same numerator, larger denominator.",
             check=checked(f"exhaustively over {_FAMILY}, every itemset I of 2-4 items and every pair of "
                           f"antecedents X' ⊆ X ⊂ I ({n_small:,} cases), and on {_RANDOM} ({n_random:,} cases), "
                           "the fractions compared exactly", bad_small is None and bad_random is None)),
        Step(Prose(("So if ", math(r"X \Rightarrow I \setminus X", "X ⇒ I ∖ X"),
                    " is below the minimum confidence, so is every rule from I whose antecedent is a subset of "
                    "X: rule generation prunes them without computing their confidence.")),
             why="What rule generation uses.",
             check=checked("the contrapositive of the previous step (same cases)",
                           bad_small is None and bad_random is None)),
    ]
    return Result(kind="theorem.confidence_consequent", title="Confidence is anti-monotone in the consequent",
                  theorem=("For rules from one itemset I, ",
                           math(r"X' \subseteq X \implies \operatorname{conf}(X' \Rightarrow I \setminus X') \le "
                                r"\operatorname{conf}(X \Rightarrow I \setminus X)",
                                "X' ⊆ X implies conf(X' ⇒ I ∖ X') ≤ conf(X ⇒ I ∖ X)"), "."),
                  steps=steps)


def _confidence_false() -> FalseVariant:
    case, n = search(_rule_cases(_small_databases), _antecedent_claim)
    text, detail = None, {}
    if case is not None:
        db, I, x, x2 = case
        y = I - x
        n1, d1 = _conf(db, x2, y)
        n2, d2 = _conf(db, x, y)
        text = (f"D = {_shown(db)}: conf({_set(x2)} ⇒ {_set(y)}) = {n1}/{d1} > conf({_set(x)} ⇒ {_set(y)}) = "
                f"{n2}/{d2}, although {_set(x2)} ⊆ {_set(x)}")
        detail = {"database": [sorted(t) for t in db], "smaller_antecedent": sorted(x2), "antecedent": sorted(x),
                  "consequent": sorted(y)}
    return FalseVariant("confidence-consequent", "Confidence is monotone in the antecedent: with the consequent "
                        "fixed, a larger antecedent never gives a smaller confidence.",
                        f"The proof's exact comparison of confidences, over {_FAMILY}.", text, detail, n)


THEOREMS = [
    Theorem("apriori-property", "apriori", "Support is anti-monotone: X ⊆ Y implies σ(Y) ≤ σ(X).",
            _apriori_property, _apriori_property_false),
    Theorem("join-prune-complete", "apriori", "Join and prune miss no frequent itemset: L_k ⊆ C_k.",
            _join_prune_complete, _join_prune_false),
    Theorem("confidence-consequent", "apriori", "For rules from one itemset, moving items into the consequent "
            "never raises the confidence.", _confidence_consequent, _confidence_false),
]
