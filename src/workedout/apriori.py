"""Apriori and association rules: worked level by level, and the bitset miner.

The public names of this topic, from both sides of the package (imported on
first use). Where each lives: ``workedout.derivations.apriori``, ``workedout.numerics.apriori``, ``workedout.numerics.transactions``.
"""
from ._face import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {
    '.derivations.apriori': ['apriori', 'parse_rule', 'sweep_figure', 'ALL_ELECTRONICS', 'TABLE_ROW_LIMIT'],
    '.numerics.apriori': ['ALGORITHMS', 'Itemset', 'Level', 'Rule', 'EncodedDatabase', 'frequent_itemsets', 'apriori_levels', 'association_rules', 'resolve_min_confidence', 'encode', 'support_count'],
    '.numerics.transactions': ['TransactionDatabase', 'FORMATS', 'read_transactions', 'parse_transactions', 'read_lines', 'read_json', 'read_csv_baskets', 'read_onehot', 'from_transactions'],
})
