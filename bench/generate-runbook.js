// The runbooks the benchmarks feed rbx: one realistic generator shared by cold validate, validate and lint, and one of cheap http.check steps for rbx run.

/**
 * The text of a valid, lint-clean rbx/v1 runbook of `steps` steps: params (one secret), a postgres connection,
 * a guard, a check suite with a poll, a backup phase (snapshot, then its verification), then phases of ten
 * behind rollback boundaries mixing
 * http.check with expectations, sql.query with `when` and an expectation, sql.exec with retry and probe,
 * approvals and checks.
 * `n` makes the runbook distinct: names and expression constants vary with it, so expression caches cannot
 * serve one runbook from another's work.
 */
export function generateRunbook(steps = 60, n = 0) {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata:",
    `  name: bench-${n}`,
    "  version: 1.0.0",
    "params:",
    "  targetVersion: { type: semver, description: Version to roll out }",
    "  baseUrl: { type: url }",
    "  databaseUrl: { type: secret, from: env.BENCH_DATABASE_URL }",
    `  replicas${n}: { type: int, default: ${(n % 5) + 1} }`,
    "connections:",
    '  db: { kind: postgres, url: "${{ params.databaseUrl }}" }',
    "guards:",
    `  - that: params.replicas${n} > 0 && params.targetVersion != semver("0.0.0")`,
    "    message: Give a version and at least one replica",
    "checks:",
    "  healthy:",
    "    - id: ready",
    "      action: http.check",
    '      with: { url: "${{ params.baseUrl }}/readyz" }',
    "      retry: { until: output.status == 200, every: 5s, timeout: 5m }",
    "phases:",
    "  - id: backup",
    "    onFailure: halt",
    "    steps:",
    "      - id: snap",
    "        action: snapshot.create",
    `        with: { connection: db, label: "bench-${n}-\${{ params.targetVersion }}" }`,
    "      - id: snapok",
    "        action: snapshot.verify",
    '        with: { snapshot: "${{ steps.snap.output.id }}" }',
  ];
  const perPhase = 10;
  let made = 1;
  for (let p = 0; made < steps; p++) {
    lines.push(`  - id: phase${p}`);
    lines.push("    rollback:");
    lines.push("      - action: snapshot.restore");
    lines.push('        with: { snapshot: "${{ steps.snap.output.id }}" }');
    lines.push("      - check: healthy");
    lines.push("    steps:");
    for (let i = 0; i < perPhase && made < steps; i++, made++) {
      const id = `s${p}x${i}n${n}`;
      switch (i % 5) {
        case 0:
          lines.push(`      - id: ${id}`, "        action: http.check");
          lines.push(
            `        with: { url: "\${{ params.baseUrl }}/api/items/${i}?page=\${{ params.replicas${n} }}" }`,
          );
          lines.push(
            "        expect:",
            `          - that: output.status == 200 && size(output.text) > ${n * 100 + p * 10 + i}`,
          );
          lines.push(`            message: "item ${i} answered \${{ output.status }}"`);
          break;
        case 1:
          lines.push(`      - id: ${id}`, "        action: sql.query");
          lines.push(
            `        with: { connection: db, sql: "select count(*) as n from t${i} where v = $1", params: ["\${{ string(params.targetVersion) }}"] }`,
          );
          lines.push(`        when: params.replicas${n} >= ${(p * 10 + i) % 7}`);
          lines.push("        expect:", `          - that: size(output.rows) >= ${i}`);
          break;
        case 2:
          lines.push(`      - id: ${id}`, "        action: sql.exec");
          lines.push(
            `        with: { connection: db, statements: ["update t${i} set v = 1 where id = ${n}"], probe: "select true" }`,
          );
          lines.push("        retry: { attempts: 3, every: 2s, timeout: 1m }");
          break;
        case 3:
          lines.push(`      - id: ${id}`, "        action: approve");
          lines.push(
            `        with: { prompt: "Continue phase ${p} of \${{ params.targetVersion }}?", timeout: 30m }`,
          );
          break;
        default:
          lines.push("      - check: healthy");
      }
    }
  }
  lines.push("  - id: verify", "    steps:", "      - check: healthy");
  return `${lines.join("\n")}\n`;
}

/**
 * A runbook of `steps` steps of the cheapest real built-in a user has: `http.check` of `base`/s<i> (a local
 * server that answers 200 at once), one phase, no `when`, no timeout; with `approval`, a last `approve` step
 * that halts the run for the operator (so status, report and resume have a stopped run to read). With
 * `approveAt: k`, that step stands after the first k steps instead: the run executes k of them and halts, while
 * loading and checking all of them (two such runbooks of one size differ only in the steps they execute).
 */
export function httpRunbook(steps, base, { approval = false, approveAt = undefined } = {}) {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: bench-steps, version: 1.0.0 }",
    "phases:",
    "  - id: all",
    "    steps:",
  ];
  const gate = '      - { id: last, action: approve, with: { prompt: "Go on?" } }';
  for (let i = 0; i < steps; i++) {
    if (i === approveAt) lines.push(gate);
    lines.push(`      - { id: s${i}, action: http.check, with: { url: "${base}/s${i}" } }`);
  }
  if (approval || approveAt === steps) lines.push(gate);
  return `${lines.join("\n")}\n`;
}

/**
 * A runbook of `steps` trivial steps in one phase, each calling `action` with no input, no `when`, no timeout:
 * what is left to time is the interpreter and its store. Kept for store-bench.js (the PostgreSQL store's
 * per-step figure, which lands with the store).
 */
export function trivialRunbook(steps, action) {
  const lines = [
    "apiVersion: rbx/v1",
    "kind: Runbook",
    "metadata: { name: bench-trivial, version: 1.0.0 }",
    "phases:",
    "  - id: all",
    "    steps:",
  ];
  for (let i = 0; i < steps; i++) lines.push(`      - { id: s${i}, action: ${action} }`);
  return `${lines.join("\n")}\n`;
}
