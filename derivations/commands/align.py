"""``workedout align``: pairwise alignment worked by hand (DP table, tracebacks, edit graph)."""
from __future__ import annotations

from .base import UsageError, add_output_options, command_parser, emit, integer, integer_list

__all__ = ["register"]

_DESCRIPTION = """\
Align SEQ1 (down the rows) with SEQ2 (across the columns) and work the
dynamic programme: every cell's candidates (diagonal, up, left, and 0 for
local) with the arithmetic, the maximum and every arrow attaining it; the
table with the optimal cells boxed; the edit graph as a longest path
(Bellman-Ford on negated weights, one pass in topological order); the score,
the exact number of co-optimal alignments and up to --max-alignments of them.

SEQ is the letters themselves (GATTACA) or a FASTA file (its first record,
or --record N; gzip-compressed files too; '#' and ';' comment lines and free
text before the first '>' header are skipped, with a note; an aligned FASTA
file's gaps '-' and '.' are removed with --ungap). One FASTA file with two records or more gives both
sequences (workedout align pair.fa: its records 0 and 1, or --record N1,N2). Scores are added and maximised; gap penalties are negative
scores; a gap of length k scores open + (k−1)·extend, and --gap G means
open = extend = G (linear gaps). Affine gaps are worked in Gotoh's three
matrices M, X, Y. Past 40 letters the table is left out (score, count and
alignments only).

--check FILE takes a student's answer: JSON with any of the JSON keys
(score, n_optimal, alignments, table; also traceback, or seq1_aligned and
seq2_aligned), a bare JSON grid, or the DP table as CSV (a header row and a
first column of letters may be present). A semi-global (fitting, overlap)
or local alignment may be given as its trimmed rows; with affine gaps the
table as M, X and Y or as one grid (the best state of each cell). The
report recomputes each wrong cell from the student's own neighbouring
cells, and the score and the tracebacks from the student's table: the root
causes come first, with the misconception they show (gap-sign,
local-no-floor, boundary-zero, linear-for-affine, match-mismatch-swapped,
max-vs-min); what follows from them costs no marks (--no-ecf: it does).
Marks: each cell 1, the score 2, the count 1, each alignment 2."""

_FREE = ("seq1_start", "seq1_end", "seq2_start", "seq2_end")
# the textbook names of two semi-global problems (Rosalind's SIMS and OAP), as sets of free ends
_FREE_NAMED = {"fitting": ("seq1_start", "seq1_end"),   # SEQ2 fits inside SEQ1: SEQ1's flanks are free
               "overlap": ("seq1_start", "seq2_end")}   # a suffix of SEQ1 overlaps a prefix of SEQ2


def register(sub) -> None:
    p = command_parser(
        sub, "align", help="pairwise alignment worked: DP table cell by cell, every co-optimal traceback, edit graph",
        example="workedout align GATTACA GCATGCU --format pdf -o nw.pdf",
        description=_DESCRIPTION)
    p.add_argument("seq1", metavar="SEQ1", help="first sequence (rows): letters, or a FASTA file")
    p.add_argument("seq2", metavar="SEQ2", nargs="?",
                   help="second sequence (columns): letters, or a FASTA file; optional when SEQ1 is a FASTA "
                        "file with two records or more (then its records 0 and 1, or --record N1,N2)")
    p.add_argument("--mode", choices=("global", "local", "semiglobal"), default="global",
                   help="global (Needleman-Wunsch, default), local (Smith-Waterman), semiglobal (end gaps free)")
    p.add_argument("--free-ends", metavar="ENDS",
                   help="semiglobal: which ends may hang over unaligned for free, comma-separated from "
                        "seq1_start, seq1_end, seq2_start, seq2_end (default: all four; 'none' for none); or "
                        "'fitting' (SEQ2 fits inside SEQ1: seq1_start,seq1_end) or 'overlap' (a suffix of SEQ1 "
                        "overlaps a prefix of SEQ2: seq1_start,seq2_end)")
    scoring = p.add_argument_group("scoring (match/mismatch or a substitution matrix)")
    scoring.add_argument("--match", metavar="S", help="score of two equal letters (default 1)")
    scoring.add_argument("--mismatch", metavar="S", help="score of two different letters (default -1)")
    scoring.add_argument("--matrix", metavar="NAME", help="substitution matrix: BLOSUM45/50/62/80/90, PAM30/70/250, "
                                          "or an NCBI-format file")
    gaps = p.add_argument_group("gaps (negative scores)")
    gaps.add_argument("--gap", metavar="G", help="linear gaps: every gap position scores G (default -1)")
    gaps.add_argument("--gap-open", metavar="O", help="affine gaps: a gap's first position (with --gap-extend)")
    gaps.add_argument("--gap-extend", metavar="E", help="affine gaps: each further position")
    p.add_argument("--max-alignments", type=integer(minimum=0), default=100, metavar="N",
                   help="list at most N co-optimal alignments (default 100); their number is always exact")
    p.add_argument("--record", type=integer_list(minimum=0), default=None, metavar="N",
                   help="FASTA record to read, 0-based (default 0: the first); N1,N2 for each file, "
                        "or the two records of SEQ1 when SEQ2 is left out (default 0,1)")
    p.add_argument("--ungap", action="store_true",
                   help="remove the gap characters '-' and '.' of aligned FASTA (and of the letters given); "
                        "a note says how many were removed")
    add_output_options(p)
    p.set_defaults(run=_run)


def _sequence(arg: str, record: int, what: str, ungap: bool = False, notes: list | None = None) -> tuple[str, str]:
    """(letters, name): a FASTA file's record (named by its id) or the literal letters; the reader's
    notes are added to ``notes``."""
    import os

    from ...numerics.seqio import load_sequence_record
    try:
        found = load_sequence_record(arg, record=record, ungap=ungap)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{what}: {exc}") from None
    if os.path.lexists(arg):
        _refuse_gaps(what, arg, found)
    _add_notes(notes, found.notes)
    return found.sequence, found.id or what.lower()


def _refuse_gaps(what: str, path: str, found) -> None:
    """A record of aligned FASTA read without --ungap: refused, saying how to strip its gaps."""
    from ...numerics.seqio import gap_characters
    gaps = gap_characters(found.sequence)
    if gaps:
        shown = " and ".join(repr(c) for c in gaps)
        raise UsageError(f"{what}: {path}: record {found.id!r} holds gap characters {shown} (aligned FASTA?); "
                         "give --ungap to remove them")


def _add_notes(notes: list | None, new) -> None:
    if notes is not None:
        notes.extend(n for n in new if n not in notes)


def _pair(path: str, record, ungap: bool = False, notes: list | None = None) -> tuple[tuple[str, str], tuple[str, str]]:
    """Both sequences from one FASTA file: records 0 and 1, or ``--record N1,N2``."""
    import os

    from ...numerics.seqio import read_fasta
    if not os.path.lexists(path):  # a link to a device is read, and refused, by the one reader
        if any(ch in path for ch in "/\\") or path.lower().endswith((".fa", ".fasta", ".fna", ".faa", ".txt")):
            raise UsageError(f"SEQ1: file {path!r} does not exist (give the letters themselves or a FASTA file)")
        raise UsageError("SEQ2: missing; give two sequences (GATTACA GCATGCU), or one FASTA file holding both")
    try:
        records = read_fasta(path, ungap=ungap)
    except (ValueError, OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"SEQ1: {exc}") from None
    _add_notes(notes, records.notes)
    chosen = [0, 1] if record is None else record
    if len(chosen) != 2:
        raise UsageError(f"--record: {len(chosen)} number{'s' if len(chosen) != 1 else ''}; with SEQ1 alone, give the two records of "
                         f"{path} to align, N1,N2 (default 0,1)")
    if len(records) < 2:
        raise UsageError(f"SEQ2: missing, and {path} holds one FASTA record; give SEQ2, or a FASTA file "
                         "with two records")
    out = []
    for which, k in zip(("SEQ1", "SEQ2"), chosen):
        if k >= len(records):
            raise UsageError(f"--record: {k} is out of range; {path} has {len(records)} records, "
                             f"numbered 0 to {len(records) - 1}")
        found = records[k]
        _refuse_gaps(which, path, found)
        out.append((found.sequence, found.id or f"{os.path.basename(path)}:{k}"))
    if out[0][1] == out[1][1]:  # two records with one id: tell them apart by their numbers
        out = [(seq, f"{name}:{k}") for (seq, name), k in zip(out, chosen)]
    return out[0], out[1]


def _run(args) -> int:
    from ..alignment import align
    if args.matrix is not None and (args.match is not None or args.mismatch is not None):
        raise UsageError("--matrix: give either --match/--mismatch or --matrix, not both")
    if args.gap is not None and (args.gap_open is not None or args.gap_extend is not None):
        raise UsageError("--gap: give either --gap (linear) or --gap-open and --gap-extend (affine), not both")
    if (args.gap_open is None) != (args.gap_extend is None):
        raise UsageError("--gap-open: affine gaps need both --gap-open and --gap-extend (or --gap G for linear)")
    notes: list[str] = []   # what the FASTA reader skipped or removed, said in the result's notes
    if args.seq2 is None:
        (seq1, name1), (seq2, name2) = _pair(args.seq1, args.record, args.ungap, notes)
    else:
        given = args.record if args.record is not None else [0]
        records = given * 2 if len(given) == 1 else given
        if len(records) != 2:
            raise UsageError(f"--record: {len(records)} numbers; expected N, or N1,N2 for each file")
        seq1, name1 = _sequence(args.seq1, records[0], "SEQ1", args.ungap, notes)
        seq2, name2 = _sequence(args.seq2, records[1], "SEQ2", args.ungap, notes)
    # scores are read exactly by align() itself; its errors name match, gap_open, ..., shown as the flags
    kw = {}
    if args.matrix is not None:
        kw["matrix"] = args.matrix
    else:
        kw["match"] = args.match if args.match is not None else "1"
        kw["mismatch"] = args.mismatch if args.mismatch is not None else "-1"
    if args.gap_open is not None:
        kw["gap_open"], kw["gap_extend"] = args.gap_open, args.gap_extend
    else:
        kw["gap_open"] = args.gap if args.gap is not None else "-1"
    if args.free_ends is not None:
        if args.mode != "semiglobal":
            raise UsageError("--free-ends: only with --mode semiglobal")
        chosen = [t.strip() for t in args.free_ends.split(",") if t.strip()]
        chosen = [end for t in chosen for end in _FREE_NAMED.get(t.lower(), (t,))]
        unknown = [t for t in chosen if t not in _FREE + ("none",)]
        if unknown:
            raise UsageError(f"--free-ends: unknown end {unknown[0]!r}; expected some of {', '.join(_FREE)}, "
                             f"or none, fitting, overlap")
        kw["free_ends"] = tuple(name in chosen for name in _FREE)
    try:
        result = align(seq1, seq2, mode=args.mode, max_alignments=args.max_alignments, names=(name1, name2), **kw)
    except ValueError as exc:
        if args.gap is not None and str(exc).startswith("gap_open:"):  # --gap G sets gap_open (= gap_extend)
            raise ValueError("gap:" + str(exc)[len("gap_open:"):]) from None
        raise
    result.notes[:0] = notes
    return emit(result, args)
