// The memory policy of commands that hold a whole run: V8's young generation stays at its starting size, and V8
// collects garbage as it does under memory pressure.
/**
 * Keep V8's heap close to what is live. Loading a large runbook and folding a long journal allocate in bursts:
 * the YAML parse builds its whole syntax tree and then its document, garbage a moment later.
 * - `--semi-space-growth-factor=1`: the young generation stays at its starting size instead of doubling up to
 *   its 32 MB ceiling (5,000 steps: rbx run 280 → 165 MB, rbx status 230 → 130 MB), for ~5% more CPU per run.
 * - `--memory-saver-mode`: V8's heuristics for a machine low on memory — the old generation grows by a small
 *   factor over what was live at the last full collection, and is compacted, instead of growing up to 4× while
 *   the parse's garbage waits: 5,000 steps, rbx status 156 → ~125 MB, rbx run 170 → ~126 MB. It limits nothing:
 *   a 20,000-step runbook still loads and runs.
 * V8 reads both each time it sizes a space, so setting them once at start-up holds. Validate and lint keep V8's
 * defaults: their throughput over many files paid ~11% with the small young generation.
 */
export function keepHeapSmall(): void {
  // node:v8 is taken here, not imported: every other command starts without it.
  const v8 = process.getBuiltinModule("node:v8");
  v8.setFlagsFromString("--semi-space-growth-factor=1");
  v8.setFlagsFromString("--memory-saver-mode");
}
