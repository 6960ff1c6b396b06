"""PrefixSpan's theorems: the projection lemma and the completeness of pattern growth.

A sequence is a tuple of itemsets, each a sorted tuple of items; a pattern
``p`` is contained in a sequence ``s`` (``p ⊑ s``) when there are indices
j_1 < ... < j_k with ``p_i ⊆ s_{j_i}``; the support of ``p`` in a database is
the number of its sequences that contain ``p`` (Pei et al., TKDE 2004). The
brute force here counts every embedding, every tuple of indices
(``itertools.combinations``), and never uses a greedy or a projection; the
projections checked are the project's own, the textbook rules of the worked
PrefixSpan (:mod:`derivations.prefixspan._rules`: ``project``,
``count_extensions``, ``extend``), and the miner checked is also the
project's pure-Python PrefixSpan (:mod:`numerics.prefixspan_reference`).

The finite families: the 39 sequences of 1 to 3 itemsets over the items
{a, b} (each itemset {a}, {b} or {a, b}); every database of 1 to 3 of them
(11,479 databases, multisets: the order of sequences does not change a
support); for the miner, every database of 1 to 3 sequences of 1 or 2
itemsets over {a, b} (454 databases) with every minimum support. Seeded
random databases come from the project's SplitMix64 stream.
``tests/test_theorems_prefixspan.py`` checks the same claims by hypothesis on
other random databases.
"""
from __future__ import annotations

from functools import lru_cache
from itertools import combinations, combinations_with_replacement, product

from .base import FalseVariant, Theorem, math, search

__all__ = ["THEOREMS"]

_ITEMSETS = (("a",), ("b",), ("a", "b"))
_SEQUENCES = tuple(s for k in (1, 2, 3) for s in product(_ITEMSETS, repeat=k))           # 39 sequences
_SHORT = tuple(s for s in _SEQUENCES if len(s) <= 2)                                      # 12 sequences
_FAMILY_SEQ = "every sequence of 1-3 itemsets over {a, b} (39 sequences)"
_FAMILY_DB = "every database of 1-3 sequences of 1-3 itemsets over {a, b} (11,479 databases)"
_FAMILY_MINE = ("every database of 1-3 sequences of 1-2 itemsets over {a, b} (454 databases) and every minimum "
                "support from 1 to its number of sequences")
_RANDOM = ("40 random databases of 3-5 sequences of 1-4 itemsets over {a, b, c} (each itemset a uniformly drawn "
           "non-empty subset; seed 0)")


def _databases(pool, most: int = 3):
    for k in range(1, most + 1):
        yield from combinations_with_replacement(pool, k)


def _random_databases(count: int = 40):
    from ..exercise.rng import Rng
    rng = Rng(0, stream="theorems/prefixspan")
    subsets = [tuple(c) for k in (1, 2, 3) for c in combinations("abc", k)]
    for _ in range(count):
        yield tuple(tuple(rng.choice(subsets) for _ in range(rng.integer(1, 4))) for _ in range(rng.integer(3, 5)))


@lru_cache(maxsize=None)
def _patterns(items=("a", "b"), most: int = 2) -> tuple:
    """Every pattern of 1 to ``most`` items over ``items`` (itemsets sorted)."""
    subsets = [tuple(c) for k in range(1, most + 1) for c in combinations(items, k)]
    out = []

    def grow(p, size):
        if size:
            out.append(p)
        for a in subsets:
            if size + len(a) <= most:
                grow(p + (a,), size + len(a))
    grow((), 0)
    return tuple(out)


@lru_cache(maxsize=None)
def _continuations(alpha, items=("a", "b"), most: int = 2) -> tuple:
    """Every β of 1 to ``most`` items that continues α: ("s", β) a new itemset first, ("i", β) its first itemset
    joined to α's last (its items sort after α's last item)."""
    out = [("s", b) for b in _patterns(items, most)]
    out += [("i", b) for b in _patterns(items, most) if min(b[0]) > alpha[-1][-1]]
    return tuple(out)


def _joined(alpha, kind: str, beta) -> tuple:
    """α+β: β's itemsets after α's (s), or β's first itemset merged into α's last (i)."""
    if kind == "s":
        return alpha + beta
    return alpha[:-1] + (tuple(sorted(alpha[-1] + beta[0])),) + beta[1:]


def _written(p, kind: str = "s") -> str:
    parts = []
    for k, a in enumerate(p):
        body = ("_" if kind == "i" and k == 0 else "") + "".join(a)
        parts.append(body if len(body) == 1 else f"({body})")
    return "<" + "".join(parts) + ">"


def _db_written(db) -> str:
    return "{" + ", ".join(_written(s) for s in db) + "}"


# --------------------------------------------------------------------------- brute force
@lru_cache(maxsize=None)
def _embeddings(seq, pattern) -> int:
    """The number of embeddings of ``pattern`` in ``seq``: index tuples j_1 < ... < j_k with p_i ⊆ s_{j_i}."""
    if not pattern:
        return 1
    return sum(1 for js in combinations(range(len(seq)), len(pattern))
               if all(set(p) <= set(seq[j]) for p, j in zip(pattern, js)))


def _contains(seq, pattern) -> bool:
    return _embeddings(seq, pattern) > 0


def _earliest_end(seq, pattern):
    """The smallest last index j_k over all embeddings (None when there is none)."""
    ends = [js[-1] for js in combinations(range(len(seq)), len(pattern))
            if all(set(p) <= set(seq[j]) for p, j in zip(pattern, js))]
    return min(ends) if ends else None


@lru_cache(maxsize=None)
def _subpatterns(seq) -> frozenset:
    """Every pattern contained in ``seq``: choose itemsets, then a non-empty subset of each."""
    out = set()
    for k in range(1, len(seq) + 1):
        for js in combinations(range(len(seq)), k):
            choices = [[tuple(c) for r in range(1, len(seq[j]) + 1) for c in combinations(seq[j], r)] for j in js]
            out.update(product(*choices))
    return frozenset(out)


def _frequent(db, minsup: int) -> dict:
    """{pattern: support} of every pattern with support ≥ minsup, by brute force."""
    counts: dict = {}
    for s in db:
        for p in _subpatterns(s):
            counts[p] = counts.get(p, 0) + 1
    return {p: c for p, c in counts.items() if c >= minsup}


# ---------------------------------------------------------------------- the project's rules
@lru_cache(maxsize=None)
def _project(seq, alpha, index: int = 0):
    from ..prefixspan._rules import project
    return project(seq, alpha, index)


def _projected_count(pr, alpha, kind: str, beta) -> int:
    """The embeddings of β in one projected sequence γ = (_partial) rest: for an s-continuation in γ's whole
    itemsets; for an i-continuation ⟨(_Y) β'⟩, Y in the ``_`` itemset and β' after it, or Y with α's last itemset
    in a later itemset and β' after that one."""
    rest = tuple(pr.rest)
    if kind == "s":
        return _embeddings(rest, beta)
    y, tail = set(beta[0]), beta[1:]
    n = _embeddings(rest, tail) if y <= set(pr.partial) else 0
    need = y | set(alpha[-1])
    return n + sum(_embeddings(rest[k + 1:], tail) for k, a in enumerate(rest) if need <= set(a))


def _per_sequence(n: int) -> int:
    return 1 if n > 0 else 0


def _per_occurrence(n: int) -> int:
    return n


@lru_cache(maxsize=None)
def _gap(seq, alpha, kind, beta, count) -> int:
    """The count of α+β in ``seq`` minus the count of β in seq|α."""
    whole, projected = _sides(seq, alpha, kind, beta, count)
    return whole - projected


@lru_cache(maxsize=None)
def _sides(seq, alpha, kind, beta, count) -> tuple[int, int]:
    """(the count of α+β in ``seq``, the count of β in seq|α), each counted by ``count``."""
    whole = count(_embeddings(seq, _joined(alpha, kind, beta)))
    pr = _project(seq, alpha)
    return whole, 0 if pr is None else count(_projected_count(pr, alpha, kind, beta))


def _lemma_cases(databases, items=("a", "b")):
    for db in databases:
        for alpha in _patterns(items):
            for kind, beta in _continuations(alpha, items):
                yield db, alpha, kind, beta


def _lemma_claim(count):
    """The claim σ_S(α+β) = σ_{S|α}(β), with support counted by ``count`` (per sequence or per occurrence)."""
    def claim(case) -> bool:
        db, alpha, kind, beta = case
        return sum([_gap(s, alpha, kind, beta, count) for s in db]) == 0
    return claim


def _projection_is_earliest(case) -> bool:
    """The project's projection is the suffix after the earliest occurrence (None when α does not occur)."""
    seq, alpha = case
    pr, e = _project(seq, alpha), _earliest_end(seq, alpha)
    if e is None:
        return pr is None
    partial = tuple(x for x in seq[e] if x > alpha[-1][-1])
    return pr is not None and tuple(pr.partial) == partial and tuple(pr.rest) == tuple(seq[e + 1:])


def _sequence_claim(case) -> bool:
    """For one sequence: α+β ⊑ s iff β occurs in s|α."""
    seq, alpha, kind, beta = case
    whole, projected = _sides(seq, alpha, kind, beta, _per_sequence)
    return whole == projected


def _projection_lemma():
    from ..model import Prose, Step, checked
    from ..result import Result
    alphas = _patterns(most=3)
    bad_proj, n_proj = search(((s, a) for s in _SEQUENCES for a in alphas), _projection_is_earliest)
    seq_cases = ((s, a, k, b) for s in _SEQUENCES for a in _patterns() for k, b in _continuations(a))
    bad_seq, n_seq = search(seq_cases, _sequence_claim)
    bad_db, n_db = search(_lemma_cases(_databases(_SEQUENCES)), _lemma_claim(_per_sequence))
    bad_rnd, n_rnd = search(_lemma_cases(_random_databases(), ("a", "b", "c")), _lemma_claim(_per_sequence))
    alpha, beta = math(r"\alpha", "α"), math(r"\beta", "β")
    steps = [
        Step(Prose(("A sequence is a list of itemsets. A pattern ", math(r"p = \langle p_1 \dots p_k \rangle",
                                                                         "p = <p_1 ... p_k>"),
                    " is contained in a sequence s, ", math(r"p \sqsubseteq s", "p ⊑ s"), ", when there are indices ",
                    math(r"j_1 < \dots < j_k", "j_1 < ... < j_k"), " with ", math(r"p_i \subseteq s_{j_i}",
                                                                                 "p_i ⊆ s_(j_i)"),
                    " (an embedding). Its support in a database S is ",
                    math(r"\sigma_S(p) = |\{ s \in S : p \sqsubseteq s \}|", "σ_S(p) = |{s in S : p ⊑ s}|"), ".")),
             why="Containment and support.", role="definition"),
        Step(Prose(("For a sequence s containing ", alpha, ", let e be the smallest index at which an embedding "
                    "of ", alpha, " can end. The projection ", math(r"s|_\alpha", "s|α"),
                    " is the rest of ", math("s_e", "s_e"), " after the last item of ", alpha,
                    " (written with an underscore, ", math(r"(\_x)", "(_x)"), ") followed by ",
                    math(r"s_{e+1}, s_{e+2}, \dots", "s_(e+1), s_(e+2), ..."), "; the projected database ",
                    math(r"S|_\alpha", "S|α"), " holds the projections of the sequences that contain ", alpha,
                    ". A continuation ", beta, " of ", alpha, " either starts a new itemset (",
                    math(r"\alpha + \beta = \langle \alpha\, \beta \rangle", "α+β = <α β>"),
                    ") or joins its first itemset Y to the last itemset of ", alpha, " (", beta, " written ",
                    math(r"\langle (\_Y) \dots \rangle", "<(_Y) ...>"), ", the items of Y after those of ", alpha,
                    "'s last itemset). ", beta, " occurs in a projected sequence when it is contained in its whole "
                    "itemsets, or, for ", math(r"\langle (\_Y)\, \beta' \rangle", "<(_Y) β'>"),
                    ", when Y is in the underscore itemset, or in a later itemset together with ", alpha,
                    "'s last itemset, and ", math(r"\beta'", "β'"), " is contained after it. ",
                    math(r"\sigma_{S|_\alpha}(\beta)", "σ_(S|α)(β)"), " is the number of projected sequences in "
                    "which ", beta, " occurs.")),
             why="The projected database (Pei et al. 2004, Definition 3.3) and the support in it.",
             role="definition"),
        Step(Prose(("Support is counted per sequence: a sequence that contains a pattern adds 1 to its support "
                    "however many embeddings it has.")),
             why="How support is counted (the lemma needs it).", role="premise"),
        Step(Prose(("The project's projection is this suffix: it scans for the first itemset holding each "
                    "itemset of ", alpha, " in turn (the greedy choice), and the greedy end is the earliest "
                    "end e over all embeddings.")),
             why="The projection the worked PrefixSpan computes.",
             check=checked(f"exhaustively, the projection of the worked PrefixSpan (derivations.prefixspan rules, "
                           f"project) against the earliest end over all embeddings enumerated, for {_FAMILY_SEQ} "
                           f"and every α of "
                           f"1-3 items over {{a, b}} ({n_proj:,} cases)", bad_proj is None)),
        Step(Prose(("For one sequence s containing ", alpha, ": ", math(r"\alpha + \beta \sqsubseteq s", "α+β ⊑ s"),
                    " if and only if ", beta, " occurs in ", math(r"s|_\alpha", "s|α"), ". If ", beta,
                    " occurs there, the earliest embedding of ", alpha, " followed by ", beta,
                    "'s occurrence embeds ", math(r"\alpha + \beta", "α+β"), ". Conversely an embedding of ",
                    math(r"\alpha + \beta", "α+β"), " embeds ", alpha, " ending at some index ",
                    math(r"\ge e", "≥ e"), ", so the part of ", beta, " that starts a new itemset lies in ",
                    math(r"s_{e+1}, \dots", "s_(e+1), ..."), "; a joined Y lies in ", math("s_e", "s_e"),
                    " (after ", alpha, "'s last item, so in the underscore itemset) or in a later itemset "
                    "together with ", alpha, "'s last itemset. A sequence that does not contain ", alpha,
                    " contains no ", math(r"\alpha + \beta", "α+β"), " and has no projection.")),
             why="Glue the earliest occurrence of α to an occurrence of β; cut an occurrence of α+β after α.",
             check=checked(f"exhaustively for {_FAMILY_SEQ}, every α of 1-2 items and every continuation β of 1-2 "
                           f"items over {{a, b}} ({n_seq:,} cases): s contains α+β (enumerated embeddings) iff β "
                           "occurs in the worked PrefixSpan's projection s|α", bad_seq is None)),
        Step(Prose(("Summing over the sequences of S, each counted once: ",
                    math(r"\sigma_S(\alpha + \beta) = \sigma_{S|_\alpha}(\beta)", "σ_S(α+β) = σ_(S|α)(β)"), ".")),
             why="Support per sequence is a sum of the per-sequence indicators.",
             check=checked(f"exhaustively over {_FAMILY_DB}, every α of 1-2 items and every continuation β of 1-2 "
                           f"items ({n_db:,} cases; the per-sequence counts are computed once per sequence and "
                           f"memoised), and on {_RANDOM}, every α and β of 1-2 items over {{a, b, c}} "
                           f"({n_rnd:,} cases)", bad_db is None and bad_rnd is None)),
    ]
    return Result(kind="theorem.projection_lemma", title="The PrefixSpan projection lemma",
                  theorem=("For patterns ", alpha, " and ", beta, " (", beta, " continuing ", alpha,
                           " with a new itemset or into its last one) and support counted per sequence, ",
                           math(r"\sigma_S(\alpha + \beta) = \sigma_{S|_\alpha}(\beta)", "σ_S(α+β) = σ_(S|α)(β)"),
                           ": the support of α+β in the database is the support of β in the α-projected "
                           "database (Pei et al. 2004, Lemma 3.2)."),
                  steps=steps)


def _projection_false() -> FalseVariant:
    case, n = search(_lemma_cases(_databases(_SEQUENCES)), _lemma_claim(_per_occurrence))
    text, detail = None, {}
    if case is not None:
        db, alpha, kind, beta = case
        sides = [_sides(s, alpha, kind, beta, _per_occurrence) for s in db]
        whole, proj = sum(w for w, _ in sides), sum(p for _, p in sides)
        joined = _joined(alpha, kind, beta)
        projected = [_project(s, alpha) for s in db]
        shown = ", ".join(_written((("_" + "".join(p.partial)),) + tuple(p.rest)) if p.partial
                          else _written(tuple(p.rest)) for p in projected if p is not None)
        text = (f"S = {_db_written(db)}, α = {_written(alpha)}, β = {_written(beta, kind)}: counted per occurrence, "
                f"{_written(joined)} has {whole} embedding(s) in S, but β has {proj} in S|α = {{{shown}}}: the "
                "projection keeps only the suffix after the earliest occurrence of α")
        detail = {"database": [[list(a) for a in s] for s in db], "alpha": [list(a) for a in alpha],
                  "beta": [list(a) for a in beta], "beta_joins_last_itemset": kind == "i",
                  "occurrences_in_database": whole, "occurrences_in_projection": proj}
    return FalseVariant("projection-lemma", "The projection lemma with support counted per occurrence (every "
                        "embedding counted): the embeddings of α+β in S equal the embeddings of β in S|α.",
                        f"The proof's comparison of both sides, over {_FAMILY_DB}, every α and β of 1-2 items.",
                        text, detail, n)


# ------------------------------------------------------------------- pattern growth
def _grow(db, minsup: int, i_extensions: bool = True) -> dict:
    """PrefixSpan by the worked module's textbook rules: frequent items, then every frequent prefix extended by
    the items counted in its projected database (s- and, unless switched off, i-extensions), recursively."""
    from ..prefixspan._rules import count_extensions, extend, project
    found: dict = {}

    def recurse(pattern, projected):
        i_found, s_found = count_extensions(projected, pattern[-1])
        for y, where in s_found.items():
            if len(where) >= minsup:
                child = pattern + ((y,),)
                found[child] = len(where)
                recurse(child, extend(projected, pattern[-1], y, "s"))
        if i_extensions:
            for y, where in i_found.items():
                if len(where) >= minsup:
                    child = pattern[:-1] + (tuple(sorted(pattern[-1] + (y,))),)
                    found[child] = len(where)
                    recurse(child, extend(projected, pattern[-1], y, "i"))

    for x in sorted({x for s in db for a in s for x in a}):
        projected = [pr for i, s in enumerate(db) if (pr := project(s, ((x,),), i)) is not None]
        if len(projected) >= minsup:
            found[((x,),)] = len(projected)
            recurse(((x,),), projected)
    return found


def _reference(db, minsup: int) -> dict:
    from ...numerics.prefixspan_reference import prefixspan
    return {tuple(tuple(a) for a in p): c for p, c in prefixspan([list(map(list, s)) for s in db], minsup)}


def _mining_cases(databases):
    for db in databases:
        for minsup in range(1, len(db) + 1):
            yield db, minsup


def _complete_claim(miner):
    """The claim "the miner returns exactly the frequent patterns, with their supports"."""
    def claim(case) -> bool:
        db, minsup = case
        return miner(db, minsup) == _frequent(db, minsup)
    return claim


def _parent(p):
    """p without its last item (the last item of its last itemset)."""
    return p[:-1] if len(p[-1]) == 1 else p[:-1] + (p[-1][:-1],)


def _parent_claim(case) -> bool:
    """p is an s- or i-extension of its parent, and every sequence containing p contains the parent."""
    from ..prefixspan._rules import is_prefix
    p, seq = case
    q = _parent(p)
    return is_prefix(q, p) and (not _contains(seq, p) or _contains(seq, q))


def _extend_claim(case) -> bool:
    """Lemma 3.2(1): projecting S|α on one more item y is projecting S on α+y (and is the earliest-end suffix)."""
    from ..prefixspan._rules import extend
    seq, alpha, kind, y = case
    pr = _project(seq, alpha)
    child = _joined(alpha, kind, ((y,),))
    once = _project(seq, child)
    twice = extend([pr] if pr is not None else [], alpha[-1], y, kind)
    if once is None:
        return not twice
    return (len(twice) == 1 and (twice[0].partial, twice[0].rest) == (once.partial, once.rest)
            and _projection_is_earliest((seq, child)))


def _extension_count_claim(case) -> bool:
    """The count of an item in S|α (count_extensions) is σ_S of the extended pattern."""
    from ..prefixspan._rules import count_extensions
    db, alpha = case
    projected = [pr for i, s in enumerate(db) if (pr := _project(s, alpha, i)) is not None]
    i_found, s_found = count_extensions(projected, alpha[-1])
    for kind, found in (("s", s_found), ("i", i_found)):
        for y in sorted({x for s in db for a in s for x in a} | {"a", "b"}):
            if kind == "i" and y <= alpha[-1][-1]:
                continue
            direct = sum(1 for s in db if _contains(s, _joined(alpha, kind, ((y,),))))
            if len(found.get(y, ())) != direct:
                return False
    return True


def _pattern_growth():
    from ..model import Prose, Step, checked
    from ..result import Result
    pats = [p for p in _patterns(("a", "b", "c"), 4) if sum(map(len, p)) >= 2]
    bad_par, n_par = search(((p, s) for p in pats for s in _SEQUENCES), _parent_claim)
    ext_cases = ((s, a, k, y) for s in _SEQUENCES for a in _patterns(most=3) for k in ("s", "i") for y in ("a", "b")
                 if k == "s" or y > a[-1][-1])
    bad_ext, n_ext = search(ext_cases, _extend_claim)
    bad_cnt, n_cnt = search(((db, a) for db in _databases(_SHORT) for a in _patterns()), _extension_count_claim)
    bad_cnt_r, n_cnt_r = search(((db, a) for db in _random_databases() for a in _patterns(("a", "b", "c"))),
                                _extension_count_claim)
    bad_grow, n_grow = search(_mining_cases(_databases(_SHORT)), _complete_claim(_grow))
    bad_grow_r, n_grow_r = search(_mining_cases(_random_databases()), _complete_claim(_grow))
    bad_ref, n_ref = search(_mining_cases(_databases(_SHORT)), _complete_claim(_reference))
    bad_ref_r, n_ref_r = search(_mining_cases(_random_databases()), _complete_claim(_reference))
    alpha = math(r"\alpha", "α")
    steps = [
        Step(Prose(("A pattern is frequent when its support (per sequence) is at least the minimum support ",
                    math(r"\xi", "ξ"), ". PrefixSpan starts from the frequent items; for each frequent prefix ", alpha,
                    " it builds ", math(r"S|_\alpha", "S|α"), ", counts in it every item y that extends ", alpha,
                    " as a new itemset (y in a whole itemset) or into its last itemset (y in the underscore "
                    "itemset, or with ", alpha, "'s last itemset in a later one), reports each extension with "
                    "count ", math(r"\ge \xi", "≥ ξ"), " and recurses on it with ",
                    math(r"(S|_\alpha)|_y", "(S|α)|y"), ".")),
             why="Pattern growth (Pei et al. 2004, Algorithm 1).", role="definition"),
        Step(Prose(("Support is counted per sequence, so the projection lemma holds and support is "
                    "anti-monotone: ", math(r"q \sqsubseteq p \implies \sigma(p) \le \sigma(q)",
                                           "q ⊑ p implies σ(p) ≤ σ(q)"), ".")),
             why="The premises.", role="premise"),
        Step(Prose(("Every pattern p of k + 1 items has a parent, p without its last item (the last item of its "
                    "last itemset): p is an s- or i-extension of its parent, and the parent is contained in p, so "
                    "every sequence containing p contains the parent and ",
                    math(r"\sigma(\mathrm{parent}) \ge \sigma(p)", "σ(parent) ≥ σ(p)"),
                    ". A frequent pattern's parent is frequent.")),
             why="Every pattern grows from a shorter one.",
             check=checked(f"exhaustively for every pattern p of 2-4 items over {{a, b, c}} against {_FAMILY_SEQ}, "
                           f"{n_par:,} cases: the parent is a prefix of p in the worked PrefixSpan's sense "
                           "(is_prefix), and containment of p implies containment of the parent (embeddings "
                           "enumerated)", bad_par is None)),
        Step(Prose(("Projecting twice is projecting once: ",
                    math(r"(S|_\alpha)|_y = S|_{\alpha + y}", "(S|α)|y = S|(α+y)"),
                    " (Lemma 3.2(1)), so the recursion works on the right projected database.")),
             why="The earliest occurrence of α+y extends the earliest occurrence of α.",
             check=checked(f"the worked PrefixSpan's extend of s|α by one item against its project of s on α+y and "
                           f"against the earliest end over all embeddings, exhaustively for {_FAMILY_SEQ}, every α of 1-3 items "
                           f"and every s- and i-extension by a or b ({n_ext:,} cases)", bad_ext is None)),
        Step(Prose(("The count of y in ", math(r"S|_\alpha", "S|α"), " is the support of the extension, ",
                    math(r"\sigma_S(\alpha + y)", "σ_S(α+y)"), " (the projection lemma with β one item), so "
                    "every reported support is exact.")),
             why="The projection lemma.",
             check=checked(f"the worked PrefixSpan's count_extensions in S|α against supports counted by "
                           f"enumerated embeddings, for every s- and i-extension by one item, exhaustively over every "
                           f"database of 1-3 sequences of 1-2 itemsets over {{a, b}} (454 databases) and every α of "
                           f"1-2 items over {{a, b}} ({n_cnt:,} cases), and on {_RANDOM} with every α of 1-2 items "
                           f"over {{a, b, c}} ({n_cnt_r:,} cases)",
                           bad_cnt is None and bad_cnt_r is None)),
        Step(Prose(("By induction on the number of items: the frequent 1-patterns are the frequent items; a "
                    "frequent pattern of k + 1 items has a frequent parent, found by the induction hypothesis, "
                    "in whose projected database it is counted with its exact support ",
                    math(r"\ge \xi", "≥ ξ"), ", so it is reported. Only counts ", math(r"\ge \xi", "≥ ξ"),
                    " are reported, and they are exact, so only frequent patterns are. PrefixSpan returns exactly "
                    "the frequent patterns.")),
             why="Completeness and soundness.",
             check=checked(f"the patterns and supports returned equal the frequent patterns found by brute force "
                           f"(every pattern contained in a sequence enumerated, its support counted), for PrefixSpan "
                           f"by the worked module's rules and for the project's pure-Python PrefixSpan "
                           f"(numerics.prefixspan_reference), exhaustively over {_FAMILY_MINE} ({n_grow:,} and "
                           f"{n_ref:,} cases), and on {_RANDOM} with every minimum support ({n_grow_r:,} and "
                           f"{n_ref_r:,} cases)",
                           bad_grow is None and bad_grow_r is None and bad_ref is None and bad_ref_r is None)),
    ]
    return Result(kind="theorem.pattern_growth_complete", title="PrefixSpan's pattern growth is complete",
                  theorem=("With support counted per sequence, PrefixSpan's pattern growth by s- and i-extensions "
                           "in projected databases returns every frequent sequential pattern and only those: the "
                           "patterns it returns are exactly those with ",
                           math(r"\sigma(p) \ge \xi", "σ(p) ≥ ξ"), ", with their supports."),
                  steps=steps)


def _pattern_growth_false() -> FalseVariant:
    case, n = search(_mining_cases(_databases(_SHORT)), _complete_claim(lambda db, s: _grow(db, s, False)))
    text, detail = None, {}
    if case is not None:
        db, minsup = case
        missed = sorted(set(_frequent(db, minsup)) - set(_grow(db, minsup, False)))
        text = (f"S = {_db_written(db)}, minimum support {minsup}: growth by new itemsets only misses the frequent "
                f"pattern(s) " + ", ".join(_written(p) for p in missed))
        detail = {"database": [[list(a) for a in s] for s in db], "min_support": minsup,
                  "missed": [[list(a) for a in p] for p in missed]}
    return FalseVariant("pattern-growth-complete", "Pattern growth by s-extensions alone (new itemsets only, no "
                        "i-extension, no (_x)) finds every frequent pattern.",
                        f"The proof's comparison with the brute-force frequent patterns, over {_FAMILY_MINE}.",
                        text, detail, n)


THEOREMS = [
    Theorem("projection-lemma", "prefixspan", "The support of α+β in the database is the support of β in the "
            "α-projected database (support counted per sequence).", _projection_lemma, _projection_false),
    Theorem("pattern-growth-complete", "prefixspan", "PrefixSpan's pattern growth returns exactly the frequent "
            "sequential patterns, with their supports.", _pattern_growth, _pattern_growth_false),
]
