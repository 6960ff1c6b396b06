"""A random stream that is the same on every machine, Python and numpy version.

Python's :mod:`random` keeps its stream for ``random()`` but has changed the
way ``randrange``, ``choice`` and ``sample`` consume it, and numpy promises no
stream stability for ``Generator`` across releases. An exercise's seed is a
public contract (``workedout exercise align --seed 7`` is the same exercise
next year), so the generators draw from this small SplitMix64 stream
(Steele, Lea and Flood, 2014; the seeding generator of Java's
``SplittableRandom`` and of xoshiro), with every derived draw written here:
integers below a bound by rejection (no modulo bias), choices, shuffles and
samples by Fisher-Yates. Nothing depends on hash seeds, set or dict order, or
float formatting.
"""
from __future__ import annotations

import hashlib
from typing import Sequence, TypeVar

__all__ = ["Rng", "SEED_LIMIT", "derive_seed", "check_seed"]

T = TypeVar("T")

#: seeds are 0 <= N < 2**32
SEED_LIMIT = 2 ** 32
_MASK = (1 << 64) - 1


def check_seed(seed, what: str = "seed") -> int:
    """``seed`` as an int in [0, 2**32), or a ValueError naming ``what``."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ValueError(f"{what}: expected a whole number 0 <= N < 2^32, got {seed!r}")
    if not 0 <= seed < SEED_LIMIT:
        raise ValueError(f"{what}: {seed} is out of range; expected 0 <= N < 2^32 (4294967296)")
    return seed


def derive_seed(*parts) -> int:
    """A seed in [0, 2**32) derived from ``parts`` (ints and strs) by SHA-256: the exam's variant seeds."""
    text = "\x1f".join(str(p) for p in parts).encode("utf-8")
    return int.from_bytes(hashlib.sha256(text).digest()[:4], "big")


class Rng:
    """SplitMix64: 64-bit state, one multiply-xorshift output per draw.

    ``Rng(seed, stream)``: the same seed and stream name give the same draws
    everywhere (tests/test_exercise_core.py pins the first outputs).
    """

    def __init__(self, seed: int, stream: str = ""):
        check_seed(seed)
        # the stream name separates the draws of different purposes from one seed
        self.state = (seed ^ int.from_bytes(hashlib.sha256(stream.encode("utf-8")).digest()[:8], "big")) & _MASK

    def next64(self) -> int:
        self.state = (self.state + 0x9E3779B97F4A7C15) & _MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
        return z ^ (z >> 31)

    def below(self, n: int) -> int:
        """A uniform integer in [0, n), by rejection (no modulo bias)."""
        if n <= 0:
            raise ValueError(f"below: n must be positive, got {n}")
        bits = max(1, (n - 1).bit_length())
        while True:
            v = self.next64() >> (64 - bits)
            if v < n:
                return v

    def integer(self, low: int, high: int) -> int:
        """A uniform integer in [low, high], both ends included."""
        return low + self.below(high - low + 1)

    def choice(self, items: Sequence[T]) -> T:
        return items[self.below(len(items))]

    def shuffled(self, items: Sequence[T]) -> list[T]:
        """A new list: ``items`` in a uniformly random order (Fisher-Yates)."""
        out = list(items)
        for i in range(len(out) - 1, 0, -1):
            j = self.below(i + 1)
            out[i], out[j] = out[j], out[i]
        return out

    def sample(self, items: Sequence[T], k: int) -> list[T]:
        """``k`` distinct entries of ``items``, in the order drawn."""
        if not 0 <= k <= len(items):
            raise ValueError(f"sample: k = {k} for {len(items)} items")
        return self.shuffled(items)[:k]

    def chance(self, numerator: int, denominator: int) -> bool:
        """True with probability numerator/denominator (exact)."""
        return self.below(denominator) < numerator
