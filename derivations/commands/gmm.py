"""``workedout gmm ...``: Gaussian mixtures by EM."""
from __future__ import annotations

from derivations.cli import add_output_options, command_parser, emit, topic_group

__all__ = ["register"]


def register(sub) -> None:
    topic = topic_group(sub, "gmm", help="Gaussian mixtures by EM: E-step, M-step, derivation, fit, selection",
                        example="workedout gmm estep --x 2 --weights 1/2,1/2 --means 0,1 --sds 1,1")

    p = command_parser(
        topic, "estep", help="responsibilities of one point by Bayes' rule, worked exactly",
        example="workedout gmm estep --x 2 --weights 1/2,1/2 --means 0,1 --sds 1,1 --format json")
    p.add_argument("--x", required=True, help="the point (integer, decimal or fraction)")
    p.add_argument("--weights", required=True, help="mixing weights pi_k, comma-separated, summing to 1")
    p.add_argument("--means", required=True, help="component means mu_k, comma-separated")
    p.add_argument("--sds", required=True, help="component standard deviations sigma_k > 0, comma-separated")
    add_output_options(p)
    p.set_defaults(run=_estep)


def _estep(args) -> int:
    from derivations.gmm import estep
    return emit(estep(args.x, args.weights, args.means, args.sds), args)
