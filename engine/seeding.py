"""Seeds: one seed gives the same data and the same initial weights on every machine."""

import hashlib

import numpy as np

Seed = int | str


def seed_to_int(seed: Seed) -> int:
    """A non-negative integer for `seed`; a string (TF Playground's `seed=0.59704`) is hashed."""
    if isinstance(seed, bool) or not isinstance(seed, int | str):
        raise ValueError(f"seed must be an integer or a string, not {seed!r}")
    if isinstance(seed, int):
        if seed < 0:
            raise ValueError(f"seed must be a non-negative integer, not {seed}")
        return seed
    return int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "little")


def make_rng(seed: Seed) -> np.random.Generator:
    """The generator for `seed`: PCG64, so the stream is the same on every platform."""
    return np.random.Generator(np.random.PCG64(seed_to_int(seed)))
