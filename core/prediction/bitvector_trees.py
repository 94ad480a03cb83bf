"""Shallow trees' leaves found without walking them: one bit per leaf, cleared by the splits a row fails.

The node walk costs about seven numpy passes per tree level per (row, tree) pair. Boosted trees are
shallow (at most 64 leaves), so they take the QuickScorer route instead (Lucchese et al., SIGIR 2015):
number each tree's leaves left to right; a split whose test sends a row right rules out every leaf of
its left subtree; the row's leaf is the lowest leaf that no split ruled out. The splits a row sends right
on one feature are those whose threshold is below its value: a prefix of that feature's sorted
thresholds. So for each feature and each prefix, the AND over that prefix of the splits' masks is a
table row of one word per tree (``uint32`` when every tree has at most 32 leaves, else ``uint64``), built
once at load; a row's leaves are then the AND of one table row per feature (picked by the value's rank
among the feature's thresholds: from its leading bits and a compare or two, ``Buckets``, or by a
branch-free binary search), and the lowest set bit of each word.

The comparisons are the node walk's own (go right when ``x > threshold`` in the compare dtype; a missing
value goes where its node says), so both give the same leaf, bit for bit. Categorical splits, trees of
more than 64 leaves and tables too big for the cache are left to the node walk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

Index = npt.NDArray[np.intp]

MAX_LEAVES = 64
"""One ``uint64`` word per tree."""
MAX_TABLE_BYTES = 32 * 2**20
"""Beyond this the table is no longer read from the cache, and building it would slow the load."""
BLOCK_BYTES = 512 * 1024
"""Table bytes ANDed together: with the words being built, within a core's cache even when others run."""
BUCKET_BITS = 16
MAX_BUCKET_STEPS = 2
"""More thresholds than this in one bucket: the halving search is as quick."""
MAX_BUCKET_ENTRIES = 1 << 20
_SEARCH_ROWS = 8192
"""Rows whose table rows are searched at once: a step's passes then stay in the cache."""
_SLOT = MAX_LEAVES + 1
"""``leaf_node`` columns per tree: the lowest set bit's position plus one (1 to 64) indexes it directly."""


@dataclass(frozen=True)
class Buckets:
    """A value's rank among a feature's thresholds, from its leading bits and then at most ``steps`` compares.

    A float's bits, sign-folded (negative: all flipped; positive: the sign bit set), order as the floats do;
    their top ``BUCKET_BITS`` bits name a bucket. ``first[b]`` counts the thresholds of the buckets below
    ``b``: all of them are below the value, all those of later buckets above it, so the rank is ``first[b]``
    plus the thresholds of its own bucket below the value, which ``steps`` compares (the fullest bucket's
    count) find. XGBoost's float32 thresholds put at most one threshold in a 16-bit bucket: one compare
    instead of eight halving steps.
    """

    shift: int
    """Bits below the bucket's: 16 for float32, 48 for float64."""
    low: Index
    """(features,): the first bucket with a threshold; lower buckets read it (their rank is 0 all the same)."""
    high: Index
    """(features,): one past the last bucket with a threshold (its rank: every threshold is below)."""
    start: Index
    """(features,): where each feature's counts begin in ``counts``, less its ``low``."""
    counts: npt.NDArray[np.int32]
    """Per feature, per bucket from ``low`` to ``high``: the thresholds in lower buckets."""
    steps: int

    def first(self, values: npt.NDArray[np.floating[Any]]) -> Index:
        """(rows, features): each value's bucket's count of lower thresholds (any count for NaN)."""
        bucket = _bucket_of(values, self.shift)
        np.clip(bucket, self.low[None, :], self.high[None, :], out=bucket)
        bucket += self.start[None, :]
        return self.counts.take(bucket).astype(np.intp)


def _buckets(thresholds: list[npt.NDArray[np.floating[Any]]]) -> Buckets | None:
    """The buckets of these thresholds (one array per feature), or None where one holds more than
    ``MAX_BUCKET_STEPS`` thresholds or the counts would take more than ``MAX_BUCKET_ENTRIES``."""
    shift = (thresholds[0].dtype.itemsize * 8) - BUCKET_BITS
    lows, highs, starts, counts, steps, total = [], [], [], [], 0, 0
    for distinct in thresholds:
        finite = distinct[np.isfinite(distinct)]
        if finite.shape[0] != distinct.shape[0]:
            return None  # an infinite threshold: rare, and the halving search handles it
        bucket = _bucket_of(distinct, shift)
        low, high = int(bucket.min()), int(bucket.max()) + 1
        occupancy = int(np.bincount(bucket - low).max())
        steps = max(steps, occupancy)
        if steps > MAX_BUCKET_STEPS:
            return None
        lows.append(low)
        highs.append(high)
        starts.append(total - low)
        counts.append(np.searchsorted(bucket, np.arange(low, high + 1), side="left").astype(np.int32))
        total += high - low + 1
        if total > MAX_BUCKET_ENTRIES:
            return None
    index = np.intp
    return Buckets(
        shift, np.array(lows, index), np.array(highs, index), np.array(starts, index), np.concatenate(counts), steps
    )


def _bucket_of(values: npt.NDArray[np.floating[Any]], shift: int) -> Index:
    """Each value's bucket (the top bits of its sign-folded bits), as ``Buckets.first`` computes it."""
    normal = values + values.dtype.type(0)  # -0.0 becomes 0.0, equal and now with equal bits
    if normal.dtype == np.float32:
        bits32 = normal.view(np.uint32)
        folded32 = bits32 ^ ((bits32 >> np.uint32(31)) * np.uint32(0xFFFFFFFF) | np.uint32(0x80000000))
        return np.asarray(folded32 >> np.uint32(shift), dtype=np.intp)
    bits = normal.view(np.uint64)
    folded = bits ^ ((bits >> np.uint64(63)) * np.uint64(0xFFFFFFFFFFFFFFFF) | np.uint64(0x8000000000000000))
    return np.asarray(folded >> np.uint64(shift), dtype=np.intp)


@dataclass(frozen=True)
class BitvectorPlan:
    """What the evaluation needs, derived from the node arrays at load time."""

    features: Index
    """The input columns some split reads, in the order their table blocks come."""
    thresholds: list[npt.NDArray[np.floating[Any]]]
    """Per feature in ``features``: its splits' distinct thresholds, ascending, in the compare dtype."""
    offset: Index
    """Per feature: its block's first row in ``table``; the block's last row is for a missing value."""
    table: npt.NDArray[np.unsignedinteger[Any]]
    """(rows, trees): the AND of the masks of a feature's splits that the row's value sends right."""
    leaf_node: Index
    """(trees * 65,): ``leaf_node[t * 65 + bit + 1]`` is the node of tree ``t``'s leaf number ``bit``."""
    padded: npt.NDArray[np.floating[Any]]
    """(features, 2**k): each feature's thresholds then ``+inf``, for the branch-free search."""
    blocks: list[npt.NDArray[np.unsignedinteger[Any]]]
    """``table``'s columns in contiguous blocks of trees, each about ``BLOCK_BYTES``."""
    buckets: Buckets | None = None
    """Where a value's search may start, by its leading bits; None where buckets hold too many thresholds."""

    def leaves(self, x: npt.NDArray[np.floating[Any]], chunk_rows: int) -> Index:
        """The leaf node of every (tree, row) pair, tree-major like the node walk's answer."""
        return self.leaf_node.take(self.slots(x, chunk_rows))

    def slots(self, x: npt.NDArray[np.floating[Any]], chunk_rows: int) -> Index:
        """The leaf slot (``leaf_node``'s index) of every (tree, row) pair, tree-major.

        A block of trees at a time (``blocks``), ``chunk_rows * trees / block`` rows at a time, so that the
        block's table and the words being ANDed stay in the core's cache.
        """
        rows, trees = x.shape[0], self.table.shape[1]
        out = np.empty((trees, rows), dtype=np.intp)
        for block in range(0, rows, _SEARCH_ROWS):
            picked = self.table_rows(x[block : block + _SEARCH_ROWS])
            first = 0
            for table in self.blocks:
                width = table.shape[1]
                step = max(16, chunk_rows * trees // width)
                tree_slot = (np.arange(first, first + width, dtype=np.intp) * _SLOT)[:, None]
                gathered = np.empty((min(picked.shape[0], step), width), dtype=table.dtype)
                for start in range(0, picked.shape[0], step):
                    stop = min(picked.shape[0], start + step)
                    words = table.take(picked[start:stop, 0], axis=0)
                    part = gathered[: stop - start]
                    for j in range(1, picked.shape[1]):
                        # "clip": the rows are in range by construction, and an unchecked take needs no buffer.
                        table.take(picked[start:stop, j], axis=0, out=part, mode="clip")
                        np.bitwise_and(words, part, out=words)
                    # The lowest set bit and every bit below it, counted: its position plus one.
                    np.bitwise_xor(words, words - table.dtype.type(1), out=words)
                    target = out[first : first + width, block + start : block + stop]
                    np.add(np.bitwise_count(words).T, tree_slot, out=target)
                first += width
        return out.ravel()

    def table_rows(self, x: npt.NDArray[np.floating[Any]]) -> Index:
        """(rows, features): each row's table row per feature, from its rank among the feature's thresholds.

        The rank: from the value's bucket and a compare or two (``Buckets``), else by halving every value's
        range at once, a few numpy passes per step (``np.searchsorted`` mispredicts a branch at about every
        step on random values and costs twice as much).
        """
        values = x[:, self.features]
        probe = np.empty(values.shape, dtype=np.intp)
        threshold = np.empty(values.shape, dtype=self.padded.dtype)
        below = np.empty(values.shape, dtype=bool)
        width = self.padded.shape[1]
        starts = (np.arange(self.features.shape[0], dtype=np.intp) * width)[None, :]
        flat = self.padded.ravel()
        if self.buckets is not None:
            rank = self.buckets.first(values)
            for _ in range(self.buckets.steps):
                np.add(rank, starts, out=probe)
                flat.take(probe, out=threshold, mode="clip")
                np.less(threshold, values, out=below)
                rank += below
            step = 0
        else:
            rank = np.zeros(values.shape, dtype=np.intp)
            step = width // 2
        while step:
            np.add(rank, starts + (step - 1), out=probe)
            flat.take(probe, out=threshold, mode="clip")
            np.less(threshold, values, out=below)
            rank += below * step
            step //= 2
        missing = np.isnan(values)
        if missing.any():
            rank[missing] = np.broadcast_to(self.missing_row, values.shape)[missing]
        rank += self.offset[None, :]
        return rank

    @property
    def missing_row(self) -> Index:
        """Per feature, its missing-value row within its block."""
        return np.array([t.shape[0] + 1 for t in self.thresholds], dtype=np.intp)


@dataclass(frozen=True)
class Layout:
    """Where each node sits: the split nodes level by level from the roots, and each node's tree."""

    splits: list[Index]
    """``splits[d]``: the split nodes at depth ``d``; the deepest leaf's depth is ``len(splits)``."""
    tree_of: Index


def layout(child: Index, roots: Index, is_leaf: npt.NDArray[np.bool_]) -> Layout | None:
    """The layout, or None for a big form (a tree of more than ``2 * MAX_LEAVES - 1`` nodes, as forests
    have: their walk needs neither) or nodes that are not each in exactly one tree."""
    nodes, trees = child.shape[0], roots.shape[0]
    if trees == 0 or nodes > trees * (2 * MAX_LEAVES - 1):
        return None
    tree_of = np.full(nodes, -1, dtype=np.intp)
    tree_of[roots] = np.arange(trees)
    split_levels, frontier, seen = [], roots, trees
    while frontier.shape[0]:
        splits = frontier.take(np.flatnonzero(~is_leaf.take(frontier)))
        if splits.shape[0] == 0:
            break
        split_levels.append(splits)
        left = child.take(splits)
        tree_of[left] = tree_of.take(splits)
        tree_of[left + 1] = tree_of.take(splits)
        frontier = np.concatenate([left, left + 1])
        seen += frontier.shape[0]
        if seen > nodes:  # a node reached twice: not trees (and a crafted graph could grow without end)
            return None
    if seen != nodes or np.any(tree_of < 0):
        return None
    return Layout(split_levels, tree_of)


def plan(
    feature: Index,
    threshold: npt.NDArray[np.floating[Any]],
    child: Index,
    n_features: int,
    is_leaf: npt.NDArray[np.bool_],
    where: Layout,
) -> BitvectorPlan | None:
    """The plan for these node arrays, or None where the node walk must serve them."""
    nodes, trees = child.shape[0], int(where.tree_of.max()) + 1
    count = np.ones(nodes, dtype=np.intp)
    for splits in reversed(where.splits):
        left = child.take(splits)
        count[splits] = count.take(left) + count.take(left + 1)
    if int(count.max()) > MAX_LEAVES:
        return None
    first = np.zeros(nodes, dtype=np.intp)
    for splits in where.splits:
        left = child.take(splits)
        first[left] = first.take(splits)
        first[left + 1] = first.take(splits) + count.take(left)
    return _build(feature, threshold, child, n_features, is_leaf, where.tree_of, count, first, trees)


def _build(
    feature: Index,
    threshold: npt.NDArray[np.floating[Any]],
    child: Index,
    n_features: int,
    is_leaf: npt.NDArray[np.bool_],
    tree_of: Index,
    count: Index,
    first: Index,
    trees: int,
) -> BitvectorPlan | None:
    splits = np.flatnonzero(~is_leaf)
    column = feature[splits] % n_features
    left = child[splits]
    # A split sending a row right rules out its left subtree's leaves: bits first[left] .. + count[left].
    span = (np.uint64(1) << count[left].astype(np.uint64)) - np.uint64(1)
    mask = ~(span << first[left].astype(np.uint64))
    missing_right = (feature[splits] < n_features) & (threshold[splits] < np.inf)
    features = np.unique(column)
    thresholds, offsets, rows = [], [], 0
    table_row = np.empty(splits.shape[0], dtype=np.intp)
    for j in features:
        on = np.flatnonzero(column == j)
        distinct = np.unique(threshold[splits[on]])
        thresholds.append(distinct)
        offsets.append(rows)
        # The row for a value above the r-th smallest threshold is row r + 1: the splits of ranks < r + 1.
        table_row[on] = rows + 1 + np.searchsorted(distinct, threshold[splits[on]], side="left")
        rows += distinct.shape[0] + 2
    if rows * trees * 8 > MAX_TABLE_BYTES:
        return None
    table = np.full((rows, trees), np.iinfo(np.uint64).max, dtype=np.uint64)
    np.bitwise_and.at(table, (table_row, tree_of[splits]), mask)
    offset = np.asarray(offsets, dtype=np.intp)
    for j, start in enumerate(offsets):
        block = table[start : start + thresholds[j].shape[0] + 1]
        np.bitwise_and.accumulate(block, axis=0, out=block)
        # A missing value: sent right by the splits whose missing values go right (NaN read as +inf).
        on = np.flatnonzero((column == features[j]) & missing_right)
        missing_row = np.full(on.shape[0], start + thresholds[j].shape[0] + 1)
        np.bitwise_and.at(table, (missing_row, tree_of[splits[on]]), mask[on])
    leaves = np.flatnonzero(is_leaf)
    leaf_node = np.full(trees * _SLOT, leaves[0], dtype=np.intp)
    leaf_node[tree_of[leaves] * _SLOT + first[leaves] + 1] = leaves
    width = 1 << int(max(t.shape[0] for t in thresholds)).bit_length()
    padded = np.full((features.shape[0], width), np.inf, dtype=threshold.dtype)
    for j, distinct in enumerate(thresholds):
        padded[j, : distinct.shape[0]] = distinct
    words: npt.NDArray[np.unsignedinteger[Any]] = table if int(count.max()) > 32 else table.astype(np.uint32)
    per_block = max(1, BLOCK_BYTES // (words.shape[0] * words.itemsize))
    blocks = [np.ascontiguousarray(words[:, t : t + per_block]) for t in range(0, trees, per_block)]
    plan = BitvectorPlan(features.astype(np.intp), thresholds, offset, words, leaf_node, padded, blocks)
    return replace(plan, buckets=_buckets(thresholds))
