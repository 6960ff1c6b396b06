"""PrefixSpan: sequential patterns worked in the paper's notation, and the miner.

The topic's public names from both halves of the package, each imported on first use. Where they
live: ``workedout.derivations.prefixspan``, ``workedout.numerics.prefixspan``,
``workedout.numerics.seqdb``. ``prefixspan`` is the worked mining (a Result); the engine is
``workedout.numerics.prefixspan.prefixspan``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.prefixspan': [
        'prefixspan', 'PAPER_DB',
    ],
    '.numerics.prefixspan': [
        'top_k', 'support', 'contains', 'projected_database', 'closed_patterns',
        'Pattern', 'Projection',
    ],
    '.numerics.seqdb': [
        'read_sequence_db', 'from_sequences', 'parse_sequence', 'format_sequence', 'SequenceDatabase',
    ],
})
