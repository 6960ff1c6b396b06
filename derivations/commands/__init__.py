"""Subcommands of ``workedout``, one module per topic, each with ``register(subparsers)``."""
