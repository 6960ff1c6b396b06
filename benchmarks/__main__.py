"""``python -m benchmarks TOPIC [--quick]``: run one topic's side-by-side benchmark."""
from __future__ import annotations

import argparse
import importlib
import platform
import sys

from benchmarks._harness import markdown_table, run_cases
from workedout.derivations.topics import CORE_BENCHMARKS, TOPICS

#: every benchmark script the topic registry names, in its order, then the core ones (latency)
BENCHMARKS = [name for topic in TOPICS for name in topic.benchmarks] + list(CORE_BENCHMARKS)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks",
                                     description="Side-by-side benchmarks against the peer libraries.")
    parser.add_argument("topic", choices=BENCHMARKS)
    parser.add_argument("--quick", action="store_true", help="small sizes, few repeats (a smoke run)")
    args = parser.parse_args(argv)
    try:
        module = importlib.import_module(f"benchmarks.{args.topic}")
    except ModuleNotFoundError as exc:
        print(f"benchmarks: topic {args.topic!r} has no benchmark yet ({exc})", file=sys.stderr)
        return 2
    print(f"<!-- {platform.machine()} {platform.processor() or ''} Python {platform.python_version()} -->")
    if hasattr(module, "report"):  # a benchmark with its own table (latency: commands in fresh processes)
        print(module.report(args.quick))
        return 0
    if hasattr(module, "environment"):
        print(module.environment())
    print(markdown_table(run_cases(module.cases(args.quick))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
