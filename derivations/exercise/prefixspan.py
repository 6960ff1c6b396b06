"""Exercises of PrefixSpan by hand: a small sequence database, a prefix, its projection and its extensions.

The student finds the frequent 1-sequences, writes the prefix's projected
database in the paper's form (the rest of the itemset that completed the
prefix as ``(_x)``, infrequent items dropped) and counts the items that extend
the prefix into its last itemset and as a new itemset, listing the frequent
ones with their supports (``workedout prefixspan DB --min-support S --prefix P
--projection paper``).

Every variant of a level has the same number of sequences, itemsets per
sequence, items per sequence, items in all, frequent items, minimum support,
prefix shape and number of projected sequences. The worked solution of one
prefix without ``--all`` always has the same eight steps (the database, the
minimum support, the item counts, the frequent 1-sequences, the projection,
the two extension counts, the frequent extensions); ``--all`` would add a
mining tree whose tables grow with the patterns, so it is not asked.

A draw fills the sequences at random (one designated letter only in
``min_support - 1`` of them, so it is infrequent), plants ``min_support``
sources of one itemset extension (sequences whose first occurrence of the
prefix completes in an itemset holding ``x`` too, and at least one whose
first occurrence does not, with a later itemset holding the prefix's last
itemset and ``x``),
and then checks every property from the definitions (:func:`analyse`, on
:mod:`workedout.numerics.prefixspan_reference`'s projection), drawing again
when one fails.
"""
from __future__ import annotations

from dataclasses import dataclass

from .base import Draft, Generator, QuizPart
from .rng import Rng

__all__ = ["GENERATOR", "Analysis", "PrefixSpanGenerator", "analyse"]

_LETTERS = "abcdefg"


@dataclass(frozen=True)
class _Level:
    sequences: int     # sequences in the database (SIDs 1..n)
    itemsets: int      # itemsets in every sequence
    items: int         # items in every sequence (the itemsets' sizes add up to it)
    alphabet: int      # distinct items (a, b, c, ...); all but one frequent
    min_support: int   # a count of sequences
    prefix_items: int  # 1: <x>; 2: <(xy)>
    projected: int     # sequences in the prefix's projected database (paper form)
    max_itemset: int = 3


_LEVELS = {
    "easy": _Level(sequences=4, itemsets=3, items=6, alphabet=5, min_support=2, prefix_items=1, projected=4),
    "exam": _Level(sequences=5, itemsets=4, items=8, alphabet=6, min_support=2, prefix_items=1, projected=5),
    "hard": _Level(sequences=6, itemsets=4, items=9, alphabet=7, min_support=3, prefix_items=2, projected=5),
}


# ============================================================ the analysis
@dataclass(frozen=True)
class Analysis:
    """What holds of one database, minimum support and prefix (computed from the definitions).

    ``strict`` and ``paper``: the projected database as ``(index, underscore items, later itemsets)``
    (strict: every item; paper: infrequent items, empty itemsets and empty sequences dropped);
    ``dropped``: the infrequent items that occur in the strict projection; ``both``: the items x
    whose itemset extension is frequent, has a sequence supplying it only by ``(_x)`` and one only
    by a later itemset holding the prefix's last itemset with x, and is infrequent when the later
    itemsets are forgotten.
    """

    frequent: tuple
    supports: dict
    prefix_support: int
    strict: tuple
    paper: tuple
    dropped: tuple
    both: tuple

    @property
    def underscore(self) -> bool:
        return any(partial for _, partial, _ in self.paper)


def analyse(sequences, min_support: int, prefix) -> Analysis:
    """The facts the properties are about, for ``sequences`` (tuples of sorted tuples) and ``prefix``."""
    from ...numerics.prefixspan_reference import Projector, support
    letters = sorted({x for s in sequences for a in s for x in a})
    supports = {x: sum(any(x in a for a in s) for s in sequences) for x in letters}
    frequent = tuple(x for x in letters if supports[x] >= min_support)
    keep = set(frequent)
    strict = []
    for pr in Projector(list(sequences)).projected_database(prefix):
        partial = pr.suffix[0] if pr.partial else ()
        rest = pr.suffix[1:] if pr.partial else pr.suffix
        strict.append((pr.index, tuple(partial), tuple(rest)))
    paper = []
    for index, partial, rest in strict:
        kept = tuple(x for x in partial if x in keep)
        later = tuple(t for t in (tuple(x for x in a if x in keep) for a in rest) if t)
        if kept or later:
            paper.append((index, kept, later))
    dropped = sorted({x for _, partial, rest in strict for x in partial + tuple(y for a in rest for y in a)
                      if x not in keep})
    last = set(prefix[-1])
    both = []
    for x in frequent:
        if x <= max(last):
            continue
        need = last | {x}
        by_underscore = [k for k, partial, _ in paper if x in partial]
        by_later = [k for k, _, rest in paper if any(need <= set(a) for a in rest)]
        only_underscore = [k for k in by_underscore if k not in by_later]
        only_later = [k for k in by_later if k not in by_underscore]
        total = len(set(by_underscore) | set(by_later))
        if only_underscore and only_later and total >= min_support and len(by_underscore) < min_support:
            both.append(x)
    return Analysis(frequent, supports, support(list(sequences), prefix), tuple(strict), tuple(paper),
                    tuple(dropped), tuple(both))


# ============================================================ the generator
class PrefixSpanGenerator(Generator):
    name = "prefixspan"
    title = "PrefixSpan by hand"
    properties = {
        "underscore-in-projection": "the prefix's projected database holds a sequence that starts with an "
                                    "underscore itemset (_x): the rest of the itemset that completed the prefix",
        "itemset-extension-both-sources": "for some item x the itemset extension of the prefix by x is frequent, "
                                          "one projected sequence supplies it only through its underscore itemset "
                                          "(_x) and another only through a later itemset holding the prefix's "
                                          "last itemset together with x; counting the underscore itemsets alone "
                                          "would find it infrequent",
        "infrequent-item-dropped": "an item that is not frequent occurs after the prefix's first occurrence, so "
                                   "the paper's projection must drop it",
    }
    level_sizes = {level: {
        "sequences": str(spec.sequences),
        "sequence": f"{spec.itemsets} itemsets, {spec.items} items",
        "items": f"{spec.alphabet}, {spec.alphabet - 1} of them frequent",
        "min_support": str(spec.min_support),
        "prefix": "<x>" if spec.prefix_items == 1 else "<(xy)>",
        "projected sequences": str(spec.projected),
    } for level, spec in _LEVELS.items()}
    #: what the question asks for (the exam marks a submission on these keys)
    answer_keys = ("frequent_1", "projected", "extensions")

    def draw(self, rng: Rng, level: str, **options) -> Draft | None:
        spec = _LEVELS[level]
        letters = list(_LETTERS[:spec.alphabet])
        rare = rng.choice(letters)  # the item that is not frequent: in min_support - 1 sequences at most
        common = [x for x in letters if x != rare]
        rare_in = set(rng.sample(range(spec.sequences), spec.min_support - 1))
        shapes = [_composition(rng, spec) for _ in range(spec.sequences)]
        db = [[tuple(sorted(rng.sample(letters if s in rare_in else common, k))) for k in shape]
              for s, shape in enumerate(shapes)]
        # the prefix's last itemset L and the item x that extends it from both sources
        last = tuple(sorted(rng.sample(common, spec.prefix_items)))
        after = [x for x in common if x > last[-1]]
        if not after:
            return None
        x = rng.choice(after)
        # min_support sources of the extension by x: some (_x), the others a later itemset (at least one each)
        sources = rng.sample(range(spec.sequences), spec.min_support)
        by_underscore = rng.integer(1, spec.min_support - 1)
        for n, s in enumerate(sources):
            plant = _plant_underscore if n < by_underscore else _plant_later
            if not plant(rng, db[s], last, x, letters if s in rare_in else common):
                return None
        sequences = tuple(tuple(s) for s in db)
        prefix = (last,)
        facts = analyse(sequences, spec.min_support, prefix)
        if (facts.prefix_support < spec.min_support or len(facts.frequent) != spec.alphabet - 1
                or len(facts.paper) != spec.projected or not facts.underscore or not facts.dropped
                or not facts.both):
            return None
        properties = ("infrequent-item-dropped", "itemset-extension-both-sources", "underscore-in-projection")
        givens = {"sequences": [[list(a) for a in s] for s in sequences], "min_support": str(spec.min_support),
                  "prefix": _notation(prefix), "projection": "paper"}
        sizes = {"sequences": spec.sequences, "itemsets_per_sequence": spec.itemsets,
                 "items_per_sequence": spec.items, "items": spec.alphabet, "frequent_items": spec.alphabet - 1,
                 "min_support": spec.min_support, "prefix_items": spec.prefix_items,
                 "projected_sequences": spec.projected}
        return Draft(givens, properties, sizes, files={"sequences.txt": database_text(givens["sequences"])})

    def solve(self, givens: dict):
        from ..prefixspan import prefixspan
        return prefixspan(database_text(givens["sequences"]), givens["min_support"], prefix=givens["prefix"],
                          projection=givens.get("projection", "paper"))

    def command(self, givens: dict, paths: dict) -> list[str]:
        return ["workedout", "prefixspan", paths["sequences.txt"], "--min-support", givens["min_support"],
                "--prefix", givens["prefix"], "--projection", givens.get("projection", "paper")]

    def question(self, draft: Draft) -> tuple[str, list]:
        from ..model import Step, Table
        g = draft.givens
        n, ms, p = len(g["sequences"]), g["min_support"], g["prefix"]
        last = p[1:-1]  # the prefix's one itemset as written: c, or (ef)
        length = draft.sizes["prefix_items"] + 1
        text = (f"The sequence database below holds {n} sequences, SIDs 1 to {n} (its data file holds them one "
                f"per line, in the same notation). Items inside an itemset are written in alphabetical order, with parentheses "
                f"only around itemsets of two or more items. The minimum support is {ms} sequences: a pattern is "
                f"frequent when at least {ms} of the {n} sequences contain it. Work PrefixSpan for the prefix {p}. "
                f"(a) Find the frequent 1-sequences with their supports. "
                f"(b) Write the {p}-projected database in the paper's form: of each sequence, the suffix after the "
                f"first occurrence of {p}, the rest of the itemset that completed the prefix written with an "
                f"underscore as in (_x), the items that are not frequent dropped, and sequences left empty dropped; "
                f"give each projected sequence with its SID. "
                f"(c) In the {p}-projected database, count the items that extend {p} into its last itemset "
                f"(from the underscore itemset and from any later itemset holding {last} together with the item) "
                f"and as a new itemset, and list the frequent {length}-sequences with prefix {p} with their "
                f"supports.")
        rows = [[str(k), _notation(s)] for k, s in enumerate(g["sequences"], 1)]
        return text, [Step(Table(["SID", "sequence"], rows, align="ll"),
                           why=f"The sequence database (min_support = {ms}, prefix {p}).")]

    def numeric_parts(self, key: dict) -> list[QuizPart]:
        parts = [QuizPart(f"support of {e['pattern']}", e["support"], f"frequent_1[{i}].support")
                 for i, e in enumerate(key["frequent_1"])]
        kinds = {"new_itemset": "as a new itemset", "into_last_itemset": "into the last itemset"}
        parts += [QuizPart(f"support of {e['pattern']} (extension of {e['prefix']} {kinds.get(e['kind'], e['kind'])})",
                           e["support"], f"extensions[{i}].support")
                  for i, e in enumerate(key["extensions"])]
        return parts


# ============================================================ helpers
def database_text(sequences) -> str:
    """The database file: one sequence per line in the hand notation (``<a(abc)(ac)d(cf)>``)."""
    return "".join(_notation(s) + "\n" for s in sequences)


def _notation(sequence) -> str:
    """``<a(bc)d>``: items of an itemset sorted, parentheses only around itemsets of two or more."""
    return "<" + "".join(a[0] if len(a) == 1 else "(" + "".join(sorted(a)) + ")" for a in sequence) + ">"


def _composition(rng: Rng, spec: _Level) -> list[int]:
    """Itemset sizes, each 1..max_itemset, adding up to ``spec.items`` (uniform over such compositions)."""
    while True:
        sizes = [rng.integer(1, spec.max_itemset) for _ in range(spec.itemsets)]
        if sum(sizes) == spec.items:
            return sizes


def _fill(rng: Rng, core, size: int, pool, avoid=()) -> tuple:
    """An itemset of ``size`` items holding ``core``, the rest drawn from ``pool`` minus ``avoid``."""
    others = [y for y in pool if y not in core and y not in avoid]
    return tuple(sorted(list(core) + rng.sample(others, size - len(core))))


def _plant_underscore(rng: Rng, seq: list, last: tuple, x: str, pool) -> bool:
    """Make the first itemset holding ``last`` hold ``x`` too (an (_x) source); False when no slot fits."""
    slots = [k for k, a in enumerate(seq) if len(a) > len(last)]
    if not slots:
        return False
    k = rng.choice(slots)
    seq[k] = _fill(rng, last + (x,), len(seq[k]), pool)
    return True


def _plant_later(rng: Rng, seq: list, last: tuple, x: str, pool) -> bool:
    """An itemset holding ``last`` without ``x``, then a later one holding ``last`` and ``x``."""
    pairs = [(i, j) for i in range(len(seq)) for j in range(i + 1, len(seq))
             if len(seq[i]) >= len(last) and len(seq[j]) > len(last)]
    if not pairs:
        return False
    i, j = rng.choice(pairs)
    seq[i] = _fill(rng, last, len(seq[i]), pool, avoid=(x,))
    seq[j] = _fill(rng, last + (x,), len(seq[j]), pool)
    return True


GENERATOR = PrefixSpanGenerator()
