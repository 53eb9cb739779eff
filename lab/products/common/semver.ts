// Version comparison for the sample services' behaviour switches (`v1.3.0` and `4.6.6-broken-migration` alike).

/** Compare two versions by their numeric core only; <0, 0 or >0. */
export function compareVersions(a: string, b: string): number {
  const core = (v: string) =>
    v
      .replace(/^v/, "")
      .split("-")[0]!
      .split(".")
      .map((n) => Number.parseInt(n, 10) || 0);
  const x = core(a);
  const y = core(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** True when `version` is at least `min` (numeric core). */
export function atLeast(version: string, min: string): boolean {
  return compareVersions(version, min) >= 0;
}
