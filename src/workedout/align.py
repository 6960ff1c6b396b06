"""Pairwise alignment: the worked DP table and tracebacks, and the numeric aligner.

The topic's public names from both halves of the package, each imported on first use. Where they
live: ``workedout.derivations.alignment``, ``workedout.numerics.alignment``,
``workedout.numerics.seqio``. ``align`` is the worked alignment (a Result); the engine's one optimal
alignment is ``PairwiseAligner(...).align``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.alignment': [
        'align', 'MAX_TABLE', 'MODE_NAMES',
    ],
    '.numerics.alignment': [
        'PairwiseAligner', 'PairwiseAlignments', 'Alignment', 'DPTables', 'score',
        'count_optimal', 'dp_tables', 'alignment_score', 'semiglobal_ranges', 'MODES',
    ],
    '.numerics.seqio': [
        'FastaRecord', 'read_fasta', 'read_fasta_record', 'load_sequence', 'load_sequence_record',
        'SubstitutionMatrix', 'MATRIX_NAMES', 'load_matrix', 'read_matrix',
    ],
})
