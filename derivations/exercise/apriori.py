r"""Exercises of Apriori by hand: a small transaction database, a support count and a confidence threshold.

A variant is a database of N transactions over M items named A, B, C, ...,
printed with Han's transaction ids (``T100 A, C, D``), a minimum support
*count* and a minimum confidence written as a fraction (``3/4``). Every
variant of a level has the same N, M and minimum support count, the same
number of non-empty levels L_1, L_2, ... and the same shape of the last
level (no join at all, or a join whose every candidate the Apriori property
prunes), which fixes the number of steps of the worked solution:

* level 1: the count of C_1 and L_1 (2 steps);
* level k >= 2: the join, the prune step (when the join gave candidates),
  the count (when candidates survived the prune) and L_k;
* the database, sigma_min, all frequent itemsets, the rule definitions, the
  rule table, and the five metrics of one example rule (the first rule that
  meets the minimum confidence, which always exists here).

Each draw is tested with the pure-Python reference
:mod:`workedout.numerics.apriori_reference` (no numba, no SymPy): the levels,
a candidate pruned by the Apriori property, a rule whose confidence is the
threshold exactly, and among the rules that meet it one with lift above 1 and
one with lift below 1. Arithmetic is in :class:`fractions.Fraction`.
"""
from __future__ import annotations

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "AprioriGenerator", "asked_rule"]

#: The file the command reads: one transaction per line, as textbooks print them.
DB_FILE = "transactions.txt"

#: level -> (N transactions, M items, min support count, transaction sizes (lo, hi),
#:           non-empty levels, shape of the level after the last non-empty one, most rules)
_LEVELS = {
    "easy": (6, 5, 2, (2, 4), 3, "no-join", 24),
    "exam": (8, 6, 3, (2, 5), 3, "all-pruned", 40),
    "hard": (10, 8, 3, (3, 5), 4, "no-join", 80),
}

_LAST = {
    "no-join": "no two itemsets of the last L_k share their first k-1 items, so the join is empty",
    "all-pruned": "the join of the last L_k gives candidates, and the Apriori property prunes every one",
}

#: the minimum confidences set, as a teacher writes them: (numerator, denominator)
_THRESHOLDS = ((1, 2), (3, 5), (2, 3), (3, 4), (4, 5))


def _items(m: int) -> list[str]:
    return [chr(ord("A") + i) for i in range(m)]


def _database_text(transactions: list[list[str]]) -> str:
    """The data file: ``T100 A, C, D`` per line (Han's transaction ids)."""
    return "".join(f"T{100 * (i + 1)} {', '.join(t)}\n" for i, t in enumerate(transactions))


def _levels(transactions: list[list[str]], items: list[str], s: int):
    """Apriori's levels by the pure-Python reference (its own join, prune and count)."""
    from types import SimpleNamespace

    from ...numerics import apriori_reference
    db = SimpleNamespace(transactions=[frozenset(t) for t in transactions], items=list(items),
                         n_transactions=len(transactions))
    return apriori_reference.apriori_levels(db, s)


def _rules(levels, n: int) -> list[tuple]:
    """Every rule ``(antecedent, consequent, confidence, lift)`` of the frequent itemsets, exact, in the
    worked solution's order (itemsets by size then items, antecedents by size then items)."""
    from fractions import Fraction
    from itertools import combinations
    frequent = {c: k for level in levels for c, k in level.frequent.items()}
    out = []
    for c in sorted((c for c in frequent if len(c) >= 2), key=lambda c: (len(c), c)):
        for r in range(1, len(c)):
            for a in combinations(c, r):
                b = tuple(x for x in c if x not in a)
                out.append((a, b, Fraction(frequent[c], frequent[a]),
                            Fraction(n * frequent[c], frequent[a] * frequent[b])))
    return out


def asked_rule(transactions: list[list[str]], min_support: str, min_confidence: str) -> tuple:
    """The rule the question asks about: the first (in the worked order) whose confidence is the threshold."""
    from fractions import Fraction
    items = sorted({x for t in transactions for x in t})
    c_min = Fraction(min_confidence)
    return next((a, b) for a, b, conf, _ in _rules(_levels(transactions, items, int(min_support)),
                                                   len(transactions)) if conf == c_min)


def _shape(levels, n_frequent: int, last: str) -> bool:
    """Whether ``levels`` has exactly ``n_frequent`` non-empty levels followed by a last level of shape ``last``."""
    if len(levels) != n_frequent + 1 or not all(level.frequent for level in levels[:n_frequent]):
        return False
    end = levels[-1]
    if last == "no-join":
        return not end.joined
    return bool(end.joined) and not end.candidates  # every joined candidate pruned, none counted


def _fmt(itemset) -> str:
    return "{" + ", ".join(itemset) + "}"


class AprioriGenerator(Generator):
    name = "apriori"
    answer_keys = ("levels", "rules")
    title = "Apriori and association rules"
    properties = {
        "three-levels": "Apriori finds frequent itemsets of at least three sizes: L_1, L_2 and L_3 are non-empty",
        "prune-by-property": "at least one candidate of a join has an infrequent (k-1)-subset and is removed by the "
                             "Apriori property before it is counted",
        "confidence-at-threshold": "a rule's confidence equals the minimum confidence exactly, so it is kept "
                                   "(a rule is kept when conf >= c_min)",
        "lift-above-and-below-1": "among the rules that meet the minimum confidence, one has lift above 1 and "
                                  "another lift below 1 (a strong rule can be negatively correlated)",
    }
    level_sizes = {level: {"transactions": str(spec[0]), "items": f"{spec[1]} ({_items(spec[1])[0]}-"
                           f"{_items(spec[1])[-1]})", "min support count": str(spec[2]),
                           "non-empty levels": str(spec[4]), "last level": spec[5],
                           "rules": f"at most {spec[6]}"}
                   for level, spec in _LEVELS.items()}

    def draw(self, rng: Rng, level: str, **options) -> Draft | None:
        from fractions import Fraction
        n, m, s, (lo, hi), n_frequent, last, max_rules = _LEVELS[level]
        items = _items(m)
        transactions = [sorted(rng.sample(items, rng.integer(lo, hi))) for _ in range(n)]
        if len({x for t in transactions for x in t}) != m:
            return None  # every item occurs
        levels = _levels(transactions, items, s)
        if not _shape(levels, n_frequent, last) or not any(lv.pruned for lv in levels):
            return None
        rules = _rules(levels, n)
        if len(rules) > max_rules:
            return None  # a table of rules a student can work by hand
        eligible = []
        for p, q in _THRESHOLDS:
            c = Fraction(p, q)
            kept = [lift for _, _, conf, lift in rules if conf >= c]
            if (any(conf == c for _, _, conf, _ in rules) and any(conf < c for _, _, conf, _ in rules)
                    and any(lift > 1 for lift in kept) and any(lift < 1 for lift in kept)):
                eligible.append(f"{p}/{q}")
        if not eligible:
            return None
        c_min = rng.choice(eligible)
        givens = {"transactions": transactions, "min_support": str(s), "min_confidence": c_min}
        properties = self._verify(givens, levels, rules)
        sizes = {"transactions": n, "items": m, "min_support_count": s, "frequent_levels": n_frequent,
                 "last_level": last}
        return Draft(givens, properties, sizes, files={DB_FILE: _database_text(transactions)})

    @staticmethod
    def _verify(givens: dict, levels, rules) -> tuple[str, ...]:
        """The properties that hold, each tested again on the reference's levels and the exact rules."""
        from fractions import Fraction
        from itertools import combinations
        c = Fraction(givens["min_confidence"])
        held = []
        if len(levels) >= 3 and all(levels[k].frequent for k in range(3)):
            held.append("three-levels")
        frequent = [set(level.frequent) for level in levels]
        if any(any(sub not in frequent[level.k - 2] for sub in combinations(cand, level.k - 1))
               for level in levels[1:] for cand in level.pruned):
            held.append("prune-by-property")
        if any(conf == c for _, _, conf, _ in rules):
            held.append("confidence-at-threshold")
        kept = [lift for _, _, conf, lift in rules if conf >= c]
        if any(x > 1 for x in kept) and any(x < 1 for x in kept):
            held.append("lift-above-and-below-1")
        if len(held) != len(AprioriGenerator.properties):
            missing = sorted(set(AprioriGenerator.properties) - set(held))
            raise AssertionError(f"apriori: a draw that passed its tests lacks {', '.join(missing)}")
        return tuple(sorted(held))

    def solve(self, givens: dict):
        from ...numerics.transactions import parse_transactions
        from ..apriori import apriori
        db = parse_transactions(_database_text(givens["transactions"]), format="lines", source=DB_FILE,
                                tid_column=True)
        return apriori(db, givens["min_support"], min_confidence=givens["min_confidence"])

    def command(self, givens: dict, paths: dict) -> list[str]:
        return ["workedout", "apriori", paths[DB_FILE], "--tid-column", "--min-support", givens["min_support"],
                "--min-confidence", givens["min_confidence"]]

    def question(self, draft: Draft) -> tuple[str, list]:
        from fractions import Fraction

        from ..model import Step, Table
        g = draft.givens
        n, m, s = len(g["transactions"]), draft.sizes["items"], g["min_support"]
        c = Fraction(g["min_confidence"])
        percent = c * 100
        shown_c = g["min_confidence"] + (f" ({percent}%)" if percent.denominator == 1 else "")
        items = _items(m)
        a, b = asked_rule(g["transactions"], s, g["min_confidence"])
        text = (f"The database below holds N = {n} transactions over the items {', '.join(items[:-1])} and "
                f"{items[-1]}. Take the minimum support count {s} (an itemset is frequent when at least {s} of "
                f"the {n} transactions contain it) and the minimum confidence {shown_c}. "
                "(a) Run Apriori level by level: for each size k, join the frequent (k-1)-itemsets to get the "
                "candidate k-itemsets, name every candidate the Apriori property prunes and the infrequent subset "
                "that prunes it, count the remaining candidates, and give the frequent k-itemsets with their "
                "support counts, until no k-itemset is frequent. "
                "(b) List the association rules of the frequent itemsets with their support count, confidence "
                "and lift, and say which meet the minimum confidence. "
                f"(c) Is the rule {_fmt(a)} ⇒ {_fmt(b)} kept? Give its confidence and lift, and say what the "
                "lift tells about its antecedent and consequent.")
        rows = [[f"T{100 * (i + 1)}", ", ".join(t)] for i, t in enumerate(g["transactions"])]
        return text, [Step(Table(["TID", "items"], rows, align="ll"),
                           why=f"The {n} transactions (the file {DB_FILE} of the command).")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        from fractions import Fraction
        parts = []
        levels = key["levels"]
        last = max(i for i, lv in enumerate(levels) if lv["frequent"])
        k = levels[last]["k"]
        for j, entry in enumerate(levels[last]["frequent"]):
            parts.append(QuizPart(f"support count of {_fmt(entry['itemset'])} (in L_{k})", entry["support"],
                                  f"levels[{last}].frequent[{j}].support"))
        parts.append(QuizPart("number of frequent itemsets", key["n_frequent_itemsets"], "n_frequent_itemsets"))
        parts.append(QuizPart("number of rules meeting the minimum confidence",
                              key["n_rules_meeting_min_confidence"], "n_rules_meeting_min_confidence"))
        # the rule asked: the first whose confidence is the least among the kept rules (= the threshold)
        exact = key["exact"]["rules"] if "exact" in key else key["rules"]
        confidences = [Fraction(str(e["confidence"])) for e in exact]
        kept = [c for c, e in zip(confidences, key["rules"]) if e["meets_min_confidence"]]
        i = confidences.index(min(kept))
        rule = key["rules"][i]
        name = f"{_fmt(rule['antecedent'])} ⇒ {_fmt(rule['consequent'])}"
        parts.append(QuizPart(f"confidence of {name}", rule["confidence"], f"rules[{i}].confidence"))
        parts.append(QuizPart(f"lift of {name}", rule["lift"], f"rules[{i}].lift"))
        return parts


GENERATOR = AprioriGenerator()
