// "Did you mean" suggestions by edit distance, shared by every stage that reports an unknown name.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions), case-insensitive. */
export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    const row: number[] = new Array(t.length + 1).fill(0);
    row[0] = i;
    rows.push(row);
  }
  for (let j = 0; j <= t.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= s.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[s.length] as number[])[t.length] as number;
}

/** The closest candidates to `name` within a distance that scales with its length, best first. */
export function closestNames(name: string, candidates: Iterable<string>, max = 3): string[] {
  const limit = Math.max(1, Math.min(3, Math.ceil(name.length / 2) - 1));
  const scored: { name: string; d: number }[] = [];
  for (const c of candidates) {
    if (c === name) continue;
    const d = editDistance(name, c);
    const prefix =
      c.toLowerCase().startsWith(name.toLowerCase()) || name.toLowerCase().startsWith(c.toLowerCase());
    if (d <= limit || (prefix && Math.min(c.length, name.length) >= 3)) scored.push({ name: c, d });
  }
  scored.sort((x, y) => x.d - y.d || (x.name < y.name ? -1 : 1));
  return scored.slice(0, max).map((s) => s.name);
}

/** A sentence suffix such as ` Did you mean "retry"?`, or "" when nothing is close. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  return didYouMeanPhrase(closestNames(name, candidates));
}

/** ` Did you mean "a" or "b"?` (or with 'single' quotes), "" for no names: every stage words it this way. */
export function didYouMeanPhrase(names: readonly string[], quote: '"' | "'" = '"'): string {
  if (names.length === 0) return "";
  return ` Did you mean ${names.map((n) => `${quote}${n}${quote}`).join(" or ")}?`;
}

const PHRASE = /Did you mean ((?:(["'])[^"']*\2(?: or )?)+)\?/;

/** The names a message's "did you mean" phrase suggests, nearest first (read back for an editor's quick fix). */
export function suggestedNames(message: string): string[] {
  const m = PHRASE.exec(message);
  if (!m) return [];
  return [...(m[1] as string).matchAll(/(["'])([^"']*)\1/g)].map((x) => x[2] as string);
}
