"""``workedout gmm ...``: Gaussian mixtures by EM."""
from __future__ import annotations

from ...numerics.gmm import COVARIANCE_TYPES
from .base import add_output_options, add_plot_option, alias, command_parser, emit, integer, real, topic_group

__all__ = ["register"]


def register(sub) -> None:
    topic = topic_group(sub, "gmm", help="Gaussian mixtures by EM: E-step, M-step, derivation, fit, selection",
                        example="workedout gmm estep --x 2 --weights 1/2,1/2 --means 0,1 --sds 1,1")

    p = command_parser(
        topic, "estep", help="responsibilities of one point by Bayes' rule, worked exactly (1-D or d-dimensional)",
        description="Responsibilities of one point by Bayes' rule, worked exactly. 1-D: --x a number, --means "
                    "numbers, --sds standard deviations. d dimensions: --x a vector [x1, x2, ...], --means a list "
                    "of vectors, --covariances in scikit-learn's shape for --covariance (full: a list of "
                    "d x d matrices; tied: one matrix; diag: a list of variance vectors; spherical: a list of "
                    "variances).",
        example="workedout gmm estep --x '[1, 2]' --weights 1/2,1/2 --means '[[0, 0], [1, 1]]' "
                "--covariances '[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]'")
    p.add_argument("--x", required=True, help="the point: a number (1-D) or a vector such as '[1, 2]'")
    p.add_argument("--weights", required=True, help="mixing weights pi_k, comma-separated, summing to 1")
    p.add_argument("--means", required=True, help="component means: numbers '0,1' (1-D) or vectors "
                                                  "'[[0, 0], [1, 1]]'")
    p.add_argument("--sds", help="1-D: component standard deviations sigma_k > 0, comma-separated; exact roots "
                                  "such as sqrt(2) accepted")
    p.add_argument("--variances", help="1-D: component variances sigma_k^2 > 0 instead of --sds, e.g. 1/4,9/4")
    p.add_argument("--covariances", help="d dimensions: covariances in scikit-learn's shape for --covariance, "
                                         "e.g. '[[[1, 0], [0, 1]], [[2, 1], [1, 2]]]' for full")
    p.add_argument("--covariance", dest="covariance_type", choices=COVARIANCE_TYPES, default="full",
                   help="the covariance type, the shape of --covariances (default: full)")
    alias(p, "--covariance-type", "--covariance")
    p.add_argument("--normalize-weights", action="store_true",
                   help="divide the weights by their sum (weights printed rounded, such as 0.33,0.33,0.35); a note "
                        "says so")
    add_output_options(p)
    p.set_defaults(run=_estep)

    p = command_parser(
        topic, "mstep", help="one M-step worked exactly on data and responsibilities (CSV files)",
        description="The derived M-step updates evaluated on your data and responsibilities as a hand "
                    "calculation: N_k, the weights, the weighted sums, the means and the covariances of the "
                    "chosen type, exact when the CSV holds integers, decimals or fractions. JSON keys: nk, "
                    "weights, means, covariances (scikit-learn's shapes), and the same under exact.",
        example="printf '0,0\\n1,0\\n4,4\\n' > X.csv; printf '1,0\\n4/5,1/5\\n0,1\\n' > R.csv\n"
                "  workedout gmm mstep --data X.csv --resp R.csv --covariance full --format json")
    p.add_argument("--data", required=True, metavar="X.csv", help="the points, one row each (header optional)")
    p.add_argument("--resp", required=True, metavar="R.csv",
                   help="the responsibilities, one row per point, one column per component; rows sum to 1")
    p.add_argument("--covariance", choices=COVARIANCE_TYPES, default="full",
                   help="covariance type (default: full)")
    p.add_argument("--previous-means", metavar="MEANS",
                   help="the means before this M-step, e.g. '[[0, 0], [4, 4]]' or a CSV file (one row per "
                        "component): --check then recognises a covariance centred at the previous mean")
    add_output_options(p)
    p.set_defaults(run=_mstep)

    p = command_parser(
        topic, "derive", help="derive the EM updates from the complete-data log-likelihood, every step checked",
        description="The proof of the EM updates, step by step, as lecture notes: the model, the E-step by "
                    "Bayes' rule, the M-step for the means, the weights (Lagrange multiplier) and the covariances, "
                    "the second-order check, the K-means limit and the 1-D case. --check FILE compares a "
                    "student's updates, written in the answer syntax (see the README), e.g. "
                    "{\"means\": \"sum(gamma_ik*x_i)/N_k\", \"weights\": \"N_k/N\"}.",
        example="workedout gmm derive --covariance full --format pdf -o em.pdf")
    p.add_argument("--covariance", choices=[*COVARIANCE_TYPES, "all"], default="all",
                   help="which covariance derivations to include (default: all)")
    add_output_options(p)
    p.set_defaults(run=_derive)

    p = command_parser(
        topic, "fit", help="fit a Gaussian mixture by EM (the numeric engine) and report it",
        example="workedout gmm fit iris --k 3 --covariance full --columns petal_length,petal_width "
                "--plot iris.png")
    _data_arguments(p)
    p.add_argument("--k", type=integer(minimum=1), required=True, help="number of components K")
    p.add_argument("--covariance", default="full", help="full, tied, diag or spherical (default: full)")
    p.add_argument("--init", metavar="INIT.json",
                   help="start EM from these weights, means and covariances (the type's shape)")
    p.add_argument("--max-iter", type=integer(minimum=1), default=100)
    p.add_argument("--tol", type=real(minimum=0), default=1e-3,
                   help="stop when the mean log-likelihood changes by less than this (default 1e-3); 0 runs "
                        "--max-iter iterations")
    p.add_argument("--reg-covar", type=real(minimum=0), default=1e-6,
                   help="added to every covariance's diagonal (default 1e-6, as scikit-learn); 0 allowed, but a "
                        "component on one point or a constant column then has a singular covariance")
    p.add_argument("--n-init", type=integer(minimum=1), default=1)
    _seed_option(p)
    add_plot_option(p, "write the picture: 1-D histogram with densities, 2-D clusters with ellipses and "
                       "boundaries")
    add_output_options(p)
    p.set_defaults(run=_fit)

    p = command_parser(
        topic, "select", help="BIC/AIC model selection over numbers of components and covariance types",
        example="workedout gmm select iris --k 1-6 --covariance all --labels species --plot bic.png")
    _data_arguments(p)
    p.add_argument("--k", default="1-6", help="numbers of components: a range 1-6 or a list 2,4,8")
    p.add_argument("--covariance", default="all", help="all, or some of full,tied,diag,spherical")
    p.add_argument("--labels", metavar="COLUMN", help="column of true classes: adds the adjusted Rand index")
    p.add_argument("--n-init", type=integer(minimum=1), default=1)
    _seed_option(p)
    add_plot_option(p, "write BIC and AIC against K, one line per type")
    add_output_options(p)
    p.set_defaults(run=_select)


def _estep(args) -> int:
    from ..gmm import estep
    return emit(estep(args.x, args.weights, args.means, args.sds, variances=args.variances,
                      covariances=args.covariances, covariance_type=args.covariance_type,
                      normalize_weights=args.normalize_weights, digits=args.digits), args)


def _mstep(args) -> int:
    from ..gmm import mstep
    return emit(mstep(args.data, args.resp, args.covariance, previous_means=args.previous_means,
                      digits=args.digits), args)


def _derive(args) -> int:
    from ..gmm import derive
    return emit(derive(args.covariance), args)


def _data_arguments(p) -> None:
    p.add_argument("data", metavar="DATA", help="a CSV file (header optional) or a built-in data set: iris")
    p.add_argument("--columns", help="feature columns by name or 0-based index, comma-separated")
    p.add_argument("--standardize", action="store_true", help="scale each feature to mean 0, variance 1")


def _seed_option(p) -> None:
    p.add_argument("--seed", dest="random_state", type=integer(), default=0,
                   help="seed of the initialisation (default 0)")
    alias(p, "--random-state", "--seed")


def _fit(args) -> int:
    from ..gmm import fit, plot_fit
    from ...numerics.io import load_dataset
    dataset = load_dataset(args.data, columns=args.columns, standardize=args.standardize)
    result = fit(dataset, k=args.k, covariance=args.covariance, init=args.init, max_iter=args.max_iter,
                 tol=args.tol, n_init=args.n_init, random_state=args.random_state, reg_covar=args.reg_covar,
                 digits=args.digits)
    return emit(result, args, plot=lambda path: plot_fit(result, dataset, path))


def _select(args) -> int:
    from ..gmm import plot_select, select
    result = select(args.data, k=args.k, covariance=args.covariance, columns=args.columns,
                    standardize=args.standardize, labels=args.labels, n_init=args.n_init,
                    random_state=args.random_state, digits=args.digits)
    return emit(result, args, plot=lambda path: plot_select(result, path))
