"""The diagnosis of a PrefixSpan answer: roots, what follows, the misconception (see :mod:`._check`)."""
from __future__ import annotations

import math
import re

from ...numerics.seqdb import sort_items
from ..exact import parse_number
from ._answers import (_FIELDS, _choose_form, _is_empty, _last_occurrence, _prefix_of, _read_postfix, _reference,
                       _shown, _student_sequences, support_reason)
from ._rules import project


# ================================================================== diagnose
def _count_variants(projected: list, last: tuple, counts=None) -> dict:
    """Extension counts of a projected database by the right rule and by the wrong ones.

    {rule: {(kind, item): count}}: rules ``right``, ``later-only`` and ``underscore-only`` (the
    element-of-last-itemset count from one source), ``occurrences`` (every occurrence counted)."""
    out = {r: {} for r in ("right", "later-only", "underscore-only", "occurrences")}
    contrib = {}  # (kind, item) -> set of sequence indices (right rule)

    def add(rule, key, c=1):
        out[rule][key] = out[rule].get(key, 0) + c

    for pr in projected:
        if pr.empty:
            continue
        w = counts[pr.index] if counts is not None and 0 <= pr.index < len(counts) else 1
        under = set(pr.partial)
        later: dict = {}
        for a in pr.rest:
            if last and set(last) <= set(a):
                for y in a[a.index(last[-1]) + 1:]:
                    later[y] = later.get(y, 0) + 1
        for y in under | set(later):
            key = ("into_last_itemset", y)
            add("right", key, w)
            contrib.setdefault(key, set()).add(pr.index)
            add("occurrences", key, w * ((y in under) + later.get(y, 0)))
            if y in under:
                add("underscore-only", key, w)
            if y in later:
                add("later-only", key, w)
        s_occ: dict = {}
        for a in pr.rest:
            for y in a:
                s_occ[y] = s_occ.get(y, 0) + 1
        for y, c in s_occ.items():
            key = ("new_itemset", y)
            add("right", key, w)
            contrib.setdefault(key, set()).add(pr.index)
            add("occurrences", key, w * c)
    out["contrib"] = contrib
    return out


_RULE_ID = {"later-only": "missing-underscore-source", "underscore-only": "missing-underscore-source",
            "occurrences": "count-occurrences", "strict": "strict-threshold"}


class _Diagnosis:
    """The teaching assistant's reading, in the order the worked solution computes."""

    def __init__(self, worked, findings, result):
        self.w, self.f, self.result = worked, findings, result
        self.n = worked.total  # the sequences, each counted its number of times
        self.given = findings.given
        self.t = worked.minsup  # the student's threshold
        self.t_loc = None
        self.names: dict = {}   # misconception id -> locations
        self.steps: dict = {}   # location -> step label

    # --- helpers -------------------------------------------------------------
    def eq(self, count, given) -> bool:
        return support_reason(count, given, self.n) is None

    def disc(self, prefix: str):
        return [d for d in self.f.found if d.location == prefix or d.location.startswith(prefix + "[")
                or d.location.startswith(prefix + ".")]

    def name(self, mid, loc):
        if self.f.at(loc) is not None and self.f.at(loc).cause == "root":
            self.names.setdefault(mid, []).append(loc)

    def follows(self, loc, root):
        if root is not None and self.f.at(loc) is not None and self.f.at(root) is not None:
            self.f.follows(loc, root)

    def given_list(self, key):
        value = self.given.get(key)
        return value if isinstance(value, list) else []

    def run(self) -> None:
        self.min_support()
        self.frequent_1()
        self.projected()
        self.extensions()
        self.patterns()
        self.finish()

    # --- min_support ---------------------------------------------------------
    def min_support(self) -> None:
        d = self.f.at("min_support")
        if d is None or "min_support" not in self.given:
            return
        try:
            value = parse_number(self.given["min_support"])
        except (ValueError, TypeError):
            return
        text = str(self.given["min_support"]).strip()
        if value <= 0:
            return
        if value < 1 or text.endswith("%") or "/" in text or (value == 1 and "." in text):
            value = max(1, math.ceil(value * self.n))  # a fraction of the sequences, as resolve_min_support reads it
        if value == int(value):
            self.t, self.t_loc = int(value), "min_support"

    # --- step 1 --------------------------------------------------------------
    def frequent_1(self) -> None:
        w = self.w
        exp = self.result.answer["frequent_1"]
        self.item_loc = {}      # item -> discrepancy location of its frequent_1 entry (extra or missing)
        self.student_items = set()
        sup = {x: w.sup(s) for x, s in w.item_sids.items()}
        occ = {x: sum(c * sum(x in a for a in seq) for seq, c in zip(w.db, w.counts)) for x in w.item_sids}
        self.sup, self.occ = sup, occ
        listed = {}   # item -> given support
        self.student_frequent = set(w.frequent)
        for j, e in enumerate(self.given_list("frequent_1")):
            if isinstance(e, dict):
                pt = _prefix_of(w, e.get("pattern"))
                if pt and len(pt) == 1 and len(pt[0]) == 1:
                    x = pt[0][0]
                    self.student_items.add(x)
                    listed[x] = (j, e.get("support"))
        if "frequent_1" not in self.given:
            self.student_items = set(w.frequent)
            return
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        candidates = {"count-occurrences": [], "strict-threshold": []}
        refuted = set()
        for x, (j, g) in listed.items():
            p = w.fmt(((x,),))
            if g is None:
                continue
            if sup[x] != occ[x] and self.eq(sup[x], g):
                refuted.add("count-occurrences")
            if self.eq(self.t, g):
                refuted.add("strict-threshold")
            if p in index:
                loc = f"frequent_1[{index[p]}].support"
                self.steps[loc] = "counts"
                if self.f.at(loc) is not None and occ[x] != sup[x] and self.eq(occ[x], g):
                    candidates["count-occurrences"].append(loc)
            else:
                loc = f"frequent_1[given {j + 1}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.item_loc[x] = loc
                self.steps[loc] = "counts"
                d.reason = (f"not expected: <{x}> is in {sup[x]} sequence(s), below min_support {self.w.minsup}"
                            if sup[x] else f"not expected: {p} does not occur in the database")
                if self.t_loc and sup[x] >= self.t and self.eq(sup[x], g):
                    self.follows(loc, self.t_loc)
                elif occ[x] >= self.t and self.eq(occ[x], g):
                    candidates["count-occurrences"].append(loc)
        for i, e in enumerate(exp):
            loc = f"frequent_1[{i}]"
            d = self.f.at(loc)
            if d is None:
                continue
            x = w.frequent[i]
            self.item_loc[x] = loc
            self.steps[loc] = "counts"
            d.reason = f"missing pattern: its support {sup[x]} reaches min_support {w.minsup}"
            if self.t_loc and sup[x] < self.t:
                self.follows(loc, self.t_loc)
            elif sup[x] == self.t:
                candidates["strict-threshold"].append(loc)
            elif sup[x] > self.t:  # left out although > would keep it
                refuted.add("strict-threshold")
        for mid, locs in candidates.items():
            if mid not in refuted:
                for loc in locs:
                    self.name(mid, loc)
        self.student_frequent = {x for x in self.student_items if x in w.item_sids}

    # --- step 2 --------------------------------------------------------------
    def projected(self) -> None:
        w = self.w
        exp = self.result.answer["projected"]
        self.proj_loc = {}     # prefix text -> {sequence index or None: location}
        self.student_db = {}   # prefix text -> list of Projected (the student's own)
        index = {e["prefix"]: i for i, e in enumerate(exp)}
        for j, entry in enumerate(self.given_list("projected")):
            if not isinstance(entry, dict) or not isinstance(entry.get("prefix"), str):
                continue
            p = entry["prefix"]
            prefix = _prefix_of(w, p)
            if prefix is None or p in self.student_db:
                continue
            form = _choose_form(w, prefix, entry)
            ref = _reference(w, prefix, form)
            given, _ = _student_sequences(w, entry, ref)
            own = []
            for k, sid, text in given:
                pr = _read_postfix(w, text, k if k is not None else -1 - len(own))
                if pr is not None:
                    own.append(pr)
            self.student_db[p] = own
            if p not in index:
                loc = f"projected[given {j + 1}]"
                self.proj_loc[p] = {None: loc}
                self.steps[loc] = "counts"
                if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                continue
            i = index[p]
            label = f"projected_{i + 1}"
            locs = {}
            positions = list(ref)
            for d in self.disc(f"projected[{i}]"):
                self.steps[d.location] = label
                m = re.search(r"\.sequences\[(\d+)\]\Z", d.location)
                g = re.search(r"\.sequences\[given (\d+)\]\Z", d.location)
                if m:
                    locs[positions[int(m.group(1))]] = d.location
                elif g and int(g.group(1)) - 1 < len(given):
                    k = given[int(g.group(1)) - 1][0]
                    locs[k if k is not None else d.location] = d.location
            self.proj_loc[p] = locs
            self._projection_rules(i, p, prefix, form, ref, given, locs)
        for p, i in index.items():
            loc = f"projected[{i}]"
            if self.f.at(loc) is None:
                continue
            self.steps[loc] = f"projected_{i + 1}"
            self.proj_loc[p] = {None: loc}
            prefix = _prefix_of(w, p)
            if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                self.follows(loc, self.item_loc[prefix[0][0]])

    def _projection_rules(self, i, p, prefix, form, ref, given, locs) -> None:
        """Last-occurrence, keep-empty, and the paper's form recomputed from the student's frequent items."""
        w = self.w
        text = {k: s for k, _, s in given if k is not None}
        last = {}
        for k, seq in enumerate(w.db):
            pr = _last_occurrence(seq, prefix, k)
            if pr is not None:
                pr = _shown(pr, form, w.frequent_set)
                last[k] = "" if pr.empty else w.fmt_projected(pr)
        own_paper = _reference(w, prefix, "paper", self.student_frequent) if form == "paper" else None
        cand = {"last-occurrence": [], "keep-empty": []}
        refuted = set()
        for k in set(ref) | set(last):
            right = ref.get(k, "")
            if last.get(k, "") != right and k in text and text[k] == right:
                refuted.add("last-occurrence")
        empties = [k for k, seq in enumerate(w.db) if k not in ref and project(seq, prefix, k) is not None]
        if not any(k in text for k in empties) and empties:
            refuted.add("keep-empty")
        for k, loc in locs.items():
            if not isinstance(k, int) or k < 0:
                continue
            d = self.f.at(loc)
            g = text.get(k)
            if own_paper is not None and own_paper.get(k, "") == (g or "") and own_paper.get(k, "") != ref.get(k, ""):
                diff = [x for x in (self.student_frequent ^ w.frequent_set) if x in self.item_loc
                        and any(x in a for a in w.db[k])]
                if diff:
                    self.follows(loc, self.item_loc[sort_items(diff)[0]])
                    continue
            if k in last and last[k] != ref.get(k, "") and ((g is None and last[k] == "") or g == last[k]):
                cand["last-occurrence"].append(loc)
            if k in empties and d is not None and _is_empty(g if g is not None else "<>"):
                cand["keep-empty"].append(loc)
        for mid, ls in cand.items():
            if mid not in refuted:
                for loc in ls:
                    self.name(mid, loc)

    # --- step 3 --------------------------------------------------------------
    def extensions(self) -> None:
        w = self.w
        if "extensions" not in self.given:
            return
        exp = self.result.answer["extensions"]
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        labels = {p: k for k, p in enumerate((w.fmt(pt) for pt in w.prefixes), 1)}
        # the student's entries, by pattern
        listed = {}
        for j, e in enumerate(self.given_list("extensions")):
            if isinstance(e, dict) and isinstance(e.get("pattern"), str) and e["pattern"] not in listed:
                listed[e["pattern"]] = (j, e.get("support"))
        # every pattern to judge: (pattern tuple, its prefix tuple, kind, item)
        judged = {}
        for text in list(index) + list(listed):
            pt = _prefix_of(w, text)
            if pt is None:
                continue
            last = pt[-1]
            y = last[-1]
            if len(last) == 1:
                prefix, kind = pt[:-1], "new_itemset"
            else:
                prefix, kind = pt[:-1] + (last[:-1],), "into_last_itemset"
            if prefix:
                judged[text] = (pt, prefix, kind, y)
        counts = {}
        for text, (pt, prefix, kind, y) in judged.items():
            p = w.fmt(prefix)
            if p not in counts:
                true_db = [pr for pr in (project(s, prefix, k) for k, s in enumerate(w.db)) if pr is not None]
                own = self.student_db.get(p, true_db)
                counts[p] = (_count_variants(true_db, prefix[-1], w.counts), _count_variants(own, prefix[-1], w.counts))
        cand: dict = {}
        refuted: set = set()
        for text, (pt, prefix, kind, y) in judged.items():
            p = w.fmt(prefix)
            true, own = counts[p]
            key = (kind, y)
            T, r = true["right"].get(key, 0), own["right"].get(key, 0)
            label = (f"iext_{labels[p]}" if kind == "into_last_itemset" else f"sext_{labels[p]}") \
                if p in labels else "counts"
            rules = ("later-only", "underscore-only", "occurrences") if kind == "into_last_itemset" \
                else ("occurrences",)
            root = self._projection_root(p, key, true, own, prefix)
            if text in listed:
                j, g = listed[text]
                if g is not None:
                    for rule in rules:
                        if own[rule].get(key, 0) != r and self.eq(r, g):
                            refuted.add((p, rule))
                    if self.eq(self.t, g):
                        refuted.add(("*", "strict"))
                if text in index:
                    loc = f"extensions[{index[text]}].support"
                    self.steps[loc] = label
                    if self.f.at(loc) is None:
                        continue
                    if self.eq(r, g) and r != T and root:
                        self.follows(loc, root)
                        continue
                    for rule in rules:
                        wv = own[rule].get(key, 0)
                        if wv != r and self.eq(wv, g):
                            cand.setdefault((p, rule), []).append(loc)
                    continue
                loc = f"extensions[given {j + 1}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.steps[loc] = label
                d.subject = f"pattern {text}"
                d.reason = (f"not expected: support {T} < min_support {w.minsup}" if p in labels
                            else f"not expected: {p} is not a prefix this exercise extends")
                own_count = g is None or self.eq(r, g)
                if p not in labels and own_count and len(prefix) == 1 and len(prefix[0]) == 1 \
                        and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                    continue
                if p not in labels and own_count and p in self.proj_loc and None in self.proj_loc[p]:
                    self.follows(loc, self.proj_loc[p][None])
                    continue
                if r >= self.t and (g is None or self.eq(r, g)):
                    self.follows(loc, root if r != T else self.t_loc)
                    if self.f.at(loc).cause == "follows":
                        continue
                for rule in rules:
                    wv = own[rule].get(key, 0)
                    if wv >= self.t and (g is None or self.eq(wv, g)):
                        cand.setdefault((p, rule), []).append(loc)
            elif text in index:
                loc = f"extensions[{index[text]}]"
                d = self.f.at(loc)
                if d is None:
                    continue
                self.steps[loc] = label
                d.reason = f"missing extension: its support {T} reaches min_support {w.minsup}"
                if len(prefix) == 1 and len(prefix[0]) == 1 and prefix[0][0] in self.item_loc:
                    self.follows(loc, self.item_loc[prefix[0][0]])
                    continue
                if p in self.proj_loc and None in self.proj_loc[p]:
                    self.follows(loc, self.proj_loc[p][None])
                    continue
                if r < self.t:
                    self.follows(loc, root if r != T else self.t_loc)
                    if self.f.at(loc).cause == "follows":
                        continue
                if r == self.t:
                    cand.setdefault(("*", "strict"), []).append(loc)
                elif not any(own[rule].get(key, 0) < self.t for rule in rules):
                    refuted.add(("*", "strict"))  # left out although > would keep it
                for rule in rules:
                    if own[rule].get(key, 0) < self.t:
                        cand.setdefault((p, rule), []).append(loc)
        for (p, rule), locs in cand.items():
            if (p, rule) not in refuted:
                for loc in locs:
                    self.name(_RULE_ID[rule], loc)

    def _projection_root(self, p, key, true, own, prefix):
        """The student's projected sequence whose contribution to ``key`` differs from the right one."""
        locs = self.proj_loc.get(p)
        if not locs:
            return None
        if None in locs:
            return locs[None]
        mine, right = own["contrib"].get(key, set()), true["contrib"].get(key, set())
        differ = [k for k in sorted(mine ^ right, key=lambda k: (k < 0, abs(k))) if k in locs]
        if differ:
            return locs[differ[0]]
        return next(iter(locs.values()))

    # --- the list of all patterns ----------------------------------------------
    def patterns(self) -> None:
        if "patterns" not in self.given or "patterns" not in self.result.answer:
            return
        exp = self.result.answer["patterns"]
        index = {e["pattern"]: i for i, e in enumerate(exp)}
        earlier = {}  # pattern -> (given support, location of its discrepancy)
        for key, fields in (("frequent_1", "support"), ("extensions", "support")):
            ex = {e["pattern"]: i for i, e in enumerate(self.result.answer.get(key, []))}
            for j, e in enumerate(self.given_list(key)):
                if isinstance(e, dict) and isinstance(e.get("pattern"), str):
                    p = e["pattern"]
                    loc = f"{key}[{ex[p]}].support" if p in ex else f"{key}[given {j + 1}]"
                    earlier.setdefault(p, (e.get("support"), loc))
            for p, i in ex.items():
                if self.f.at(f"{key}[{i}]") is not None:
                    earlier.setdefault(p, (None, f"{key}[{i}]"))
        listed = {}
        for j, e in enumerate(self.given_list("patterns")):
            if isinstance(e, dict) and isinstance(e.get("pattern"), str):
                listed.setdefault(e["pattern"], (j, e.get("support")))
        strict_cand, refuted = [], any(g is not None and self.eq(self.t, g) for _, g in listed.values())
        for p, (j, g) in listed.items():
            loc = f"patterns[{index[p]}].support" if p in index else f"patterns[given {j + 1}]"
            d = self.f.at(loc)
            if d is None:
                continue
            self.steps[loc] = "patterns"
            if p not in index:
                d.subject = f"pattern {p} in the list of all patterns"
                pt = _prefix_of(self.w, p)
                sup = self.w.engine.support(self.w.data, pt) if pt else 0
                d.reason = f"not expected: support {sup} < min_support {self.w.minsup}"
            if p in earlier and self.f.at(earlier[p][1]) is not None and earlier[p][0] is not None and (
                    g is None or str(earlier[p][0]) == str(g) or self._same(earlier[p][0], g)):
                self.follows(loc, earlier[p][1])
        for p, i in index.items():
            loc = f"patterns[{i}]"
            d = self.f.at(loc)
            if d is None:
                continue
            self.steps[loc] = "patterns"
            s = exp[i]["support"]
            d.reason = f"missing pattern: its support {s} reaches min_support {self.w.minsup}"
            if p in earlier and self.f.at(earlier[p][1]) is not None and re.fullmatch(r"\w+\[\d+\]", earlier[p][1]):
                self.follows(loc, earlier[p][1])
            elif s == self.t:
                strict_cand.append(loc)
        if not refuted:
            for loc in strict_cand:
                self.name("strict-threshold", loc)

    def _same(self, a, b) -> bool:
        try:
            return parse_number(a) == parse_number(b)
        except (ValueError, TypeError):
            return False

    # --- the steps, the subjects, the marks of missing entries ------------------
    def finish(self) -> None:
        for mid, locs in self.names.items():
            self.f.name(mid, locs)
        for loc, label in self.steps.items():
            d = self.f.at(loc)
            if d is None:
                continue
            try:
                n = self.result.step_number(label)
            except KeyError:
                continue
            d.step = n
            d.step_why = _why(self.result, n)
        for key in ("frequent_1", "extensions", "patterns"):
            entries = [e for e in self.given_list(key) if isinstance(e, dict)]
            fields = {f for e in entries for f in e if f in _FIELDS[key]}
            for j, e in enumerate(self.given_list(key)):
                d = self.f.at(f"{key}[given {j + 1}]")
                if d is not None and isinstance(e, dict) and not d.subject.startswith("pattern"):
                    where = " in the list of all patterns" if key == "patterns" else ""
                    d.subject = f"pattern {e.get('pattern')}{where}"
            for i, e in enumerate(self.result.answer.get(key, [])):
                d = self.f.at(f"{key}[{i}]")
                if d is not None:
                    d.possible = len(fields) if fields else d.possible
                    d.expected = f"{e['pattern']} with support {e['support']}"


def _why(result, n: int) -> str:
    from ..check import words_text
    return words_text(dict(result.numbered_steps())[n].why, result)
