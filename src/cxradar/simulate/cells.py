"""Where each subscriber uses the network: 1-4 cells with traffic shares, mostly stable.

A home cell in the home district carries most traffic; other cells are nearby (same district)
or elsewhere (work). Each month a few subscribers swap a secondary cell and shares drift a
little; shares always sum to 1 and cells of one subscriber are distinct.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from cxradar.simulate.world import World

__all__ = ["CellState"]

_SLOTS = 4


@dataclass
class CellState:
    """Cells (n, 4) as indices into the world's cells, and traffic shares (n, 4; 0 = unused slot)."""

    cells: np.ndarray
    shares: np.ndarray
    weights: np.ndarray  # underlying slot weights (0 = unused)
    district: np.ndarray
    world: World

    @classmethod
    def start(cls, rng: np.random.Generator, district: np.ndarray, world: World) -> CellState:
        n = len(district)
        cells = np.zeros((n, _SLOTS), dtype=np.int64)
        for s in range(_SLOTS):
            cells[:, s] = cls._pick(rng, district, world, local=0.6 if s else 1.0)
        used = np.arange(_SLOTS) < rng.choice([1, 2, 3, 4], size=n, p=(0.2, 0.35, 0.3, 0.15))[:, None]
        weights = rng.gamma(2.0, 1.0, (n, _SLOTS)) * np.array([3.0, 1.0, 0.7, 0.5])
        state = cls(cells, np.zeros((n, _SLOTS)), np.where(used, weights, 0.0), district, world)
        state._normalise()
        return state

    @staticmethod
    def _pick(rng: np.random.Generator, district: np.ndarray, world: World, local: float) -> np.ndarray:
        n = len(district)
        out = rng.integers(0, world.n_cells, n)
        near = rng.random(n) < local
        for d, pool in enumerate(world.cells_by_district):
            idx = np.flatnonzero(near & (district == d))
            out[idx] = pool[rng.integers(0, len(pool), len(idx))]
        return out

    def _normalise(self) -> None:
        # a cell repeated in a subscriber's row keeps only its first slot
        for s in range(1, _SLOTS):
            dup = (self.cells[:, :s] == self.cells[:, s : s + 1]).any(axis=1)
            self.weights[dup, s] = 0.0
        self.weights[:, 0] = np.maximum(self.weights[:, 0], 1e-3)
        self.shares = self.weights / self.weights.sum(axis=1, keepdims=True)

    def move(self, rng: np.random.Generator) -> None:
        """One month passes: ~10 % swap a secondary cell; shares drift."""
        n = len(self.district)
        swap = np.flatnonzero(rng.random(n) < 0.10)
        slot = rng.integers(1, _SLOTS, len(swap))
        self.cells[swap, slot] = self._pick(rng, self.district[swap], self.world, local=0.5)
        self.weights[swap, slot] = np.where(
            self.weights[swap, slot] > 0, self.weights[swap, slot], rng.gamma(2.0, 0.5, len(swap))
        )
        self.weights *= rng.lognormal(0, 0.15, self.weights.shape)
        self._normalise()
