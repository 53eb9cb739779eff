// bench/RESULTS.md: the figures of one `npm run bench -- --write` and the machine they came from.
import { mark, ratioText, targetText, valueText } from "./figures.js";

const cell = (s) => String(s).replaceAll("|", "\\|");

/** The Markdown page for `figures` measured on machine `m`. */
export function resultsMarkdown(figures, m, { quick = false, seconds = 0, context } = {}) {
  const rows = figures.map((f) =>
    f.error || f.skipped
      ? `| ${cell(f.title)} | – | – | – | ${targetText(f)} | ${mark(f)}: ${cell(f.error ?? f.skipped)} |`
      : `| ${cell(f.title)} | ${valueText(f.ours, f.unit)} | ${valueText(f.baseline, f.unit)} | ${ratioText(f)} | ${targetText(f)} | ${mark(f)} |`,
  );
  const notes = figures.filter((f) => f.note).map((f) => `- \`${f.id}\`: ${cell(f.note)}`);
  return [
    "# Benchmark results",
    "",
    `Written by \`npm run bench -- --write${quick ? " --quick" : ""}\` (bench/run.js) in ${seconds.toFixed(0)} s.`,
    "Each ratio is rbx / baseline, both measured in the same run on the same machine, interleaved; where rounds",
    "pair a measurement of rbx with one of its baseline, the ratio is the median of the per-round ratios and the",
    "spread in brackets their interquartile range (25th to 75th percentile).",
    "What each figure measures and why its target is what it is: [README.md](README.md); the reasons measured",
    "behind each MISS and what would unblock it: [README.md](README.md#where-a-target-is-not-met-and-why).",
    "",
    "## Machine",
    "",
    `- CPU: ${m.cpu}, ${m.cores} cores`,
    `- Memory: ${m.memoryGiB} GiB`,
    `- Node: ${m.node}`,
    `- OS: ${m.os}`,
    `- Date: ${m.date}`,
    `- Load average at start (1, 5, 15 min): ${m.load.join(", ")}`,
    ...(m.loadEnd ? [`- Load average at end (1, 5, 15 min): ${m.loadEnd.join(", ")}`] : []),
    ...(context ? [`- Also running: ${context}`] : []),
    ...(m.loaded
      ? [
          "",
          `> The machine was shared and busy when this ran (load ${m.load[0]} on ${m.cores} cores): other processes`,
          "> competed for CPU and disk, so absolute times are inflated and noisier than on an idle machine. Ratios",
          "> hold up better because rbx and its baseline were interleaved, but read them with that in mind.",
        ]
      : []),
    "",
    "## Figures",
    "",
    "| figure | rbx | baseline | ratio (spread) | target | |",
    "|---|---|---|---|---|---|",
    ...rows,
    "",
    ...(notes.length > 0 ? ["Notes:", "", ...notes, ""] : []),
  ].join("\n");
}
