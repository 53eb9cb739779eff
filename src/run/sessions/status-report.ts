// `rbx status`: where a run stands, who runs it, what a rollback would run now, and each recovery choice.
import type { JsonValue } from "../../contract/json.js";
import type { Program } from "../bind/program.js";
import { formatActor } from "../model/events.js";
import { causeLines } from "../model/failure-cause.js";
import {
  type RecoveryChoice,
  type Runner,
  rbxCommand,
  recoveryChoices,
  rollbackOpen,
  shellWord,
  stoppedStep,
} from "../model/recovery-choices.js";
import { NOT_STARTED, NOT_STARTED_DETAIL, type RunState } from "../model/state.js";
import type { IntegrityProblem, JournalRead } from "../store/journal-file.js";
import type { LockConflict } from "../store/run-store.js";
import { describeLock, type HolderStanding, type LockDescription } from "./lock-messages.js";
import { type RollbackPreview, unwindNow } from "./rollback-preview.js";

export type { RecoveryChoice } from "../model/recovery-choices.js";

/** Everything `rbx status` shows, as data (printed as text or `--json`). */
export interface StatusReport {
  runId: string;
  runbook?: { name: string; version: string; file: string };
  status: string;
  /** "crashed": the journal stops mid-run and no process holds the run; "not started": no start event yet. */
  detail?: string;
  startedAt?: string;
  startedBy?: string;
  /** Who runs it now (a process holds it), or ran it last: user, host, pid and since when. */
  runner?: { user: string; host: string; pid: number; since: string; role?: string; alive: Runner };
  /** While a process runs it: commands to follow it, instead of recovery choices. */
  follow?: { command: string; explains: string }[];
  lastEvent?: { seq: number; type: string; at: string };
  integrity: { ok: boolean; events: number; problems: string[]; tornBytesIgnored: number };
  /** The phase reached; during an unwinding, the rollback and the boundaries it undoes. */
  phase?: string;
  /** `cause`: what the failure's details say (the last output an until judged, the target's pods and logs). */
  step?: { key: string; status: string; attempt: number; error?: string; cause?: string[] };
  lastBoundary?: string;
  /** The unwinding started, when there is one: why (a failed step, or who asked) and whether it finished. */
  rollback?: {
    reason: "failure" | "operator";
    by?: string;
    trigger?: string;
    boundaries: string[];
    done: boolean;
  };
  /** Each step a rollback would run now: `will` says whether its `when` holds now, `why` when it skips. */
  rollbackNow: {
    boundary: string;
    steps: { key: string; action: string; when?: string; will?: "run" | "skip" | "unknown"; why?: string }[];
  }[];
  /** Said plainly when the rollback would not restore the database (see rollback-preview). */
  database?: string;
  locks: LockDescription[];
  /** The snapshots the run took: where each dump was written and whether this machine can read it. */
  snapshots: { step: string; id: string; where: string; readableHere: boolean }[];
  choices: RecoveryChoice[];
  params?: Record<string, JsonValue>;
}

/** What status knows besides the journal: the document, the lock holders and how each stands, `--state-dir`. */
export interface StatusInputs {
  program?: Program;
  holders: readonly LockConflict[];
  standings: readonly HolderStanding[];
  stateDir?: string;
  /** Where the journal is kept, for `tail -f` while the run goes on. */
  journalPath?: string;
  /** The run's snapshots, as `snapshots` reports them. */
  snapshots?: StatusReport["snapshots"];
  /** What a rollback would do now, evaluated (rollback-preview.ts); without it, the `when`s are only listed. */
  preview?: RollbackPreview;
}

/** What status says of a journal's integrity: how many events verify, what was wrong, a torn tail ignored. */
export interface JournalIntegrity {
  events: number;
  problems: readonly IntegrityProblem[];
  tornBytes: number;
}

/** The integrity of a journal as read: the events themselves are not kept. */
export function journalIntegrity(read: JournalRead): JournalIntegrity {
  return { events: read.events.length, problems: read.problems, tornBytes: read.tornBytes };
}

/** Whether a process runs the run, from its own locks: alive here, unknown on another host, else gone. */
export function runnerOf(runId: string, holders: readonly LockConflict[]): Runner {
  const own = holders.filter((h) => h.holder.runId === runId);
  if (own.some((h) => h.alive === true)) return "alive";
  if (own.some((h) => h.alive === "unknown")) return "unknown";
  return "gone";
}

/** Build the report from the folded journal, the document (when it loads) and the lock holders. */
export function statusReport(state: RunState, journal: JournalIntegrity, inputs: StatusInputs): StatusReport {
  const { program, holders } = inputs;
  const runId = state.runId;
  const s = state.started;
  const runner = runnerOf(runId, holders);
  const going = state.status === "running" || state.status === "rolling-back";
  let status: string = state.status;
  let detail: string | undefined;
  if (!state.started) {
    status = NOT_STARTED;
    detail = NOT_STARTED_DETAIL;
  } else if (going && runner === "gone") {
    detail = `the journal stops mid-${state.status === "running" ? "run" : "rollback"} and no process holds the run: it crashed or was killed`;
    status = "crashed";
  } else if (going && runner === "unknown") {
    detail = `its lock is held from another host (${holders.find((h) => h.holder.runId === runId)?.holder.host}); rbx cannot see whether that process still runs`;
  }
  if (state.halt) detail = `${state.halt.reason}: ${state.halt.message}`;
  if (state.failure) detail = `${state.failure.reason}: ${state.failure.message}`;
  if (state.interrupted)
    detail = `interrupted by ${state.interrupted.signal}${state.interrupted.step ? ` during ${state.interrupted.step}` : ""}`;
  const last = state.last;
  const stepKey = stoppedStep(state) ?? state.lastStep;
  const st = stepKey ? state.steps.get(stepKey) : undefined;
  const open = rollbackOpen(state);
  const preview = inputs.preview;
  const rollbackNow = preview
    ? preview.boundaries.map((b) => ({
        boundary: b.boundary,
        steps: b.steps.map((p) => ({
          key: p.key,
          action: p.action,
          ...(p.when ? { when: p.when } : {}),
          will: p.will,
          ...(p.why ? { why: p.why } : {}),
        })),
      }))
    : unwindNow(state, program).map(({ boundary, units }) => ({
        boundary,
        steps: units.map((u) => ({
          key: u.key,
          action: u.suite ? `check ${u.suite}: ${u.action}` : u.action,
          ...(u.whens.length > 0 ? { when: u.whens.map((w) => w.text).join(" && ") } : {}),
        })),
      }));
  const alive = going && runner === "alive";
  const report: StatusReport = {
    runId,
    status,
    integrity: {
      ok: journal.problems.length === 0,
      events: journal.events,
      problems: journal.problems.map((p) => p.message),
      tornBytesIgnored: journal.tornBytes,
    },
    rollbackNow,
    locks: holders.map((h, i) => describeLock(h, inputs.standings[i] as HolderStanding, runId)),
    snapshots: inputs.snapshots ?? [],
    // A run at work needs nothing from the operator: its own process refuses every verb meanwhile.
    choices: alive
      ? []
      : recoveryChoices(state, { runner, ...(inputs.stateDir ? { stateDir: inputs.stateDir } : {}) }),
  };
  if (detail) report.detail = detail;
  if (preview?.database) report.database = preview.database;
  if (s) {
    report.runbook = { name: s.runbook.name, version: s.runbook.version, file: s.runbook.file };
    report.startedAt = s.at;
    report.startedBy = formatActor(s);
    report.params = s.params;
  }
  if (state.runner) report.runner = { ...state.runner, alive: going ? runner : "gone" };
  if (going && runner !== "gone") {
    report.follow = [
      {
        command: rbxCommand(["status", runId], inputs.stateDir, ["--follow"]),
        explains: "its steps live, as they are journaled (from any machine sharing the store)",
      },
      ...(inputs.journalPath
        ? [{ command: `tail -f ${shellWord(inputs.journalPath)}`, explains: "each event as it is journaled" }]
        : []),
    ];
  }
  if (last) report.lastEvent = { seq: last.seq, type: last.type, at: last.at };
  if (open && state.rollback) {
    report.phase = `rollback of ${state.rollback.boundaries.join(", ")} (newest first)`;
  } else {
    const phase = state.entered.at(-1);
    if (phase) report.phase = phase;
  }
  if (state.rollback) {
    const rb = state.rollback;
    report.rollback = {
      reason: rb.reason,
      boundaries: rb.boundaries,
      done: rb.done,
      ...(rb.trigger ? { trigger: rb.trigger.step } : {}),
      ...(rb.by ? { by: rb.by } : {}),
    };
  }
  if (stepKey && st) {
    report.step = {
      key: stepKey,
      status: st.status,
      attempt: st.attempt,
      ...(st.error ? { error: st.error.message } : {}),
    };
    const cause = causeLines(st.error, "");
    if (cause.length > 0) report.step.cause = cause;
  }
  if (state.boundaries.length > 0) report.lastBoundary = state.boundaries.at(-1) as string;
  return report;
}

/** The report as the text `rbx status` prints. */
export function formatStatus(r: StatusReport): string {
  const lines: string[] = [];
  const rb = r.runbook ? ` — ${r.runbook.name} ${r.runbook.version} (${r.runbook.file})` : "";
  lines.push(`run ${r.runId}${rb}`);
  lines.push(`  state:     ${r.status}${r.detail ? ` — ${r.detail}` : ""}`);
  if (r.startedAt) lines.push(`  started:   ${r.startedAt} by ${r.startedBy}`);
  if (r.runner && r.follow)
    lines.push(
      `  run by:    ${formatActor(r.runner)} (pid ${r.runner.pid}) since ${r.runner.since}${r.runner.alive === "unknown" ? " (another host: rbx cannot see its process)" : ""}`,
    );
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
    if (r.step.cause) {
      lines.push("  cause:");
      for (const l of r.step.cause) lines.push(`    ${l}`);
    }
  }
  lines.push(`  boundary:  ${r.lastBoundary ?? "none entered"}`);
  if (r.rollback) {
    const why =
      r.rollback.reason === "operator"
        ? `requested by ${r.rollback.by ?? "the operator"}`
        : `after ${r.rollback.trigger ?? "a step"} failed`;
    lines.push(
      `  rollback:  of ${r.rollback.boundaries.join(", ") || "nothing (no boundary entered)"}, ${why}${r.rollback.done ? "; finished" : "; not finished"}`,
    );
  }
  if (r.rollbackNow.length === 0) lines.push("  rollback now: nothing to unwind");
  else {
    lines.push(
      r.rollback && !r.rollback.done
        ? "  the rollback continues with (newest boundary first):"
        : "  rollback now would run (newest boundary first):",
    );
    for (const b of r.rollbackNow) {
      lines.push(`    ${b.boundary}:`);
      for (const s of b.steps) {
        const will =
          s.will === "skip"
            ? `  — will skip: ${s.why ?? "its when is false"}`
            : s.will === "run"
              ? "  — will run"
              : s.will === "unknown"
                ? `  — cannot tell now: ${s.why ?? ""}`
                : "";
        lines.push(`      ${s.key}  ${s.action}${s.when ? `  when ${s.when}` : ""}${will}`);
      }
      if (b.steps.length === 0) lines.push("      (no steps left)");
    }
  }
  if (r.database) lines.push(`  ${r.database}`);
  for (const l of r.locks) lines.push(`  lock:      ${l.label}: ${l.holder}, ${l.state}`);
  for (const s of r.snapshots) {
    const here = s.readableHere ? "" : " — NOT READABLE from this machine";
    lines.push(`  snapshot:  ${s.id} (step ${s.step}) at ${s.where}${here}`);
  }
  if (r.follow) {
    lines.push("  follow it (it is running; resume, skip and rollback are refused until it stops):");
    for (const c of r.follow) lines.push(`    ${c.command}`, `        ${c.explains}`);
  }
  if (r.choices.length > 0) {
    lines.push("  recovery choices:");
    for (const c of r.choices) lines.push(`    ${c.verb}: ${c.explains}`, `      ${c.command}`);
  }
  return `${lines.join("\n")}\n`;
}
