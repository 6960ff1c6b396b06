"""The built-in Apriori example of ``workedout demo``: AllElectronics (Han, Kamber and Pei)."""
from __future__ import annotations

from ..result import Result
from ._worked import ALL_ELECTRONICS, apriori, sweep_figure

__all__ = ["demo_examples"]


def demo_examples() -> list:
    """The course's examples for ``workedout demo``: the AllElectronics table and its sweep figure."""
    from ..demo import Example, Figure

    def textbook() -> Result:
        return apriori(ALL_ELECTRONICS, 2, min_confidence="0.7", sweep="1,2,3,4,5",
                       rules=["I1, I5 => I2", "I1, I2 => I5"],
                       title="Apriori on the AllElectronics transactions (Han, Kamber & Pei, Table 6.1), "
                             "min support count 2")

    def figure(path) -> None:
        sweep_figure(apriori(ALL_ELECTRONICS, 2, sweep="1,2,3,4,5,6,7"), path,
                     title="AllElectronics (Han, Kamber & Pei, Table 6.1): frequent itemsets per level")

    return [
        Example("apriori-allelectronics", textbook),
        Figure("apriori-sweep", "Number of frequent itemsets of each size against the minimum support count, "
                                "AllElectronics transactions (Han, Kamber & Pei, Table 6.1).", figure),
    ]
