/**
 * Advanced mode: the user types one expert's token count; the others give way so the counts stay
 * a valid `expert_counts` input (non-negative integers summing to tokens per step).
 */

/**
 * Sets counts[expert] = value (rounded, clamped to [0, total]) and rebalances the difference over
 * the other experts, smallest first: extra tokens are taken from the cheapest experts, freed
 * tokens go to the smallest expert (the same place the budget rule puts leftovers).
 */
export function rebalanceCounts(
  counts: readonly number[],
  expert: number,
  value: number,
  total: number,
): number[] {
  if (!(expert >= 0 && expert < counts.length)) {
    throw new RangeError(`expert ${expert} is outside [0, ${counts.length})`);
  }
  const next = counts.map((k) => Math.max(0, Math.round(k)));
  const wanted = Number.isFinite(value) ? Math.min(total, Math.max(0, Math.round(value))) : 0;
  next[expert] = wanted;
  let excess = next.reduce((s, k) => s + k, 0) - total;
  const others = next.map((_, j) => j).filter((j) => j !== expert);
  if (excess > 0) {
    for (const j of others) {
      const take = Math.min(excess, next[j]!);
      next[j]! -= take;
      excess -= take;
      if (excess === 0) break;
    }
  } else if (excess < 0) {
    next[others[0] ?? expert]! -= excess;
  }
  return next;
}
