// "Did you mean" suggestions: the closest known names by edit distance.

/** Edit distance counting a swap of two neighbours as one edit (optimal string alignment), case-insensitive. */
function distance(x: string, y: string): number {
  const a = x.toLowerCase();
  const b = y.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [
    i,
    ...Array<number>(b.length).fill(0),
  ]);
  for (let j = 0; j <= b.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/** The known names closest to `name` (at most 3), nearest first; empty when nothing is close. */
export function closest(name: string, known: Iterable<string>): string[] {
  const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  const scored: [string, number][] = [];
  for (const k of known) {
    const d = distance(name, k);
    if (
      d <= limit ||
      k.toLowerCase().startsWith(name.toLowerCase()) ||
      name.toLowerCase().startsWith(k.toLowerCase())
    ) {
      scored.push([k, d]);
    }
  }
  return scored
    .sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([k]) => k);
}

/** A sentence for a message: " Did you mean 'x'? Available: a, b, c." (lists at most 20 names). */
export function suggestion(name: string, known: readonly string[]): string {
  const near = closest(name, known);
  const hint = near.length > 0 ? ` Did you mean ${near.map((n) => `'${n}'`).join(" or ")}?` : "";
  if (known.length === 0) return `${hint} Nothing is available here.`;
  const list = [...known].sort();
  const shown =
    list.length > 20 ? `${list.slice(0, 20).join(", ")}, … (${list.length} in all)` : list.join(", ");
  return `${hint} Available: ${shown}.`;
}
