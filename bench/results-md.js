// bench/RESULTS.md: the figures of one `npm run bench -- --write` and the machine they came from.

const verdict = (f) => (f.error ? "not measured" : meets(f) ? "met" : "missed");

/** Whether a figure meets its target. */
export function meets(f) {
  return f.target.op === "<=" ? f.ratio <= f.target.value : f.ratio >= f.target.value;
}

/** The Markdown page. */
export function resultsMarkdown(figures, m) {
  const rows = figures.map(
    (f) =>
      `| ${f.title} | ${f.error ? "–" : f.ours} | ${f.error ? "–" : f.baseline} | ${f.error ? "–" : `${f.ratio.toFixed(2)}×`} | ${f.target.op === "<=" ? "≤" : "≥"} ${f.target.value}× | ${verdict(f)}${f.error ? `: ${f.error}` : ""} |`,
  );
  return [
    "# Benchmark results",
    "",
    "Written by `npm run bench -- --write` (bench/run.js). Ratios compare rbx with a baseline measured in the",
    "same run on the same machine; each figure's target is in the issue that asked for it.",
    "",
    `- CPU: ${m.cpu} (${m.cores} cores), ${m.memoryGiB} GiB`,
    `- Node: ${m.node} on ${m.platform}`,
    `- Date: ${m.date}`,
    "",
    "| figure | rbx | baseline | ratio | target | |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
  ].join("\n");
}
