// `rbx status`: where a run stands, what a rollback would run now, and each recovery choice.
import type { JsonValue } from "../../contract/json.js";
import type { Program } from "../bind/program.js";
import type { RunState } from "../model/state.js";
import type { JournalRead } from "../store/journal-file.js";
import type { LockConflict } from "../store/run-store.js";

/** One recovery choice: the command and what it would do. */
export interface RecoveryChoice {
  command: string;
  effect: string;
}

/** Everything `rbx status` shows, as data (printed as text or `--json`). */
export interface StatusReport {
  runId: string;
  runbook?: { name: string; version: string; file: string };
  status: string;
  /** "crashed": the journal stops mid-run and no process holds the run. */
  detail?: string;
  startedAt?: string;
  startedBy?: string;
  lastEvent?: { seq: number; type: string; at: string };
  integrity: { ok: boolean; events: number; problems: string[]; tornBytesIgnored: number };
  phase?: string;
  step?: { key: string; status: string; attempt: number; error?: string };
  lastBoundary?: string;
  rollbackNow: { boundary: string; steps: { key: string; action: string; when?: string }[] }[];
  locks: { label: string; holder: string; state: string }[];
  choices: RecoveryChoice[];
  params?: Record<string, JsonValue>;
}

/** Build the report from the folded journal, the document (when it loads) and the lock holders. */
export function statusReport(
  state: RunState,
  read: JournalRead,
  program: Program | undefined,
  holders: readonly LockConflict[],
): StatusReport {
  const runId = state.runId;
  const s = state.started;
  const active = holders.some((h) => h.holder.runId === runId && h.alive === true);
  let status: string = state.status;
  let detail: string | undefined;
  if ((status === "running" || status === "rolling-back") && !active) {
    detail = `the journal stops mid-${status === "running" ? "run" : "rollback"} and no process holds the run: it crashed or was killed`;
    status = "crashed";
  }
  if (state.halt) detail = `${state.halt.reason}: ${state.halt.message}`;
  if (state.failure) detail = `${state.failure.reason}: ${state.failure.message}`;
  if (state.interrupted)
    detail = `interrupted by ${state.interrupted.signal}${state.interrupted.step ? ` during ${state.interrupted.step}` : ""}`;
  const last = state.last;
  const stepKey = state.halt?.step ?? state.interrupted?.step ?? state.lastStep;
  const st = stepKey ? state.steps.get(stepKey) : undefined;
  const boundaries = program ? state.entered.filter((p) => program.rollbacks.has(p)) : [];
  const rollbackNow =
    state.status === "rolled-back"
      ? []
      : (state.rollback && !state.rollback.done ? state.rollback.boundaries : [...boundaries].reverse()).map(
          (b) => ({
            boundary: b,
            steps: (program?.rollbacks.get(b) ?? [])
              .filter((u) => {
                const done = state.steps.get(u.key)?.status;
                return !(
                  state.rollback &&
                  !state.rollback.done &&
                  (done === "succeeded" || done === "skipped")
                );
              })
              .map((u) => ({
                key: u.key,
                action: u.suite ? `check ${u.suite}: ${u.action}` : u.action,
                ...(u.whens.length > 0 ? { when: u.whens.map((w) => w.text).join(" && ") } : {}),
              })),
          }),
        );
  const report: StatusReport = {
    runId,
    status,
    integrity: {
      ok: read.problems.length === 0,
      events: read.events.length,
      problems: read.problems.map((p) => p.message),
      tornBytesIgnored: read.tornBytes,
    },
    rollbackNow,
    locks: holders.map((h) => ({
      label: h.holder.label,
      holder: h.holder.runId === runId ? "this run" : `run ${h.holder.runId}`,
      state:
        h.alive === true
          ? `held by pid ${h.holder.pid}`
          : h.alive === false
            ? "stale (process gone)"
            : `held on ${h.holder.host}`,
    })),
    choices: choices(state, status, stepKey, rollbackNow.length > 0, program),
  };
  if (detail) report.detail = detail;
  if (s) {
    report.runbook = { name: s.runbook.name, version: s.runbook.version, file: s.runbook.file };
    report.startedAt = s.at;
    report.startedBy = `${s.user}@${s.host}`;
    report.params = s.params;
  }
  if (last) report.lastEvent = { seq: last.seq, type: last.type, at: last.at };
  const phase = state.entered.at(-1);
  if (phase) report.phase = phase;
  if (stepKey && st) {
    report.step = {
      key: stepKey,
      status: st.status,
      attempt: st.attempt,
      ...(st.error ? { error: st.error.message } : {}),
    };
  }
  if (boundaries.length > 0) report.lastBoundary = boundaries.at(-1) as string;
  return report;
}

function choices(
  state: RunState,
  status: string,
  step: string | undefined,
  canRollBack: boolean,
  program: Program | undefined,
): RecoveryChoice[] {
  const id = state.runId;
  const out: RecoveryChoice[] = [];
  const rollback = (): void => {
    if (canRollBack)
      out.push({
        command: `rbx rollback ${id}`,
        effect: "unwind the boundaries listed above, newest first, and verify",
      });
  };
  if (status === "completed") {
    rollback();
    return out;
  }
  if (status === "rolled-back" || status === "failed") return out;
  const reason = state.halt?.reason;
  if (reason === "waiting-for-approval" && step) {
    out.push({ command: `rbx resume ${id} --approve ${step}`, effect: `approve ${step} and continue` });
  } else if (reason === "in-doubt" && step) {
    out.push({
      command: `rbx resume ${id} --settle ${step}=done`,
      effect: `record that ${step} happened and continue`,
    });
    out.push({ command: `rbx resume ${id} --settle ${step}=redo`, effect: `run ${step} again and continue` });
  } else if (reason === "rollback-failed" && step) {
    out.push({ command: `rbx resume ${id}`, effect: `retry rollback step ${step} and finish the rollback` });
  } else {
    const what = step && state.steps.get(step)?.status !== "succeeded" ? `re-run ${step}` : "continue";
    out.push({ command: `rbx resume ${id}`, effect: `fix forward: ${what} and continue from the journal` });
  }
  if (step && program?.units.has(step) && state.steps.get(step)?.status !== "succeeded") {
    out.push({
      command: `rbx skip ${id} ${step} --reason "..."`,
      effect: `mark ${step} done without running it (recorded)`,
    });
  }
  if (reason !== "rollback-failed") rollback();
  return out;
}

/** The report as the text `rbx status` prints. */
export function formatStatus(r: StatusReport): string {
  const lines: string[] = [];
  const rb = r.runbook ? ` — ${r.runbook.name} ${r.runbook.version} (${r.runbook.file})` : "";
  lines.push(`run ${r.runId}${rb}`);
  lines.push(`  state:     ${r.status}${r.detail ? ` — ${r.detail}` : ""}`);
  if (r.startedAt) lines.push(`  started:   ${r.startedAt} by ${r.startedBy}`);
  if (r.lastEvent) lines.push(`  last:      #${r.lastEvent.seq} ${r.lastEvent.type} at ${r.lastEvent.at}`);
  const torn =
    r.integrity.tornBytesIgnored > 0
      ? `; a torn last line (${r.integrity.tornBytesIgnored} bytes, a crash mid-write) is ignored`
      : "";
  lines.push(
    r.integrity.ok
      ? `  journal:   verified, ${r.integrity.events} events, hash chain intact${torn}`
      : `  journal:   DOES NOT VERIFY — ${r.integrity.problems.join("; ")}`,
  );
  if (r.phase) lines.push(`  phase:     ${r.phase}`);
  if (r.step) {
    const err = r.step.error ? ` — ${r.step.error}` : "";
    lines.push(`  step:      ${r.step.key} (${r.step.status}, attempt ${r.step.attempt})${err}`);
  }
  lines.push(`  boundary:  ${r.lastBoundary ?? "none entered"}`);
  if (r.rollbackNow.length === 0) lines.push("  rollback now: nothing to unwind");
  else {
    lines.push("  rollback now would run (newest boundary first):");
    for (const b of r.rollbackNow) {
      lines.push(`    ${b.boundary}:`);
      for (const s of b.steps) lines.push(`      ${s.key}  ${s.action}${s.when ? `  when ${s.when}` : ""}`);
      if (b.steps.length === 0) lines.push("      (no steps left)");
    }
  }
  for (const l of r.locks) lines.push(`  lock:      ${l.label}: ${l.holder}, ${l.state}`);
  if (r.choices.length > 0) {
    lines.push("  recovery choices:");
    const w = Math.max(...r.choices.map((c) => c.command.length));
    for (const c of r.choices) lines.push(`    ${c.command.padEnd(w)}  ${c.effect}`);
  }
  return `${lines.join("\n")}\n`;
}
