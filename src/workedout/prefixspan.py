"""PrefixSpan: sequential patterns worked in the paper's notation, and the miner.

The public names of this topic, from both sides of the package (imported on
first use). Where each lives: ``workedout.derivations.prefixspan``, ``workedout.numerics.prefixspan``, ``workedout.numerics.seqdb``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.prefixspan': ['prefixspan', 'PAPER_DB'],
    '.numerics.prefixspan': ['Pattern', 'Projection', 'top_k', 'support', 'contains', 'projected_database', 'closed_patterns'],
    '.numerics.seqdb': ['Item', 'Itemset', 'Sequence', 'SequenceDatabase', 'read_sequence_db', 'read_hand', 'read_spmf', 'read_json', 'from_sequences', 'parse_sequence', 'format_sequence', 'hand_dialect', 'sort_items', 'FORMATS'],
})
