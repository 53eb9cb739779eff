// One shape and one printout for every benchmark figure, so `npm run bench` and each bench alone read the same.
//
// A figure: { id, title, ours, baseline, ratio, spread: [lo, hi], target: { op: "<=" | ">=", value }, unit?, note? }
// — ratio is ours / baseline (the median of per-round ratios where rounds are paired), spread the interquartile
// range of those ratios; or { id, title, target, error } when it could not be measured. A figure without a
// target is a reference printed for context (marked REF): it passes or misses nothing.

/** Whether a measured figure meets its target. */
export function meets(f) {
  return f.target.op === "<=" ? f.ratio <= f.target.value : f.ratio >= f.target.value;
}

/**
 * PASS, MISS, ERROR for a figure that could not be measured, SKIP for one whose tool is not installed here (no
 * error: the machine lacks what it compares with), or REF for a reference without a target.
 */
export function mark(f) {
  if (f.skipped) return "SKIP";
  if (f.error) return "ERROR";
  if (!f.target) return "REF";
  return meets(f) ? "PASS" : "MISS";
}

/** The target as text, e.g. "≤ 1.3×"; a dash when a bench failed before saying what it measures. */
export function targetText(f) {
  if (!f.target) return "—";
  return `${f.target.op === "<=" ? "≤" : "≥"} ${f.target.value}×`;
}

/** The ratio with its spread, e.g. "1.12× (1.05–1.20)". */
export function ratioText(f) {
  const r = `${f.ratio.toFixed(2)}×`;
  return f.spread ? `${r} (${f.spread[0].toFixed(2)}–${f.spread[1].toFixed(2)})` : r;
}

/** A measured value with its unit, with as many digits as its size needs. */
export function valueText(v, unit = "") {
  const digits = Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2;
  const n =
    Math.abs(v) >= 1e6
      ? `${(v / 1e6).toFixed(2)}M`
      : Math.abs(v) >= 1e4
        ? `${(v / 1e3).toFixed(1)}k`
        : v.toFixed(digits);
  return unit ? `${n} ${unit}` : n;
}

/** The figures as an aligned console table, one line each, then each figure's note. */
export function figureLines(figures) {
  const width = Math.max(...figures.map((f) => f.title.length));
  const lines = [];
  for (const f of figures) {
    const head = `${mark(f).padEnd(5)} ${f.title.padEnd(width)}`;
    if (f.error || f.skipped) {
      const why = f.error ?? f.skipped;
      lines.push(`${head}  ${"—".padStart(19)}  target ${targetText(f).padEnd(7)}  not measured: ${why}`);
      continue;
    }
    lines.push(
      `${head}  ${ratioText(f).padStart(19)}  target ${targetText(f).padEnd(7)}  ` +
        `${valueText(f.ours, f.unit)} vs ${valueText(f.baseline, f.unit)}`,
    );
  }
  const notes = figures.filter((f) => f.note);
  lines.push("", "ratio (spread): the median ratio and the 25th–75th percentile of its rounds");
  if (notes.length > 0) lines.push("", ...notes.map((f) => `${f.id}: ${f.note}`));
  return lines;
}

/** Figures not measured because the machine lacks the tool they compare with (not an error). */
export function skipped(list, reason) {
  return list.map((f) => ({ id: f.id, title: f.title, target: f.target, skipped: reason }));
}

/** The failure of a whole bench file, as its figures marked unmeasured. */
export function unmeasured(list, err) {
  const message = (err instanceof Error ? err.message : String(err)).split("\n")[0];
  return list.map((f) => ({ id: f.id, title: f.title, target: f.target, error: message }));
}

/** Run one bench file alone: its detailed table, then its figures; exit 1 only if a figure was not measured. */
export async function standalone(measure) {
  const quick = process.argv.includes("--quick");
  const figures = await measure({ quick, log: (line) => console.log(line) });
  console.log("");
  for (const line of figureLines(figures)) console.log(line);
  process.exitCode = figures.some((f) => f.error) ? 1 : 0;
}
