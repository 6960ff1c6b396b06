"""Side-by-side benchmarks against the peer libraries (not part of the tests).

Run ``python -m benchmarks TOPIC [--quick]``; see :mod:`benchmarks._harness`.
"""
