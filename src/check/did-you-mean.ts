// "Did you mean" suggestions for the checker: the closest known names, and the list of what is available.
import { didYouMeanPhrase, editDistance } from "../diagnostics/did-you-mean.js";

/** The known names closest to `name` (at most 3), nearest first; empty when nothing is close. */
export function closest(name: string, known: Iterable<string>): string[] {
  const limit = name.length <= 3 ? 1 : Math.max(2, Math.floor(name.length / 3));
  const scored: [string, number][] = [];
  for (const k of known) {
    const d = editDistance(name, k);
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
  const hint = didYouMeanPhrase(near, "'");
  if (known.length === 0) return `${hint} Nothing is available here.`;
  const list = [...known].sort();
  const shown =
    list.length > 20 ? `${list.slice(0, 20).join(", ")}, … (${list.length} in all)` : list.join(", ");
  return `${hint} Available: ${shown}.`;
}
