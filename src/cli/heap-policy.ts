// The memory policy of commands: those that hold a whole run keep V8's young generation at its starting size and
// collect garbage as under memory pressure; those that read their files in one go and end let it grow at once.
/**
 * Keep V8's heap close to what is live. Loading a large runbook and folding a long journal allocate in bursts:
 * the YAML parse builds its whole syntax tree and then its document, garbage a moment later.
 * - `--semi-space-growth-factor=1`: the young generation stays at its starting size instead of doubling up to
 *   its 32 MB ceiling (5,000 steps: rbx run 280 → 165 MB, rbx status 230 → 130 MB), for ~5% more CPU per run.
 * - `--memory-saver-mode`: V8's heuristics for a machine low on memory — the old generation grows by a small
 *   factor over what was live at the last full collection, and is compacted, instead of growing up to 4× while
 *   the parse's garbage waits: 5,000 steps, rbx status 156 → ~125 MB, rbx run 170 → ~126 MB. It limits nothing:
 *   a 20,000-step runbook still loads and runs.
 * - With `compilersOff` (status, report: one pass over the journal and the runbook, no steps run; resume and
 *   rollback until their runbook is loaded and bound), also `--no-turbofan --no-maglev`: the optimizing
 *   compilers' work on the YAML parser and the schema validator (their compile zones, beside the parse's peak,
 *   and the code they make) costs more memory than it saves time on one pass: 5,000 steps, rbx status ~124 →
 *   ~106 MB for ~20% more CPU (1.35 → 1.65 s). Steps need them: `optimizingCompilersOn` turns them back on.
 *   `rbx run` keeps them throughout: its load grows with the steps, and the per-step figure would pay.
 * V8 reads these each time it sizes a space or decides to optimize, so setting them once at start-up holds.
 * Validate and lint do not keep it small: their throughput over many files paid ~11% with the small young
 * generation (validate grows it at once: `growYoungGenerationAtOnce`).
 */
export function keepHeapSmall(compilersOff: boolean): void {
  // node:v8 is taken here, not imported: every other command starts without it.
  const v8 = process.getBuiltinModule("node:v8");
  v8.setFlagsFromString("--semi-space-growth-factor=1");
  // Node 22's V8 (12.4) has no such flag and would print "unrecognized flag" on stderr: Node 24's (13.6) has it.
  if (v8MajorVersion() >= 13) v8.setFlagsFromString("--memory-saver-mode");
  if (!compilersOff) return;
  v8.setFlagsFromString("--no-turbofan");
  v8.setFlagsFromString("--no-maglev");
}

/**
 * Let V8's young generation grow to its ceiling (V8's own, unchanged) in one step instead of doubling from 1 MB:
 * `--semi-space-growth-factor=8`. A command that reads its files and ends (validate) allocates its parse trees
 * at once: from the default size V8 scavenged ~9 times in a cold validate of 50 steps, copying the same
 * survivors again each time; now ~3 times, ~7% less CPU for ~5 MB more peak memory. Set when the command
 * starts, read by V8 each time it sizes the space.
 */
export function growYoungGenerationAtOnce(): void {
  process.getBuiltinModule("node:v8").setFlagsFromString("--semi-space-growth-factor=8");
}

/** V8's optimizing compilers on again (after keepHeapSmall(true)), for the steps a command then runs. */
export function optimizingCompilersOn(): void {
  const v8 = process.getBuiltinModule("node:v8");
  v8.setFlagsFromString("--turbofan");
  v8.setFlagsFromString("--maglev");
}

/** The major version of the V8 this Node runs on. */
function v8MajorVersion(): number {
  return Number.parseInt(process.versions.v8, 10);
}
