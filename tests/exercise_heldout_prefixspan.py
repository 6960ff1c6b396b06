"""Held-out check of the prefixspan exercise generator (not collected by pytest).

For seeds 1000-1029 at every level, every answer key is compared with a brute force written here from the
definitions (containment by trying every embedding, supports by counting the sequences that contain a
candidate pattern, the projection as the suffix after the shortest prefix of the sequence that contains the
pattern), the frequent 1-sequences also with PrefixSpan-py (the ``prefixspan`` package, single items), and
every stated property is verified here, independently of the generator; sizes and step counts are equal
within a level and no two givens are the same.

Run: ``.venv/bin/python tests/exercise_heldout_prefixspan.py``; one line per level; exit 1 on a failure.
The test file tests/test_exercise_prefixspan.py imports the checks below.
"""
from __future__ import annotations

import sys

SIZES = {"easy": (4, 3, 6, 5, 2, 1), "exam": (5, 4, 8, 6, 2, 1), "hard": (6, 4, 9, 7, 3, 2)}  # n, K, T, A, ms, |P|
PROPERTIES = ("infrequent-item-dropped", "itemset-extension-both-sources", "underscore-in-projection")


# ----------------------------------------------------------------- the brute force
def database(givens) -> list[tuple[frozenset, ...]]:
    return [tuple(frozenset(a) for a in s) for s in givens["sequences"]]


def parse_pattern(text: str) -> tuple[frozenset, ...]:
    """``<(ab)c>`` -> ({a, b}, {c}) (one-character items, as the exercise writes them)."""
    assert text[0] == "<" and text[-1] == ">", text
    out, i, body = [], 0, text[1:-1]
    while i < len(body):
        if body[i] == "(":
            j = body.index(")", i)
            out.append(frozenset(body[i + 1:j]))
            i = j + 1
        else:
            out.append(frozenset(body[i]))
            i += 1
    return tuple(out)


def write(seq, partial: frozenset = frozenset()) -> str:
    """The hand notation; ``partial`` first as ``(_xy)``."""
    head = "(_" + "".join(sorted(partial)) + ")" if partial else ""
    return "<" + head + "".join(min(a) if len(a) == 1 else "(" + "".join(sorted(a)) + ")" for a in seq) + ">"


def contains(seq, pattern) -> bool:
    """Whether some increasing choice of itemsets of ``seq`` holds the pattern's itemsets (every embedding tried)."""
    if not pattern:
        return True
    return any(pattern[0] <= seq[j] and contains(seq[j + 1:], pattern[1:]) for j in range(len(seq)))


def support(db, pattern) -> int:
    return sum(contains(s, pattern) for s in db)


def projection(seq, prefix):
    """(underscore items, later itemsets) after the shortest prefix of ``seq`` containing ``prefix``, or None.

    The definition: the smallest j such that seq[:j] contains prefix[:-1] and seq[j] holds prefix[-1]; the
    underscore items are those of seq[j] that sort after every item of prefix[-1].
    """
    for j in range(len(seq)):
        if prefix[-1] <= seq[j] and contains(seq[:j], prefix[:-1]):
            top = max(prefix[-1])
            return frozenset(x for x in seq[j] if x > top), tuple(seq[j + 1:])
    return None


def paper_form(proj, frequent):
    partial, rest = proj
    partial = frozenset(x for x in partial if x in frequent)
    rest = tuple(a for a in (frozenset(x for x in a if x in frequent) for a in rest) if a)
    return partial, rest


def brute_key(givens) -> dict:
    """The answer key from the definitions: min_support, frequent_1, projected, extensions (as sets)."""
    db = database(givens)
    ms = int(givens["min_support"])
    prefix = parse_pattern(givens["prefix"])
    items = sorted({x for s in db for a in s for x in a})
    supports = {x: support(db, (frozenset(x),)) for x in items}
    frequent = {x for x in items if supports[x] >= ms}
    projected = []
    for sid, seq in enumerate(db, 1):
        proj = projection(seq, prefix)
        if proj is None:
            continue
        partial, rest = paper_form(proj, frequent)
        if partial or rest:
            projected.append((str(sid), write(rest, partial)))
    extensions = set()
    last = prefix[-1]
    for y in items:  # every candidate one item longer, counted by containment in the whole database
        grown = prefix + (frozenset(y),)
        s = support(db, grown)
        if s >= ms:
            extensions.add((write(grown), "new_itemset", s))
        if y > max(last):
            grown = prefix[:-1] + (last | {y},)
            s = support(db, grown)
            if s >= ms:
                extensions.add((write(grown), "into_last_itemset", s))
    return {"min_support": ms, "frequent_1": [(write((frozenset(x),)), supports[x]) for x in sorted(frequent)],
            "projected": projected, "extensions": extensions}


def prefixspan_py_frequent_1(givens) -> list[tuple[str, int]]:
    """The frequent items by PrefixSpan-py (single items: each sequence flattened, which keeps item supports)."""
    from prefixspan import PrefixSpan
    flat = [[x for a in s for x in a] for s in givens["sequences"]]
    ps = PrefixSpan(flat)
    ps.maxlen = 1
    found = ps.frequent(int(givens["min_support"]))
    return sorted((f"<{patt[0]}>", sup) for sup, patt in found)


# ----------------------------------------------------------------- the properties, from the definitions
def holds(givens) -> dict[str, bool]:
    db = database(givens)
    ms = int(givens["min_support"])
    prefix = parse_pattern(givens["prefix"])
    last = prefix[-1]
    items = sorted({x for s in db for a in s for x in a})
    frequent = {x for x in items if support(db, (frozenset(x),)) >= ms}
    strict = [p for p in (projection(s, prefix) for s in db) if p is not None]
    paper = [q for q in (paper_form(p, frequent) for p in strict) if q[0] or q[1]]
    underscore = any(partial for partial, _ in paper)
    dropped = any(x not in frequent for partial, rest in strict for x in set(partial).union(*rest))
    both = False
    for x in sorted(frequent):
        if x <= max(last):
            continue
        need = last | {x}
        via_under = [x in partial for partial, _ in paper]
        via_later = [any(need <= a for a in rest) for _, rest in paper]
        only_under = any(u and not v for u, v in zip(via_under, via_later))
        only_later = any(v and not u for u, v in zip(via_under, via_later))
        frequent_ext = support(db, prefix[:-1] + (need,)) >= ms
        if only_under and only_later and frequent_ext and sum(via_under) < ms:
            both = True
    return {"underscore-in-projection": underscore, "infrequent-item-dropped": dropped,
            "itemset-extension-both-sources": both}


# ----------------------------------------------------------------- one exercise
def prefixspan_problems(ex, *, peer: bool = True) -> list[str]:
    """Everything wrong with one prefixspan exercise (empty when the key and every stated property hold)."""
    g, problems = ex.givens, []
    if not {"sequences", "min_support", "prefix"} <= set(g):
        problems.append(f"givens keys {sorted(g)}")
    n, K, T, A, ms, plen = SIZES[ex.level]
    seqs = g["sequences"]
    if len(seqs) != n or not 4 <= n <= 6:
        problems.append(f"{len(seqs)} sequences, expected {n}")
    if any(len(s) != K or sum(len(a) for a in s) != T for s in seqs):
        problems.append(f"a sequence has not {K} itemsets of {T} items in all")
    if any(list(a) != sorted(set(a)) or not all(isinstance(x, str) for x in a) for s in seqs for a in s):
        problems.append("an itemset is not a sorted list of distinct item strings")
    if not any(len(a) >= 2 for s in seqs for a in s):
        problems.append("no itemset of two or more items")
    if len({x for s in seqs for a in s for x in a}) != A:
        problems.append(f"not {A} distinct items")
    if g["min_support"] != str(ms):
        problems.append(f"min_support {g['min_support']!r}, expected {ms!r}")
    prefix = parse_pattern(g["prefix"])
    if len(prefix) != 1 or len(prefix[0]) != plen:
        problems.append(f"prefix {g['prefix']} is not one itemset of {plen} item(s)")
    expected = brute_key(g)
    key = ex.key
    if key["min_support"] != expected["min_support"]:
        problems.append(f"key min_support {key['min_support']} != {expected['min_support']}")
    got_1 = [(e["pattern"], e["support"]) for e in key["frequent_1"]]
    if got_1 != expected["frequent_1"]:
        problems.append(f"key frequent_1 {got_1} != brute force {expected['frequent_1']}")
    if peer and sorted(got_1) != prefixspan_py_frequent_1(g):
        problems.append(f"key frequent_1 {got_1} != PrefixSpan-py {prefixspan_py_frequent_1(g)}")
    [proj] = key["projected"]
    got_p = list(zip(proj["sequence_ids"], proj["sequences"]))
    if proj["prefix"] != g["prefix"] or proj["form"] != "paper" or got_p != expected["projected"]:
        problems.append(f"key projection {got_p} != brute force {expected['projected']}")
    got_e = {(e["pattern"], e["kind"], e["support"]) for e in key["extensions"]}
    if got_e != expected["extensions"] or len(got_e) != len(key["extensions"]) \
            or any(e["prefix"] != g["prefix"] for e in key["extensions"]):
        problems.append(f"key extensions {sorted(got_e)} != brute force {sorted(expected['extensions'])}")
    facts = holds(g)
    for p in ex.properties:
        if not facts.get(p, False):
            problems.append(f"stated property {p} does not hold")
    if tuple(sorted(ex.properties)) != PROPERTIES:
        problems.append(f"properties {ex.properties}, expected all of {PROPERTIES}")
    if len(expected["projected"]) != ex.sizes["projected_sequences"] \
            or len(expected["frequent_1"]) != ex.sizes["frequent_items"]:
        problems.append("projected sequences or frequent items differ from the stated sizes")
    return problems


def main() -> int:
    from workedout.derivations.exercise import exercise
    failed = 0
    for level in ("easy", "exam", "hard"):
        exercises = [exercise("prefixspan", seed=s, level=level) for s in range(1000, 1030)]
        bad = [(ex.seed, p) for ex in exercises for p in prefixspan_problems(ex)]
        sizes = {repr(sorted(ex.sizes.items())) for ex in exercises}
        steps = {len(ex.solution.numbered_steps()) for ex in exercises}
        distinct = len({repr(ex.givens) for ex in exercises})
        ok = not bad and len(sizes) == 1 and len(steps) == 1 and distinct == len(exercises)
        failed += not ok
        print(f"prefixspan {level}: {len(exercises)} seeds 1000-1029, key = brute force and PrefixSpan-py: "
              f"{len(exercises) - len({s for s, _ in bad})}/{len(exercises)}, properties hold, sizes "
              f"{'equal' if len(sizes) == 1 else 'DIFFER'}, steps {sorted(steps)}, {distinct} distinct givens"
              f" -> {'ok' if ok else 'FAILED'}")
        for seed, p in bad[:5]:
            print(f"  seed {seed}: {p}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
