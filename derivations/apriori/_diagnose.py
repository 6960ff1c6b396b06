"""The diagnosis of an Apriori answer: roots, what follows, the misconception (see :mod:`._check`)."""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction
from itertools import combinations

import sympy as sp

from ..check import words_text
from ..exact import parse_number

__all__ = ["_Diagnosis"]

#: The classic wrong rules of Apriori, each recognised by recomputing with it.
#: A ``step`` ending in ``_k`` is the step of that name at the level of the discrepancy.
from ._answers import _PARTS, AprioriProblem, _is_count_literal, _items_key, _same, read_count


# ------------------------------------------------------------ the diagnosis
class _Diagnosis:
    """One pass over the chain, in the worked order; see the module docstring."""

    def __init__(self, problem: AprioriProblem, findings, result):
        self.p, self.f, self.r = problem, findings, result
        self._at = None
        given = findings.given
        self.exp_levels = {lv["k"]: i for i, lv in enumerate(problem.answer.get("levels", []))}
        self.levels: dict = {}  # k -> the student's level
        self.level_given_index: dict = {}
        if isinstance(given.get("levels"), list):
            for j, lv in enumerate(given["levels"], 1):
                try:
                    k = int(lv["k"])
                except (TypeError, KeyError, ValueError):
                    continue
                self.levels.setdefault(k, lv)
                self.level_given_index.setdefault(k, j)
        self.N = self._given_int("n_transactions", problem.N)
        self.s = self._given_int("min_support_count", problem.s)
        # the student's entries per list: key -> (entry, location of the entry)
        self.entries: dict = {}
        for k, lv in self.levels.items():
            for part in _PARTS:
                if isinstance(lv.get(part), list):
                    self.entries[(k, part)] = self._index(lv[part], part, self._level_prefix(k), problem, k)
        self.all = (self._index(given["frequent_itemsets"], "frequent_itemsets", "", problem, None)
                    if isinstance(given.get("frequent_itemsets"), list) else None)
        self.L: dict = {}  # k -> the student's L_k (a set of frozensets)

    # --- locations and values --------------------------------------------------
    def _given_int(self, key, default):
        v = self.f.given.get(key)
        c = read_count(v, 10 ** 9) if v is not None and _is_count_literal(v) else None
        return c if c is not None else default

    def _level_prefix(self, k) -> str:
        if k in self.exp_levels:
            return f"levels[{self.exp_levels[k]}]"
        return f"levels[given {self.level_given_index[k]}]"

    def _index(self, entries, part, prefix, problem, k) -> dict:
        """The student's entries of one list by key, each with the location of its discrepancy (if any)."""
        if k is not None:
            exp = problem.answer["levels"][self.exp_levels[k]][part] if k in self.exp_levels else []
            base = f"{prefix}.{part}"
        else:
            exp = problem.answer[part]
            base = part
        field_ = "candidate" if part == "join" else "itemset"
        exp_index = {}
        for e, entry in enumerate(exp):
            exp_index.setdefault(frozenset(str(x) for x in entry[field_]), e)
        out = {}
        for j, entry in enumerate(entries, 1):
            try:
                key = _items_key(entry[field_])
            except Exception:  # noqa: BLE001 - unreadable entries stay roots
                continue
            if not key or key in out:
                continue
            loc = f"{base}[{exp_index[key]}]" if key in exp_index else f"{base}[given {j}]"
            out[key] = (entry, loc, key in exp_index)
        missing = {key: f"{base}[{e}]" for key, e in exp_index.items() if key not in out}
        out[None] = missing
        return out

    def at(self, loc):
        if not loc:
            return None
        if self._at is None:
            self._at = {}
            for d in self.f.found:
                self._at.setdefault(d.location, d)
        return self._at.get(loc)

    def follows(self, loc, root) -> bool:
        d, r = self.at(loc), self.at(root)
        if d is None or r is None or d is r:
            return False
        self.f.follows(loc, root)
        return True

    def step(self, d, label) -> None:
        try:
            n = self.r.step_number(label)
        except KeyError:
            return
        d.step, d.step_why = n, words_text(dict(self.r.numbered_steps())[n].why, self.r)

    def name(self, ident, locs, label=None) -> None:
        locs = [loc for loc in locs if self.at(loc) is not None]
        if not locs:
            return
        self.f.name(ident, locs)
        if label:
            for loc in locs:
                self.step(self.at(loc), label)

    def count_of(self, X):
        """The student's count of X and the location that holds it: their C_k, else L_k, else all frequent."""
        k = len(X)
        for part in ("candidates", "frequent"):
            table = self.entries.get((k, part))
            if table and X in table:
                entry, loc, matched = table[X]
                return read_count(entry.get("support"), self.N), (f"{loc}.support" if matched else loc)
        if self.all and X in self.all:
            entry, loc, matched = self.all[X]
            return read_count(entry.get("support"), self.N), (f"{loc}.support" if matched else loc)
        return self.p.sigma(X), None

    def L_location(self, k, y):
        """Where the student's L_k differs from the true one about the itemset y (None if nowhere)."""
        if k in self.levels and k not in self.exp_levels:  # a whole level the worked solution does not reach
            return f"levels[given {self.level_given_index[k]}]"
        for table in (self.entries.get((k, "frequent")), self.all):
            if table is None:
                continue
            if y in table:
                return table[y][1]
            if y in table[None]:
                return table[None][y]
            if table is self.entries.get((k, "frequent")):
                return None
        return None

    def subset_root(self, k, X):
        """The first (k-1)-subset of X on which the student's L_(k-1) differs from the true L_(k-1)."""
        true_prev, prev = self.true_L(k - 1), self.L.get(k - 1, self.true_L(k - 1))
        for y in combinations(self.p.sort(X), k - 1):
            y = frozenset(y)
            if (y in prev) != (y in true_prev):
                loc = self.L_location(k - 1, y)
                if self.at(loc) is not None:
                    return loc
        return None

    def true_L(self, k) -> set:
        i = self.exp_levels.get(k)
        if i is None:
            return set()
        return {frozenset(str(x) for x in e["itemset"]) for e in self.p.answer["levels"][i]["frequent"]}

    def student_L(self, k) -> set:
        table = self.entries.get((k, "frequent"))
        if table is not None:
            return {x for x in table if x is not None}
        if self.all is not None:
            return {x for x in self.all if x is not None and len(x) == k}
        return self.true_L(k)

    def join(self, prev: set, k: int) -> dict:
        """The join of sorted (k-1)-itemsets sharing their first k-2 items: candidate -> (p, q)."""
        ordered = sorted(self.p.sort(x) for x in prev)
        ordered = sorted(ordered, key=lambda t: [self.p.order.get(x, len(self.p.order)) for x in t])
        out = {}
        for a, p in enumerate(ordered):
            for q in ordered[a + 1:]:
                if p[:-1] == q[:-1]:
                    out.setdefault(frozenset(p) | frozenset(q), (p, q))
        return out

    def any_union(self, prev: set, k: int) -> dict:
        """The wrong join: every two itemsets of L_(k-1) whose union has k items."""
        out = {}
        ordered = sorted(prev, key=self.p.sort)
        for a, p in enumerate(ordered):
            for q in ordered[a + 1:]:
                if len(p | q) == k:
                    out.setdefault(p | q, (self.p.sort(p), self.p.sort(q)))
        return out

    def infrequent(self, X, prev) -> list:
        return [frozenset(y) for y in combinations(self.p.sort(X), len(X) - 1) if frozenset(y) not in prev]

    def retell(self, loc, reason, label=None) -> None:
        d = self.at(loc)
        if d is not None:
            d.reason = reason
            if label:
                self.step(d, label)

    # --- the walk ------------------------------------------------------------------
    def run(self) -> None:
        self.subjects()
        if self.at("n_transactions") is not None and self.at("min_support_count") is not None and \
                not self.p.typed_support.lstrip("+-").isdigit():  # a fraction of the student's N
            try:
                f = Fraction(self.p.typed_support) if "/" in self.p.typed_support else \
                    Fraction(Decimal(self.p.typed_support))
                if -(-f * self.N // 1) == self.s:
                    self.follows("min_support_count", "n_transactions")
            except (ValueError, InvalidOperation, ZeroDivisionError):
                pass
        ks = sorted(set(self.exp_levels) | set(self.levels))
        for k in ks:
            self.level(k)
            self.L[k] = self.student_L(k)
        self.all_frequent()
        self.rules()

    def subjects(self) -> None:
        """Subjects of the entries given by the student and not expected (named from their own entry)."""
        for (k, part), table in self.entries.items():
            for key, value in table.items():
                if key is None:
                    continue
                entry, loc, matched = value
                d = self.at(loc)
                if d is not None and not matched:
                    X = self.p.name(key)
                    d.subject = {"join": f"join giving {X} at level {k}", "candidates": f"candidate {X} at level {k}",
                                 "pruned": f"pruned candidate {X} at level {k}",
                                 "frequent": f"frequent itemset {X}"}[part]
        if self.all:
            for key, (entry, loc, matched) in ((k, v) for k, v in self.all.items() if k is not None):
                d = self.at(loc)
                if d is not None and not matched:
                    d.subject = f"{self.p.name(key)} in all frequent itemsets"
        for k, j in self.level_given_index.items():
            d = self.at(f"levels[given {j}]")
            if d is not None:
                d.subject = f"level {k}"
        rules = self.f.given.get("rules")
        if isinstance(rules, list):
            for j, r in enumerate(rules, 1):
                d = self.at(f"rules[given {j}]")
                if d is not None and isinstance(r, dict):
                    try:
                        d.subject = f"rule {self.p.name(_items_key(r['antecedent']))} ⇒ " \
                                    f"{self.p.name(_items_key(r['consequent']))}"
                    except Exception:  # noqa: BLE001
                        pass

    def level(self, k: int) -> None:
        p = self.p
        s_loc = "min_support_count" if self.at("min_support_count") is not None else None
        if k not in self.exp_levels:  # a level the student went on to
            loc = f"levels[given {self.level_given_index[k]}]"
            prev = self.L.get(k - 1, set())
            extra = sorted(prev - self.true_L(k - 1), key=p.sort)  # their L_(k-1) goes on where the true one stops
            root = next((r for y in extra if self.at(r := self.L_location(k - 1, y)) is not None), None)
            if not self.follows(loc, root):
                self.retell(loc, f"not expected: L_{k - 1} is empty, so Apriori stops before level {k}")
            return
        prev = self.L.get(k - 1, self.true_L(k - 1)) if k > 1 else None
        join_s = self.join(prev, k) if k > 1 else {frozenset([str(x)]): None for x in p.items}
        pruned_s = {c: self.infrequent(c, prev) for c in join_s} if k > 1 else {}
        pruned_s = {c: subs for c, subs in pruned_s.items() if subs}
        union_s = self.any_union(prev, k) if k > 1 else {}
        C_s = set(join_s) - set(pruned_s)
        T_join = self.entries.get((k, "join"))
        T_pruned = self.entries.get((k, "pruned"))
        T_cand = self.entries.get((k, "candidates"))
        T_freq = self.entries.get((k, "frequent"))
        sub = lambda X: "; ".join(p.name(y) for y in X)  # noqa: E731
        kprefix = f"{k - 2} item{'s' if k - 2 != 1 else ''}"

        # the join (from the student's L_(k-1))
        if T_join is not None:
            for X, (entry, loc, matched) in self.listed(T_join):
                if matched:
                    self.join_sides(k, X, entry, loc, prev)
                    continue
                if X in join_s:
                    self.follows(loc, self.subset_root(k, X))
                elif X in union_s:
                    a, b = union_s[X]
                    self.retell(loc, f"not expected: {p.name(a)} and {p.name(b)} do not share their first {kprefix}, "
                                     "so the join does not pair them", f"join_{k}")
                    self.name("join-prefix", [loc], f"join_{k}")
                else:
                    self.retell(loc, f"not expected: not the union of two itemsets of L_{k - 1} sharing their "
                                     f"first {kprefix}", f"join_{k}")
            for X, loc in T_join[None].items():
                if X not in join_s:
                    self.follows(loc, self.subset_root(k, X))
                else:
                    a, b = join_s[X]
                    self.retell(loc, f"missing: {p.name(a)} and {p.name(b)} in L_{k - 1} share their first {kprefix}, "
                                     f"so the join gives {p.name(X)}", f"join_{k}")
        # the prune step (against the student's L_(k-1))
        if T_pruned is not None:
            for X, (entry, loc, matched) in self.listed(T_pruned):
                if matched:
                    self.infrequent_subsets(k, X, entry, loc, prev)
                    continue
                if X in pruned_s:
                    self.follows(loc, self.subset_root(k, X))
                elif T_join is not None and X in T_join and not T_join[X][2] and self.infrequent(X, prev) and \
                        self.follows(loc, T_join[X][1]):
                    self.retell(loc, f"pruned rightly from your join (its subset {sub(self.infrequent(X, prev))} is "
                                     f"not in L_{k - 1}), but {p.name(X)} is not a candidate of the join")
                elif X in union_s and self.infrequent(X, prev):
                    a, b = union_s[X]
                    self.retell(loc, f"not expected: {p.name(a)} and {p.name(b)} do not share their first {kprefix}, "
                                     f"so {p.name(X)} is never joined (nor pruned)", f"join_{k}")
                    self.name("join-prefix", [loc], f"join_{k}")
                elif X in C_s:
                    self.retell(loc, f"not expected: every {k - 1}-subset of {p.name(X)} is in L_{k - 1}, so it is "
                                     "kept", f"prune_{k}")
                else:
                    self.retell(loc, f"not expected: not a candidate joined from L_{k - 1}", f"join_{k}")
            for X, loc in T_pruned[None].items():
                if X not in pruned_s:
                    self.follows(loc, self.subset_root(k, X))
                    continue
                self.retell(loc, f"missing: {p.name(X)} has the infrequent subset{'s' if len(pruned_s[X]) > 1 else ''} "
                                 f"{sub(pruned_s[X])} (not in L_{k - 1}), so the prune step removes it", f"prune_{k}")
                if T_cand is not None and X in T_cand:
                    self.name("no-prune", [loc, T_cand[X][1]], f"prune_{k}")
        # the counts of the candidates left
        if T_cand is not None:
            for X, (entry, loc, matched) in self.listed(T_cand):
                if matched:
                    self.count(k, X, entry, f"{loc}.support", f"count_{k}")
                    continue
                if X in C_s:
                    self.follows(loc, self.subset_root(k, X))
                elif X in pruned_s and T_pruned is not None and X not in T_pruned and \
                        self.follows(loc, T_pruned[None].get(X)):
                    # left in C_k because it was left out of their pruned list: the root is there
                    self.retell(loc, f"not expected: its subset {sub(pruned_s[X])} is not in L_{k - 1} (kept because "
                                     "it is not in your pruned list)", f"prune_{k}")
                elif X in pruned_s:
                    self.retell(loc, f"not expected: its subset{'s' if len(pruned_s[X]) > 1 else ''} "
                                     f"{sub(pruned_s[X])} {'are' if len(pruned_s[X]) > 1 else 'is'} not in L_{k - 1}, "
                                     "so the prune step removes it", f"prune_{k}")
                    self.name("no-prune", [loc], f"prune_{k}")
                elif X in union_s and self.infrequent(X, prev):
                    a, b = union_s[X]
                    subs = self.infrequent(X, prev)
                    self.retell(loc, f"not expected: {p.name(a)} and {p.name(b)} do not share their first "
                                     f"{kprefix}, and its subset {sub(subs)} is not in L_{k - 1}", f"prune_{k}")
                    self.name("join-prefix", [loc], f"join_{k}")
                    self.name("no-prune", [loc], f"prune_{k}")
                else:
                    self.retell(loc, f"not expected: not a candidate joined from L_{k - 1}", f"join_{k}")
            for X, loc in T_cand[None].items():
                if X not in C_s:
                    self.follows(loc, self.subset_root(k, X))
                elif T_pruned is not None and X in T_pruned and self.follows(loc, T_pruned[X][1]):
                    pass  # they pruned it (the root): C_k is their join less their pruned list
                elif k > 1 and T_join is not None and X not in T_join and self.follows(loc, T_join[None].get(X)):
                    pass  # never joined (the root)
                elif T_pruned is not None and X in T_pruned:
                    self.retell(loc, f"missing: every {k - 1}-subset of {p.name(X)} is in L_{k - 1}, so the prune "
                                     "step keeps it", f"prune_{k}")
                elif k > 1:
                    a, b = join_s[X]
                    self.retell(loc, f"missing: joined from {p.name(a)} and {p.name(b)}, and every {k - 1}-subset is "
                                     f"in L_{k - 1}", f"join_{k}")
                else:
                    self.retell(loc, "missing: every item is a candidate at level 1", "count_1")
        # L_k: the candidates counted at least sigma_min
        if T_freq is not None:
            self.frequent(k, T_freq, T_cand, C_s, pruned_s, union_s, prev, s_loc, f"L_{k}")

    def listed(self, table):
        return [(X, v) for X, v in table.items() if X is not None]

    def join_sides(self, k, X, entry, loc, prev) -> None:
        locs = [d.location for d in self.f.found if d.location.startswith(f"{loc}.left")
                or d.location.startswith(f"{loc}.right")]
        if not locs:
            return
        try:
            a, b = _items_key(entry["left"]), _items_key(entry["right"])
        except Exception:  # noqa: BLE001
            return
        for side in locs:
            self.retell(side, f"the join of {self.p.name(X)} pairs the two itemsets of L_{k - 1} that share "
                              f"its first {k - 2} items", f"join_{k}")
        if a in prev and b in prev and a | b == X and self.p.sort(a)[:-1] != self.p.sort(b)[:-1]:
            self.name("join-prefix", locs, f"join_{k}")
        elif self.subset_root(k, X):
            for side in locs:
                self.follows(side, self.subset_root(k, X))

    def infrequent_subsets(self, k, X, entry, loc, prev) -> None:
        locs = [d.location for d in self.f.found if d.location.startswith(f"{loc}.infrequent_subset")]
        if not locs:
            return
        want = set(self.infrequent(X, prev))
        try:
            given = {_items_key(y) for y in entry.get("infrequent_subset", [])}
        except Exception:  # noqa: BLE001
            return
        if given == want:
            root = self.subset_root(k, X)
            for sl in locs:
                self.follows(sl, root)
            return
        for sl in locs:
            d = self.at(sl)
            if d.given == "(missing)":
                d.reason = (f"missing: also a {k - 1}-subset of {self.p.name(X)} that is not in L_{k - 1}; "
                            "list every infrequent subset")
            elif "[given" in sl:
                d.reason = f"not expected: this subset is in L_{k - 1} (frequent)" if len(given) else d.reason
            self.step(d, f"prune_{k}")
        if given and given < want:
            self.name("one-subset-only", [sl for sl in locs if self.at(sl).given == "(missing)"], f"prune_{k}")

    def count(self, k, X, entry, loc, label) -> None:
        """A support the student counted (no earlier value of theirs feeds it): a root; duplicate-items if so."""
        d = self.at(loc)
        if d is None:
            return
        self.step(d, label)
        given = read_count(entry.get("support"), self.N)
        true = self.p.sigma(X)
        if given is not None and given != true:
            d.reason = f"differs: {given} counted, but {true} of the transactions contain {self.p.name(X)}"
            if given in self.p.sigma_repeated(X) - {true}:
                self.name("duplicate-items", [loc], label)

    def frequent(self, k, T, T_cand, C_s, pruned_s, union_s, prev, s_loc, label) -> None:
        """L_k (or, without levels, the frequent itemsets of size k): recomputed from the student's counts."""
        p, s = self.p, self.s
        counted = T_cand if T_cand is not None else None
        pool = (set(x for x in T_cand if x is not None) if T_cand is not None else C_s)

        def cnt(X):
            if counted is not None and X in counted:
                entry, loc, matched = counted[X]
                return read_count(entry.get("support"), self.N), (f"{loc}.support" if matched else loc)
            return p.sigma(X), None

        rule_L = {X for X in pool if (c := cnt(X)[0]) is not None and c >= s}
        strict_L = {X for X in pool if (c := cnt(X)[0]) is not None and c > s}
        listed = {X for X in T if X is not None}
        strict = listed == strict_L and strict_L != rule_L
        for X, (entry, loc, matched) in self.listed(T):
            c, c_loc = cnt(X)
            if matched:
                sl = f"{loc}.support"
                if self.at(sl) is None:
                    continue
                given = read_count(entry.get("support"), self.N)
                if c_loc is not None and given == c:
                    self.follows(sl, c_loc)
                    if self.at(sl).cause == "root":  # their count is right: copied wrongly into L_k
                        self.retell(sl, f"differs from the support {c} counted for {p.name(X)} in C_{k}", label)
                elif c_loc is None:
                    self.count(k, X, entry, sl, f"count_{k}")
                else:
                    self.retell(sl, f"differs from the support {c} counted for {p.name(X)} in C_{k}", label)
                continue
            # not expected in L_k
            if X in rule_L:
                root = (c_loc if self.at(c_loc) is not None else None) or self.subset_root(k, X) or s_loc
                if not self.follows(loc, root):
                    self.retell(loc, f"not expected: σ({p.name(X)}) = {p.sigma(X)} < σ_min = {p.s}", f"count_{k}")
                continue
            given = read_count(entry.get("support"), self.N)
            if k > 1 and X in pruned_s and T_cand is None:
                self.retell(loc, f"not expected: its subset {'; '.join(p.name(y) for y in pruned_s[X])} is not in "
                                 f"L_{k - 1}, so the prune step removes it", f"prune_{k}")
                self.name("no-prune", [loc], f"prune_{k}")
            elif k > 1 and X not in C_s and X in union_s and T_cand is None and self.infrequent(X, prev):
                self.retell(loc, f"not expected: a subset of {p.name(X)} is not in L_{k - 1}", f"prune_{k}")
                self.name("join-prefix", [loc], f"join_{k}")
                self.name("no-prune", [loc], f"prune_{k}")
            elif given is not None and given in p.sigma_repeated(X) - {p.sigma(X)} and given >= s:
                self.retell(loc, f"not expected: σ({p.name(X)}) = {p.sigma(X)} < σ_min = {s}", f"count_{k}")
                self.name("duplicate-items", [loc], f"count_{k}")
            elif c is not None and c < s:
                self.retell(loc, f"not expected: σ({p.name(X)}) = {c} < σ_min = {s}", label)
            else:
                self.retell(loc, f"not expected: {p.name(X)} is not a candidate at level {k}", label)
        for X, loc in T[None].items():
            c, c_loc = cnt(X)
            if X not in rule_L:
                if X not in pool:
                    root = None
                    if counted is not None:
                        root = counted[None].get(X)
                    root = root if self.at(root) is not None else self.subset_root(k, X)
                    self.follows(loc, root)
                else:
                    self.follows(loc, c_loc if self.at(c_loc) is not None else s_loc)
                continue
            self.retell(loc, f"missing: σ({p.name(X)}) = {c} ≥ σ_min = {s}", label)
            if strict and c == s:
                self.name("strict-threshold", [loc], "sigma_min")

    def all_frequent(self) -> None:
        """The list of every frequent itemset: the union of the student's L_k, else worked as each L_k."""
        if self.all is None:
            return
        p = self.p
        have_levels = {k for (k, part) in self.entries if part == "frequent"}
        for X, (entry, loc, matched) in self.listed(self.all):
            k = len(X)
            if k not in have_levels:
                continue
            level = self.entries[(k, "frequent")]
            if matched:
                sl = f"{loc}.support"
                if self.at(sl) is None:
                    continue
                if X in level and read_count(entry.get("support"), self.N) == \
                        read_count(level[X][0].get("support"), self.N):
                    self.follows(sl, level[X][1] + (".support" if level[X][2] else ""))
                    if self.at(sl).cause == "root":
                        self.retell(sl, f"differs from the support of {p.name(X)} in your L_{k}", f"L_{k}")
                else:
                    self.retell(sl, f"differs from the support of {p.name(X)} in L_{k}", f"count_{k}")
            elif X in level:
                self.follows(loc, self.L_location(k, X))
        for X, loc in self.all[None].items():
            k = len(X)
            if k in have_levels and X not in self.entries[(k, "frequent")]:
                self.follows(loc, self.entries[(k, "frequent")][None].get(X))
        # sizes without a level of their own: the list is that level's L_k
        for k in sorted({len(X) for X in self.all if X is not None} | {len(X) for X in self.all[None]}):
            if k in have_levels:
                continue
            T = {X: v for X, v in self.all.items() if X is not None and len(X) == k}
            T[None] = {X: loc for X, loc in self.all[None].items() if len(X) == k}
            prev = self.L.get(k - 1) if k > 1 else None
            if k > 1 and prev is None:
                prev = {X for X in self.all if X is not None and len(X) == k - 1}
            join_s = self.join(prev, k) if k > 1 else {frozenset([str(x)]): None for x in p.items}
            pruned_s = {c: subs for c in join_s if (subs := self.infrequent(c, prev))} if k > 1 else {}
            C_s = set(join_s) - set(pruned_s)
            union_s = self.any_union(prev, k) if k > 1 else {}
            self.L[k] = {X for X in T if X is not None}
            s_loc = "min_support_count" if self.at("min_support_count") is not None else None
            self.frequent(k, T, None, C_s, pruned_s, union_s, prev, s_loc, f"L_{k}" if k in self.exp_levels
                          else "all_frequent")

    def rules(self) -> None:
        rules = self.f.given.get("rules")
        if not isinstance(rules, list):
            return
        p = self.p
        exp = {(frozenset(str(x) for x in r["antecedent"]), frozenset(str(x) for x in r["consequent"])): i
               for i, r in enumerate(p.answer.get("rules", []))}
        worked = {ab: i for i, ab in enumerate(p.worked_rules, 1)}
        frequent_s = set().union(*self.L.values()) if self.L else set()
        for j, r in enumerate(rules, 1):
            if not isinstance(r, dict):
                continue
            try:
                A, B = _items_key(r["antecedent"]), _items_key(r["consequent"])
            except Exception:  # noqa: BLE001
                continue
            if (A, B) not in exp:
                loc = f"rules[given {j}]"
                U = A | B
                if U in frequent_s and not A & B and A and B:
                    self.follows(loc, self.L_location(len(U), U))
                else:
                    self.retell(loc, f"not expected: {p.name(U)} is not frequent, so it gives no rule", "rule_defs")
                continue
            self.rule(r, f"rules[{exp[(A, B)]}]", A, B, worked.get((A, B)))

    def rule(self, r, loc, A, B, worked_index) -> None:
        p = self.p
        N, N_loc = self.N, ("n_transactions" if self.at("n_transactions") is not None else None)

        def label(key):
            if worked_index is not None and key != "meets_min_confidence":
                name = {"antecedent_support": "support", "consequent_support": "support"}.get(key, key)
                return f"rule{worked_index}_{name}"
            return "rule_defs" if key != "meets_min_confidence" else "rules"

        # the three counts: the rule's own, else the student's tables
        counts, roots = {}, {}
        for key, X in (("support", A | B), ("antecedent_support", A), ("consequent_support", B)):
            table, t_loc = self.count_of(X)
            t_root = t_loc if self.at(t_loc) is not None else None
            here = f"{loc}.{key}"
            if key in r:
                value = read_count(r[key], N)
                if self.at(here) is not None:
                    if value is not None and value == table and t_root:
                        self.follows(here, t_root)
                    else:
                        self.retell(here, f"differs: σ({p.name(X)}) = {table if table is not None else p.sigma(X)}",
                                    label(key))
                counts[key] = value if value is not None else table
                roots[key] = here if self.at(here) is not None else t_root
            else:
                counts[key], roots[key] = table, t_root
        sxy, sa, sb = counts["support"], counts["antecedent_support"], counts["consequent_support"]
        count_roots = [roots[k] for k in ("support", "antecedent_support", "consequent_support") if roots[k]]
        if N_loc:
            count_roots.append(N_loc)
        first_root = count_roots[0] if count_roots else None
        ok = sxy is not None and sa and sb is not None and N

        def R(a, b):
            return sp.Rational(a, b) if b else None

        conf = R(sxy, sa) if ok else None
        conf_loc = f"{loc}.confidence"
        conf_given = r.get("confidence")
        if self.at(conf_loc) is not None and ok:
            if _same(conf, conf_given):
                self.follows(conf_loc, first_root)
            else:
                self.retell(conf_loc, f"differs: σ({p.name(A | B)}) / σ({p.name(A)}) = {sxy}/{sa}", label("confidence"))
                wrong = [w for w in (R(sxy, sb), R(sxy, N)) if w is not None]
                if any(_same(w, conf_given) for w in wrong):
                    self.name("confidence-denominator", [conf_loc], label("confidence"))
        # the student's confidence (as a value) feeds lift and conviction
        conf_s = conf
        if conf_given is not None and "confidence" in r:
            try:
                conf_s = parse_number(conf_given)
            except (ValueError, TypeError):
                conf_s = conf
        conf_root = conf_loc if self.at(conf_loc) is not None else first_root
        if not ok:
            return
        lift_loc = f"{loc}.lift"
        if self.at(lift_loc) is not None:
            lg = r.get("lift")
            if _same(R(N * sxy, sa * sb), lg):
                self.follows(lift_loc, first_root)
            elif conf_s is not None and sb and _same(conf_s * N / sb, lg):
                self.follows(lift_loc, conf_root)
            else:
                self.retell(lift_loc, f"differs: N·σ({p.name(A | B)}) / (σ({p.name(A)})·σ({p.name(B)})) = {N}·{sxy} / ({sa}·{sb})",
                            label("lift"))
                if _same(R(sxy, sa * sb), lg):
                    self.name("lift-formula", [lift_loc], label("lift"))
                if "confidence" not in r and any(_same(w * N / sb, lg) for w in (R(sxy, sb), R(sxy, N))
                                                 if w is not None and sb):
                    self.name("confidence-denominator", [lift_loc], label("confidence"))
        lev_loc = f"{loc}.leverage"
        if self.at(lev_loc) is not None:
            if _same(sp.Rational(sxy, N) - sp.Rational(sa * sb, N * N), r.get("leverage")):
                self.follows(lev_loc, first_root)
            else:
                self.retell(lev_loc, f"differs: σ({p.name(A | B)})/N - (σ({p.name(A)})/N)(σ({p.name(B)})/N) = {sxy}/{N} - ({sa}/{N})({sb}/{N})",
                            label("leverage"))
        conv_loc = f"{loc}.conviction"
        if self.at(conv_loc) is not None:
            cg = r.get("conviction")

            def conviction(c):
                return sp.oo if c == 1 else (1 - sp.Rational(sb, N)) / (1 - c)
            if _same(conviction(conf), cg):
                self.follows(conv_loc, first_root)
            elif conf_s is not None and _same(conviction(conf_s), cg):
                self.follows(conv_loc, conf_root)
            else:
                self.retell(conv_loc, f"differs: (1 - σ({p.name(B)})/N) / (1 - conf) = (1 - {sb}/{N}) / (1 - {conf})",
                            label("conviction"))
        meets_loc = f"{loc}.meets_min_confidence"
        if self.at(meets_loc) is not None and p.c_min is not None and conf_s is not None:
            mg = r.get("meets_min_confidence")
            if mg == bool(conf_s >= p.c_min):
                self.follows(meets_loc, conf_root)
            elif mg is False and conf_s == p.c_min:
                self.retell(meets_loc, f"the confidence {conf_s} is at least c_min = {p.c_min}", "rules")
                self.name("strict-threshold", [meets_loc], "sigma_min")
            else:
                self.retell(meets_loc, f"the confidence {conf_s} is {'at least' if conf_s >= p.c_min else 'below'} "
                                       f"c_min = {p.c_min}", "rules")
