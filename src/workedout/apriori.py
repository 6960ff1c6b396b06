"""Apriori and association rules: worked level by level, and the bitset miner.

The topic's public names from both halves of the package, each imported on first use. Where they
live: ``workedout.derivations.apriori``, ``workedout.numerics.apriori``,
``workedout.numerics.transactions``, ``workedout.numerics.apriori_plots``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.apriori': [
        'apriori', 'parse_rule', 'sweep_figure', 'ALL_ELECTRONICS',
    ],
    '.numerics.apriori': [
        'frequent_itemsets', 'apriori_levels', 'association_rules', 'Itemset', 'Level',
        'Rule', 'ALGORITHMS',
    ],
    '.numerics.transactions': [
        'read_transactions', 'parse_transactions', 'from_transactions', 'TransactionDatabase',
    ],
    '.numerics.apriori_plots': [
        'plot_sweep',
    ],
})
