/** "Did you mean …?": the closest known name to a misspelt one. */

/** Edit distance of a and b, or `limit + 1` as soon as it must exceed `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) {
    return limit + 1;
  }
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      const value = Math.min(
        current + 1,
        (row[j - 1] ?? 0) + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1)
      );
      row[j] = value;
      best = Math.min(best, value);
      previous = current;
    }
    if (best > limit) {
      return limit + 1;
    }
  }
  return row[b.length] ?? 0;
}

/** The closest candidate, if it is close enough to be a typo. */
export function didYouMean(
  word: string,
  candidates: Iterable<string>
): string | null {
  const lower = word.toLowerCase();
  let best: string | null = null;
  let bestDistance = Math.floor(Math.max(2, word.length / 3));
  for (const candidate of candidates) {
    const d = distance(lower, candidate.toLowerCase(), bestDistance);
    if (d < bestDistance || (best === null && d === bestDistance)) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** The " Did you mean …?" sentence for a message, or nothing when no candidate is close. */
export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best === null ? '' : ` Did you mean "${best}"?`;
}
