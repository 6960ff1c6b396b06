"""Pairwise alignment: the worked DP table and tracebacks, and the numeric aligner.

The public names of this topic, from both sides of the package (imported on
first use). Where each lives: ``workedout.derivations.alignment``, ``workedout.numerics.alignment``, ``workedout.numerics.seqio``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.alignment': ['align', 'AlignmentResult', 'MAX_TABLE', 'MAX_LISTING_CELLS', 'MODE_NAMES'],
    '.numerics.alignment': ['MODES', 'Alignment', 'DPTables', 'score', 'count_optimal', 'dp_tables', 'alignment_score', 'M_FROM_M', 'M_FROM_X', 'M_FROM_Y', 'M_START', 'X_FROM_M', 'X_FROM_X', 'X_FROM_Y', 'Y_FROM_M', 'Y_FROM_X', 'Y_FROM_Y', 'M_END'],
    '.numerics.seqio': ['FastaRecord', 'parse_fasta', 'read_fasta', 'read_fasta_record', 'load_sequence', 'SubstitutionMatrix', 'MATRIX_NAMES', 'parse_matrix', 'read_matrix', 'format_matrix', 'write_matrix', 'load_matrix'],
})
