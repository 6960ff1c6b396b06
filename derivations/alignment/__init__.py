r"""Pairwise sequence alignment worked by hand: the DP table cell by cell, every
co-optimal traceback, and the table as a longest path in the edit graph.

The course exercise: given two sequences, a scoring and a gap model, fill the
dynamic-programming table (each cell the largest of its candidates, with an
arrow to every candidate that attains it), read off the optimal score, count
and list the co-optimal alignments by tracing the arrows back, and see the
table as the longest path in a directed acyclic graph (Bellman-Ford on the
negated weights, which on a DAG needs one pass in topological order).

Conventions (those of :mod:`numerics.alignment`, which checks every step)
-------------------------------------------------------------------------
* Scores are added and maximised; gap penalties are negative scores; a gap of
  length :math:`k` scores :math:`o + (k-1)e` (``gap_open``, ``gap_extend``);
  ``gap_extend=None`` means linear gaps, :math:`e = o = g`.
* Modes: ``global`` (Needleman-Wunsch), ``local`` (Smith-Waterman),
  ``semiglobal`` (end gaps free at the ends chosen by ``free_ends``).
* An alignment is a sequence of columns, so ``A-/-C`` and ``-A/C-`` are two.
* Linear gaps are worked in the classic single table :math:`H`; affine gaps
  in Gotoh's three matrices :math:`M` (ends in a substitution), :math:`X` (ends
  in a gap in seq2: a vertical move) and :math:`Y` (a gap in seq1: a
  horizontal move), shown side by side.
* Local mode: the table shows every candidate that attains a cell's maximum
  (a cell holding 0 gets no arrow: an alignment starts after it). The
  alignments counted and listed are Biopython's: each starts after a 0 and
  ends at a cell holding the optimum, and no proper part of it at either end
  scores 0 (its path passes through no cell holding 0 or the optimum on the
  way), so ``CAC``/``CGC`` (match 1, mismatch -1) has four one-column
  ``C/C`` alignments and not ``CAC/CGC``.

Past ``max_table`` (40) letters in either sequence the result gives the score,
the exact count and the alignments, without the table, and says so.

Public API: :func:`align` (returns a :class:`~derivations.result.Result`
whose check reads the topic's answer forms), :data:`MAX_TABLE`,
:data:`MAX_LISTING_CELLS`, :data:`MODE_NAMES`, :func:`demo_examples`.

Where each part lives
---------------------
* ``_problem``: the input (:class:`AlignmentProblem`: exact scores, and the
  one numeric aligner that validates the scoring and checks every step);
* ``_table``: the DP table worked cell by cell (:class:`WorkedTable`);
* ``_traceback``: the optimal paths, their exact count and the tracebacks
  (:class:`OptimalPaths`);
* ``_edit_graph``: the table as a longest path;
* ``_table_steps``, ``_steps``: the result's steps; ``_worked``: :func:`align`
  and the results it returns; ``_format``: numbers, arrows and grids as text
  and LaTeX;
* ``_check``: reading and checking a student's answer (a
  :class:`~derivations.check.Checker`); ``_demo``: the course's examples.
"""
from ._demo import demo_examples
from ._problem import MAX_LISTING_CELLS, MAX_TABLE, MODE_NAMES
from ._worked import align

__all__ = ["align", "MAX_TABLE", "MAX_LISTING_CELLS", "MODE_NAMES", "demo_examples"]
