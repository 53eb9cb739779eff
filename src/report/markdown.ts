// The report as GitHub-flavoured Markdown, sized to paste into a pull request or an incident ticket.

import { formatElapsed } from "../contract/elapsed.js";
import type { JsonValue } from "../contract/json.js";
import type { RollbackReport, RunReport, StepReport } from "./model.js";
import { outcomeText, statusMark, stoppedCause } from "./words.js";

/** Escape text for a Markdown table cell or a line: pipes, markup characters and line breaks. */
export function mdText(text: string): string {
  return text
    .replace(/\\/g, "\\\\")
    .replace(/([`*_[\]<>|#~])/g, "\\$1")
    .replace(/\r?\n/g, " ");
}

/** Inline code that survives backticks inside the value. */
export function mdCode(text: string): string {
  const one = text.replace(/\r?\n/g, " ");
  const ticks = "`".repeat(Math.max(1, ...[...one.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const pad = one.startsWith("`") || one.endsWith("`") ? " " : "";
  return `${ticks}${pad}${one}${pad}${ticks}`;
}

const dur = (ms: number | undefined) => (ms === undefined ? "-" : formatElapsed(ms));

function attemptsText(s: StepReport): string {
  const n = s.attempts.length;
  return n === 0 ? "-" : String(n);
}

function detail(s: StepReport): string {
  const parts: string[] = [];
  if (s.skipped) {
    parts.push(
      s.skipped.reason === "when"
        ? `skipped: ${s.skipped.condition ?? "`when` was false"}`
        : `marked done by ${s.skipped.by ?? "the operator"}${s.skipped.overrode ? ", overriding a safety check" : ""}: ${s.skipped.note ?? ""}`,
    );
  }
  if (s.error) parts.push(`${s.error.kind}: ${s.error.message}`);
  if (s.settledBy) parts.push(`settled by ${s.settledBy}`);
  if (s.settlement) parts.push(s.settlement);
  if (s.child) parts.push(`child run ${s.child.runId} (rbx report ${s.child.runId})`);
  if (s.approval?.by) parts.push(`approved by ${s.approval.by} (${s.approval.via})`);
  else if (s.approval) parts.push(`waiting for approval: ${s.approval.prompt}`);
  if (s.keyOutputs.length > 0) parts.push(s.keyOutputs.map((o) => `${o.name}=${o.value}`).join(", "));
  return parts.map(mdText).join("; ");
}

function stepTable(steps: readonly StepReport[], out: string[]): void {
  out.push("| | step | action | duration | attempts | details |", "|---|---|---|---|---|---|");
  for (const s of steps) {
    out.push(
      `| ${statusMark(s.status)} | ${mdText(s.id)} | ${s.action ? mdCode(s.action) : "-"} | ${dur(s.durationMs)} | ${attemptsText(s)} | ${detail(s)} |`,
    );
  }
}

function retries(steps: readonly StepReport[], out: string[]): void {
  const retried = steps.filter((s) => s.attempts.some((a) => a.outcome === "failed"));
  for (const s of retried) {
    out.push("", `<details><summary>${mdText(s.id)}: ${s.attempts.length} attempts</summary>`, "");
    for (const a of s.attempts) {
      const why = a.error ? `${a.error.kind}: ${a.error.message}` : a.outcome;
      const wait = a.retryInMs ? `, retried after ${formatElapsed(a.retryInMs)}` : "";
      out.push(`- attempt ${a.attempt} (${dur(a.durationMs)}): ${mdText(why)}${wait}`);
    }
    out.push("", "</details>");
  }
}

function rollbackSection(r: RollbackReport, out: string[]): void {
  const why =
    r.reason === "operator"
      ? `requested by ${r.by ?? "the operator"}`
      : r.trigger
        ? `step ${mdCode(r.trigger.step)} failed: ${mdText(r.trigger.error.message)}`
        : "a step failed";
  const verified = r.verified === undefined ? "" : r.verified ? ", verified" : ", **not verified**";
  out.push("", `### Rollback of ${r.boundaries.map(mdCode).join(", ")}`, "");
  out.push(`Why: ${why}. Outcome: **${r.status}**${verified} (${dur(r.durationMs)}).`, "");
  if (r.steps.length > 0) stepTable(r.steps, out);
}

function paramValue(v: JsonValue): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Render a report as Markdown. */
export function renderMarkdown(report: RunReport): string {
  const rb = report.runbook;
  const out: string[] = [
    `## rbx run ${mdCode(report.runId)}: ${outcomeText(report.outcome, report.rollbacks.at(-1)?.reason)}`,
    "",
    `**${mdText(rb.name)}** ${mdText(rb.version)} (${mdCode(rb.file)}, content ${mdCode(rb.contentHash.slice(0, 12))}, plan ${mdCode(report.planHash.slice(0, 12))})  `,
    `Started ${report.startedAt} by ${mdText(report.sessions[0]?.user ?? "?")} on ${mdText(report.sessions[0]?.host ?? "?")}; ${report.endedAt ? `ended ${report.endedAt} after ${dur(report.durationMs)}` : "no end recorded"}.`,
  ];
  if (report.message)
    out.push(
      "",
      `> ${mdText(report.message)}${report.stoppedAt ? ` (at step ${mdCode(report.stoppedAt)})` : ""}`,
    );
  const cause = stoppedCause(report);
  if (cause.length > 0) out.push("", "Cause:", "", "```", ...cause, "```");
  for (const s of report.sessions.slice(1)) {
    out.push(
      "",
      `Resumed ${s.at} by ${mdText(s.user)} on ${mdText(s.host)}${s.changes?.length ? `, accepting changes: ${s.changes.map(mdText).join("; ")}` : ""}.`,
    );
  }
  if (report.recovery.length > 0) {
    out.push("", report.outcome === "completed" ? "### To undo this run" : "### Recovery choices", "");
    for (const c of report.recovery)
      out.push(`- **${c.verb}**: ${mdText(c.explains)}`, "", "  ```sh", `  ${c.command}`, "  ```");
  }
  const preview = report.rollbackPreview;
  if (preview?.boundaries.some((b) => b.steps.length > 0)) {
    out.push("", "### A rollback now would", "");
    for (const b of preview.boundaries)
      for (const s of b.steps)
        out.push(
          `- ${mdCode(s.key)} ${mdCode(s.action)}: ${s.will === "run" ? "will run" : s.will === "skip" ? `will skip — ${mdText(s.why ?? "")}` : `cannot tell now — ${mdText(s.why ?? "")}`}`,
        );
    if (preview.database) out.push("", `**${mdText(preview.database)}**`);
  }
  const params = Object.entries(report.params);
  if (params.length > 0) {
    out.push("", "### Parameters", "", ...params.map(([k, v]) => `- ${mdText(k)}: ${mdCode(paramValue(v))}`));
  }
  if (report.guards.failures.length > 0 || report.guards.passed) {
    out.push("", `### Guards: ${report.guards.passed ? "passed" : "failed"}`);
    for (const g of report.guards.failures)
      out.push("", `- ❌ ${mdCode(g.expression)}: ${mdText(g.message)}`);
  }
  for (const p of report.phases) {
    const flag = p.boundary ? " (rollback boundary)" : "";
    out.push("", `### Phase ${mdCode(p.id)}${flag}: ${p.status}, ${dur(p.durationMs)}`, "");
    stepTable(p.steps, out);
    retries(p.steps, out);
  }
  if (report.assertions.length > 0) {
    out.push("", "### Assertions that did not hold", "");
    for (const a of report.assertions) {
      const where = a.step
        ? `${mdText(a.step)}${a.attempt ? ` (attempt ${a.attempt})` : ""}`
        : "runbook guard";
      out.push(`- ${where}: ${mdCode(a.expression)}: ${mdText(a.message)}`);
    }
  }
  for (const r of report.rollbacks) rollbackSection(r, out);
  if (report.notes.length > 0) out.push("", "### Notes", "", ...report.notes.map((n) => `- ${mdText(n)}`));
  out.push("", `<sub>${report.eventCount} journal events · rbx report</sub>`, "");
  return out.join("\n");
}
