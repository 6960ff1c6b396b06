"""The DP table as a longest path in the edit graph: the graph itself, one pass in
topological order, and Bellman-Ford on the negated weights (numerics.alignment's pure-Python
reference, exact; the tests compare it with scipy.sparse.csgraph.bellman_ford)."""
from __future__ import annotations

from ...numerics.alignment._reference import bellman_ford
from ..result import Display, Step, Table, checked, words
from ._format import as_tex, as_text, inline_math, prefix_math, var
from ._problem import NEG, AlignmentProblem
from ._table import WorkedTable

__all__ = ["edit_graph_steps", "build_edit_graph", "longest_path_one_pass", "bellman_ford_score"]


def build_edit_graph(p: AlignmentProblem):
    """The edit graph: nodes (state, i, j) numbered in row-major order, edges (u, v, weight)."""
    n, m = p.n, p.m
    k = 1 if p.linear else 3

    def node(q, i, j):
        return (i * (m + 1) + j) * k + q
    edges = []
    for i in range(n + 1):
        for j in range(m + 1):
            if p.linear:
                if i and j:
                    edges.append((node(0, i - 1, j - 1), node(0, i, j), p.substitution(p.seq1[i - 1], p.seq2[j - 1])))
                if i:
                    edges.append((node(0, i - 1, j), node(0, i, j), p.gap_scores(True, i, j)[0]))
                if j:
                    edges.append((node(0, i, j - 1), node(0, i, j), p.gap_scores(False, i, j)[0]))
                continue
            if i and j:
                s = p.substitution(p.seq1[i - 1], p.seq2[j - 1])
                edges += [(node(r, i - 1, j - 1), node(0, i, j), s) for r in range(3)]
            if i:
                o, e = p.gap_scores(True, i, j)
                edges += [(node(r, i - 1, j), node(1, i, j), (o, e, o)[r]) for r in range(3)]
            if j:
                o, e = p.gap_scores(False, i, j)
                edges += [(node(r, i, j - 1), node(2, i, j), (o, o, e)[r]) for r in range(3)]
    n_nodes = (n + 1) * (m + 1) * k
    source, sink = n_nodes, n_nodes + 1
    if p.local:
        if p.linear:
            edges += [(source, v, 0) for v in range(n_nodes)] + [(v, sink, 0) for v in range(n_nodes)]
        else:
            edges += [(source, node(0, i, j), p.substitution(p.seq1[i - 1], p.seq2[j - 1]))
                      for i in range(1, n + 1) for j in range(1, m + 1)]
            edges += [(node(0, i, j), sink, 0) for i in range(1, n + 1) for j in range(1, m + 1)]
        edges.append((source, sink, 0))
    else:
        edges.append((source, node(0, 0, 0), 0))
        edges += [(node(q, n, m), sink, 0) for q in range(k)]
    if not p.linear:   # global: X and Y at the start corner do not exist
        edges = [e for e in edges if e[0] not in (node(1, 0, 0), node(2, 0, 0))]
    return n_nodes + 2, edges, source, sink


def longest_path_one_pass(n_nodes: int, edges, source: int, sink: int):
    """Longest path by relaxing each node's in-edges once, in topological (row-major) order."""
    incoming: dict[int, list] = {}
    for u, v, wgt in edges:
        incoming.setdefault(v, []).append((u, wgt))
    order = [source] + [v for v in range(n_nodes) if v not in (source, sink)] + [sink]
    dist = {source: 0}
    for v in order[1:]:
        best = NEG
        for u, wgt in incoming.get(v, ()):
            if dist.get(u, NEG) != NEG:
                best = max(best, dist[u] + wgt)
        dist[v] = best
    return dist[sink]


def bellman_ford_score(n_nodes: int, edges, source: int, sink: int):
    """The shortest source-sink distance with negated weights, by Bellman-Ford (numerics.alignment's
    pure-Python reference: exact, rounds until nothing changes); minus the longest path."""
    return bellman_ford(n_nodes, [(u, v, -wgt) for u, v, wgt in edges], source)[sink]


def edit_graph_steps(p: AlignmentProblem, table: WorkedTable | None) -> list[Step]:
    """The edit graph, the relaxation as Bellman-Ford's, and why one pass suffices; with the
    worked table, the graph is built and both longest-path computations are checked against it."""
    n, m = p.n, p.m
    cells = (n + 1) * (m + 1)
    free = " (0 along a free border)" if p.mode == "semiglobal" else ""

    def weight(name, v):
        return inline_math(r"%s = %s" % (name, as_tex(v)) + (r"\text{%s}" % free if free else ""),
                           f"{name} = {as_text(v)}{free}")
    if p.linear:
        rows = [["nodes", inline_math(r"(i, j),\ 0 \le i \le %d,\ 0 \le j \le %d" % (n, m), f"(i, j), 0 ≤ i ≤ {n}, 0 ≤ j ≤ {m}"),
                 str(cells), ""],
                ["diagonal edges", inline_math(r"(i-1, j-1) \to (i, j)", "(i−1, j−1) → (i, j)"), str(n * m),
                 inline_math(r"s(a_i, b_j)", "s(aᵢ, bⱼ)")],
                ["vertical edges", inline_math(r"(i-1, j) \to (i, j)", "(i−1, j) → (i, j)"), str(n * (m + 1)),
                 weight("g", p.gap_open)],
                ["horizontal edges", inline_math(r"(i, j-1) \to (i, j)", "(i, j−1) → (i, j)"), str((n + 1) * m),
                 weight("g", p.gap_open)]]
        if p.local:
            rows += [["start edges", inline_math(r"\text{start} \to (i, j)", "start → (i, j)"), str(cells), "0"],
                     ["end edges", inline_math(r"(i, j) \to \text{end}", "(i, j) → end"), str(cells), "0"]]
        meaning = ("node ", var("(i, j)"), " means ", prefix_math("a", 1, "i"), " aligned with ",
                   prefix_math("b", 1, "j"))
    else:
        o, e = weight("o", p.gap_open), weight("e", p.gap_extend)
        rows = [["nodes", inline_math(r"M_{i,j},\ X_{i,j},\ Y_{i,j}", "M(i,j), X(i,j), Y(i,j)"), str(3 * cells), ""],
                ["into M", inline_math(r"M, X, Y_{i-1,j-1} \to M_{i,j}", "M, X, Y(i−1,j−1) → M(i,j)"),
                 str(3 * n * m),
                 inline_math(r"s(a_i, b_j)", "s(aᵢ, bⱼ)")],
                ["into X: open", inline_math(r"M, Y_{i-1,j} \to X_{i,j}", "M, Y(i−1,j) → X(i,j)"),
                 str(2 * n * (m + 1)), o],
                ["into X: extend", inline_math(r"X_{i-1,j} \to X_{i,j}", "X(i−1,j) → X(i,j)"), str(n * (m + 1)), e],
                ["into Y: open", inline_math(r"M, X_{i,j-1} \to Y_{i,j}", "M, X(i,j−1) → Y(i,j)"),
                 str(2 * (n + 1) * m), o],
                ["into Y: extend", inline_math(r"Y_{i,j-1} \to Y_{i,j}", "Y(i,j−1) → Y(i,j)"), str((n + 1) * m), e]]
        if p.local:
            rows += [["start edges", inline_math(r"\text{start} \to M_{i,j}", "start → M(i,j)"), str(n * m),
                      inline_math(r"s(a_i, b_j)", "s(aᵢ, bⱼ)")],
                     ["end edges", inline_math(r"M_{i,j} \to \text{end}", "M(i,j) → end"), str(n * m), "0"]]
        meaning = ("the state of node ", var("(i, j)"), " says what the alignment of ", prefix_math("a", 1, "i"),
                   " with ", prefix_math("b", 1, "j"), " ends in: a substitution (", var("M"), "), a gap in seq2 (",
                   var("X"), "), a gap in seq1 (", var("Y"), ")")
    path = (("from the start node to the end node",) if p.local else
            ("from ", var("(0, 0)"), " to ", var(f"({n}, {m})")))
    s1 = Step(Table(["", "which", "how many", "weight"], rows, align="llrl"),
              why=words("The edit graph: ", *meaning, "; an alignment is a path ", *path, ", its score the sum of "
                        "the path's edge weights, so an optimal alignment is a longest (heaviest) path, and the "
                        "co-optimal alignments are all the longest paths."
                        + (" Local: a start node joins every node an alignment may begin at, an end node is "
                           "joined from every node it may end at, and an edge from start to end of weight 0 is the "
                           "empty alignment." if p.local else "")), label="edit-graph")
    tex = (r"H(v) = \max_{(u,v) \in E} \bigl(H(u) + w(u,v)\bigr) \iff d(v) = \min_{(u,v)\in E} "
           r"\bigl(d(u) + c(u,v)\bigr),\quad d = -H,\ c = -w")
    txt = "H(v) = max over edges (u,v) of H(u) + w(u,v)  ⇔  d(v) = min of d(u) + c(u,v), with d = −H, c = −w"
    check = None
    if table is not None:
        n_nodes, edges, source, sink = build_edit_graph(p)
        one_pass = longest_path_one_pass(n_nodes, edges, source, sink)
        bf = bellman_ford_score(n_nodes, edges, source, sink)
        check = checked(f"on the graph built explicitly ({n_nodes - 2} nodes, a source and a sink, {len(edges)} "
                        f"edges): one pass in row-major order gives a longest path of {as_text(one_pass)}, and "
                        "Bellman-Ford (numerics.alignment's pure-Python reference, exact) on the negated weights "
                        f"a shortest one of {as_text(bf)}; both equal the table's score",
                        one_pass == table.score and bf == -table.score)
    s2 = Step(Display(inline_math(tex, txt)),
              why=words("Each cell of the table is one relaxation: the longest path into a node is the best of "
                        "its in-edges added to the longest paths into their tails. With ", var("d = -H", "d = −H"),
                        " and ", var("c = -w", "c = −w"),
                        " it is exactly the Bellman-Ford relaxation of a shortest path on the negated weights "
                        "(which may be negative, so Dijkstra does not apply; Bellman-Ford does, and the graph has "
                        "no cycle at all, negative or not)."), check=check, label="relaxation")
    s3 = Step(Display(inline_math(r"(i', j') \to (i, j) \implies i' \le i,\ j' \le j,\ i' + j' < i + j",
                            "(i′, j′) → (i, j)  ⇒  i′ ≤ i, j′ ≤ j, i′ + j′ < i + j")),
              why=words("Why one pass suffices: every edge moves down, right or both (inside a cell Gotoh's states "
                        "are never joined to each other), so the graph has no cycle (a DAG) and row-major order "
                        "(", var("i"), ", then ", var("j"), ") is a topological order. When a node's turn comes "
                        "all its predecessors are final, so relaxing each node's in-edges once, in that order, "
                        "gives every longest path: ",
                        var(r"O(V + E) = O(nm)", "O(V + E) = O(nm)"), " work, instead of Bellman-Ford's ",
                        var("V - 1", "V − 1"), " rounds over all ", var("E"), " edges, ", var("O(VE)"), ". "
                        "Filling the table row by row is exactly that one pass."), label="dag")
    return [s1, s2, s3]
