"""Reading and comparing a student's Apriori answer in the student's terms (see :mod:`._check`)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction

from ..check import scalar_reason
from ..exact import parse_number

__all__ = ["AprioriProblem", "read_count"]

#: The classic wrong rules of Apriori, each recognised by recomputing with it.
#: A ``step`` ending in ``_k`` is the step of that name at the level of the discrepancy.
_SUPPORT_KEYS = ("support", "antecedent_support", "consequent_support")
_PARTS = ("join", "pruned", "candidates", "frequent")


@dataclass
class AprioriProblem:
    """What the checker needs of a worked Apriori: the database as sets of item names, and the answer."""

    transactions: list            # frozensets of str(item)
    multiplicities: list | None   # per transaction {str(item): count}, or None when unknown
    items: tuple                  # the items in their natural order
    N: int
    s: int
    c_min: object                 # sympy Rational or None
    typed_support: str
    answer: dict
    worked_rules: list = field(default_factory=list)  # [(frozenset A, frozenset B)], rule i + 1

    def __post_init__(self):
        self.order = {str(x): i for i, x in enumerate(self.items)}

    def sort(self, itemset) -> tuple:
        return tuple(sorted((str(x) for x in itemset), key=lambda x: (self.order.get(x, len(self.order)), x)))

    def name(self, itemset) -> str:
        return "{" + ", ".join(self.sort(itemset)) + "}"

    def sigma(self, X) -> int:
        X = frozenset(X)
        return sum(1 for t in self.transactions if X <= t)

    def sigma_repeated(self, X) -> set:
        """The counts of X when a repeated item counts again (the fewest copies, or the number of ways)."""
        if self.multiplicities is None or not X:
            return set()
        X = frozenset(X)
        low = high = 0
        for t, m in zip(self.transactions, self.multiplicities):
            if X <= t:
                counts = [m.get(x, 1) for x in X]
                low += min(counts)
                p = 1
                for c in counts:
                    p *= c
                high += p
        return {low, high}


# ------------------------------------------------------------- reading
def _itemset_text(value):
    """An itemset written as text (``"{I1, I2}"``, ``"I1,I2"``, ``"I1 I2"``) as a list of names."""
    if not isinstance(value, str):
        return value
    text = value.strip()
    if len(text) >= 2 and text[0] + text[-1] in ("{}", "()", "[]", "<>"):
        text = text[1:-1]
    parts = text.split(",") if "," in text else text.split()
    return [p.strip().strip("'\"") for p in parts if p.strip()]


_ARROW = re.compile(r"=>|->|⇒|→")


def _normalize(given: dict) -> dict:
    """The student's answer in the result's notation: itemsets written as text, tables as objects, rules as text."""
    out = dict(given)

    def table(entries):
        if isinstance(entries, dict):  # {"{I1, I2}": 4, ...}
            return [{"itemset": _itemset_text(k), "support": v} for k, v in entries.items()]
        if isinstance(entries, list):
            return [dict(e, itemset=_itemset_text(e["itemset"])) if isinstance(e, dict) and "itemset" in e else e
                    for e in entries]
        return entries

    levels = out.get("levels")
    if isinstance(levels, list):
        fixed = []
        for lv in levels:
            if isinstance(lv, dict):
                lv = dict(lv)
                for part in ("candidates", "frequent"):
                    if part in lv:
                        lv[part] = table(lv[part])
                if isinstance(lv.get("pruned"), list):
                    lv["pruned"] = [dict(p, itemset=_itemset_text(p.get("itemset")),
                                         **({"infrequent_subset": [_itemset_text(x) for x in p["infrequent_subset"]]}
                                            if isinstance(p.get("infrequent_subset"), list) else
                                            {"infrequent_subset": [_itemset_text(p["infrequent_subset"])]}
                                            if isinstance(p.get("infrequent_subset"), str) else {}))
                                    if isinstance(p, dict) else p for p in lv["pruned"]]
                if isinstance(lv.get("join"), list):
                    lv["join"] = [{k: (_itemset_text(v) if k in ("left", "right", "candidate") else v)
                                   for k, v in j.items()} if isinstance(j, dict) else j for j in lv["join"]]
            fixed.append(lv)
        out["levels"] = fixed
    for key in ("frequent_itemsets", "closed", "maximal"):
        if key in out:
            out[key] = table(out[key])
    def rule_entry(r):
        if isinstance(r, dict):
            r = dict(r)
            if isinstance(r.get("rule"), str) and "antecedent" not in r and len(_ARROW.split(r["rule"])) == 2:
                a, b = _ARROW.split(r.pop("rule"))
                r["antecedent"], r["consequent"] = _itemset_text(a), _itemset_text(b)
            for side in ("antecedent", "consequent"):
                if side in r:
                    r[side] = _itemset_text(r[side])
        return r

    if isinstance(out.get("rules"), list):
        out["rules"] = [rule_entry(r) for r in out["rules"]]
    if isinstance(out.get("rule"), list):
        out["rule"] = [rule_entry(r) for r in out["rule"]]
    elif isinstance(out.get("rule"), dict):
        out["rule"] = rule_entry(out["rule"])
    return out


def _percent_text(given):
    """``"66.7%"`` as the decimal text ``"0.667"`` (the same significant digits); anything else unchanged."""
    if isinstance(given, str) and given.strip().endswith("%") and given.count("%") == 1:
        try:
            return str(Decimal(given.strip()[:-1].strip()).scaleb(-2))
        except InvalidOperation:
            return given
    return given


def _is_count_literal(given) -> bool:
    if isinstance(given, bool):
        return False
    if isinstance(given, int):
        return True
    if isinstance(given, float):
        return given.is_integer() and given > 1
    if isinstance(given, str):
        text = given.strip()
        if re.fullmatch(r"[+-]?\d+", text):
            return True
        try:
            return "/" not in text and "%" not in text and float(text).is_integer() and float(text) > 1
        except ValueError:
            return False
    return False


def _fraction_of(given):
    """A support written as a fraction of N: (the exact value, the half-width of its rounding) or None."""
    text = _percent_text(given)
    if isinstance(text, float):
        text = repr(text)
    if not isinstance(text, str):
        return None
    text = text.strip()
    m = re.fullmatch(r"([+-]?\d+)\s*/\s*(\d+)", text)
    if m:
        return (Fraction(int(m.group(1)), int(m.group(2))), Fraction(0)) if int(m.group(2)) else None
    try:
        parse_number(text)  # within the limits digits and exponent: 1e999999999 is not expanded below
        d = Decimal(text)
    except (InvalidOperation, ValueError):
        return None
    if not d.is_finite():
        return None
    exponent = d.as_tuple().exponent
    return Fraction(d), Fraction(1, 2) * Fraction(10) ** exponent


def read_count(given, N: int) -> int | None:
    """The count a student's support stands for: a count as written, or a fraction of N (``"75%"``,
    ``"2/9"``, ``0.222``) that identifies exactly one count; None when it names none."""
    if _is_count_literal(given):
        return int(float(str(given).strip())) if not isinstance(given, int) else given
    read = _fraction_of(given)
    if read is None or N <= 0:
        return None
    f, half = read
    fits = [c for c in range(max(0, int((f - half) * N) - 1), int((f + half) * N) + 2)
            if abs(Fraction(c, N) - f) <= half]
    return fits[0] if len(fits) == 1 else None


def _support_rule(problem: AprioriProblem):
    def rule(location, expected, given):
        reason = scalar_reason(expected, given)
        if reason is None or _is_count_literal(given) or isinstance(given, bool):
            return reason
        return None if read_count(given, problem.N) == int(expected) else reason
    return rule


def _same(value, given) -> bool:
    """The student's value equals the recomputed one (to the digits they gave)."""
    if value is None:
        return False
    if isinstance(value, bool) or isinstance(given, bool):
        return isinstance(given, bool) and isinstance(value, bool) and given == value
    return scalar_reason(value, given) is None


def _items_key(entry) -> frozenset:
    if isinstance(entry, (str, bytes)) or not isinstance(entry, (list, tuple)):
        raise TypeError("an itemset is a list of items")
    return frozenset(str(x) for x in entry)


def _weight(location: str) -> int:
    if re.search(r"\.(itemset|antecedent|consequent)\[\d+\]$", location):
        # the entry's identity: one mark for a pruned candidate (no value of its own), none where a support is marked
        return 1 if re.search(r"\.pruned\[\d+\]\.itemset\[0\]$", location) else 0
    if re.search(r"\.join\[\d+\]\.candidate\[\d+\]$", location):
        return 1 if location.endswith("[0]") else 0
    if re.search(r"\.infrequent_subset\[\d+\]\[\d+\]$", location):
        return 1 if location.endswith("[0]") else 0
    if re.search(r"\.(left|right)\[\d+\]$", location):
        return 0
    if re.fullmatch(r"levels\[\d+\]\.k", location):
        return 0
    return 1


def _subject(problem: AprioriProblem, location: str) -> str:
    ans = problem.answer
    m = re.match(r"^levels\[(\d+)\](.*)$", location)
    if m:
        i, rest = int(m.group(1)), m.group(2)
        levels = ans.get("levels", [])
        if i >= len(levels):
            return ""
        k = levels[i]["k"]
        m2 = re.match(r"^\.(join|candidates|pruned|frequent)(?:\[(\d+)\](.*))?$", rest)
        if not rest or rest == ".k":
            return f"level {k}"
        if not m2:
            return ""
        part, j, tail = m2.group(1), m2.group(2), m2.group(3) or ""
        if j is None:
            return {"join": f"join at level {k}", "candidates": f"C_{k} (the candidates counted at level {k})",
                    "pruned": f"pruned candidates at level {k}", "frequent": f"L_{k}"}[part]
        entry = levels[i][part][int(j)]
        if part == "join":
            what = f"join giving {problem.name(entry['candidate'])} at level {k}"
            side = re.match(r"^\.(left|right)", tail)
            return f"{side.group(1)} itemset of the {what}" if side else what
        X = problem.name(entry["itemset"])
        if part == "candidates":
            return f"support of {X} in C_{k}" if tail.startswith(".support") else f"candidate {X} at level {k}"
        if part == "frequent":
            return f"support of {X} in L_{k}" if tail.startswith(".support") else f"frequent itemset {X}"
        sub = re.match(r"^\.infrequent_subset(?:\[(\d+)\])?", tail)
        if sub and sub.group(1) is not None:
            y = problem.name(entry["infrequent_subset"][int(sub.group(1))])
            return f"infrequent subset {y} of pruned candidate {X} at level {k}"
        if sub:
            return f"infrequent subsets of pruned candidate {X} at level {k}"
        return f"pruned candidate {X} at level {k}"
    m = re.match(r"^frequent_itemsets\[(\d+)\](.*)$", location)
    if m:
        X = problem.name(ans["frequent_itemsets"][int(m.group(1))]["itemset"])
        return f"support of {X} in all frequent itemsets" if m.group(2).startswith(".support") else \
            f"{X} in all frequent itemsets"
    m = re.match(r"^rules\[(\d+)\](?:\.(\w+))?", location)
    if m:
        r = ans["rules"][int(m.group(1))]
        rule = f"rule {problem.name(r['antecedent'])} ⇒ {problem.name(r['consequent'])}"
        key = m.group(2)
        if key in (None, "antecedent", "consequent"):
            return rule
        return f"{key.replace('_', ' ')} of {rule}"
    if location == "n_transactions":
        return "N, the number of transactions"
    if location == "min_support_count":
        return "σ_min, the minimum support count"
    m = re.match(r"^sweep\[(\d+)\](?:\.(\w+))?", location)
    if m and "sweep" in ans and int(m.group(1)) < len(ans["sweep"]):
        row = ans["sweep"][int(m.group(1))]
        return f"{(m.group(2) or 'row').replace('_', ' ')} of the sweep at min support {row['min_support']}"
    return ""
