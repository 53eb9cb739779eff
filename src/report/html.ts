// The report as one self-contained HTML file: inline CSS and SVG, no scripts, no external assets.
import { formatElapsed } from "../contract/elapsed.js";
import type { RollbackReport, RunReport, StepReport } from "./model.js";
import { htmlText as h, renderTimeline } from "./timeline.js";
import { outcomeText, statusWord, stoppedCause } from "./words.js";

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2937;margin:24px auto;max-width:1040px;padding:0 16px}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}
code,pre{font:12.5px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f4f6;border-radius:4px;padding:1px 4px}
pre{padding:8px 10px;overflow-x:auto}
.outcome{display:inline-block;padding:2px 10px;border-radius:12px;font-weight:600;color:#fff}
.outcome.completed{background:#15803d}.outcome.rolled-back,.outcome.failed{background:#b91c1c}
.outcome.halted{background:#b45309}.outcome.interrupted,.outcome.running{background:#6b7280}
.meta{color:#4b5563}.message{border-left:4px solid #b45309;background:#fffbeb;padding:6px 10px;margin:12px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{font-weight:600;color:#374151;background:#f9fafb}
tr.failed td{background:#fef2f2}tr.rollback td{background:#fff5f5}
.timeline{display:block;max-width:100%;height:auto;border:1px solid #e5e7eb;border-radius:6px;background:#fff}
.timeline text{font:11px ui-monospace,monospace;fill:#374151}.timeline text.axis{fill:#6b7280;text-anchor:middle}
.timeline text.phase,.timeline text.rollback{font-weight:700}
.timeline .tick{stroke:#f3f4f6}
.bar.phase{fill:#c7d2fe}.bar.step{fill:#4ade80}.bar.step.failed,.bar.step.interrupted{fill:#f87171}
.bar.step.skipped{fill:#d1d5db}.bar.step.running,.bar.step.in-doubt,.bar.step.waiting-approval{fill:#fbbf24}
.bar.rollback{fill:url(#hatch);stroke:#b91c1c}.bar.rollback-step{fill:#fca5a5;stroke:#b91c1c;stroke-dasharray:3 2}
.bar.rollback-step.failed{fill:#7f1d1d}.bar.open{stroke:#92400e;stroke-dasharray:4 2}
.attempt.failed{fill:#b91c1c;opacity:.55}
.legend span{display:inline-block;margin-right:14px}.legend i{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:4px;vertical-align:-1px}
details{margin:4px 0}
.st{display:inline-block;font-size:11px;font-weight:600;padding:0 6px;border-radius:8px;background:#e5e7eb;white-space:nowrap}
.st.succeeded{background:#dcfce7;color:#166534}.st.failed,.st.interrupted{background:#fee2e2;color:#991b1b}
.st.in-doubt,.st.waiting-approval,.st.running{background:#fef3c7;color:#92400e}
`;

const dur = (ms: number | undefined) => (ms === undefined ? "–" : formatElapsed(ms));

function detail(s: StepReport): string {
  const parts: string[] = [];
  if (s.skipped) {
    parts.push(
      s.skipped.reason === "when"
        ? s.skipped.condition
          ? `skipped: ${h(s.skipped.condition)}`
          : "skipped: <code>when</code> was false"
        : `marked done by ${h(s.skipped.by ?? "the operator")}${s.skipped.overrode ? ", overriding a safety check" : ""}: ${h(s.skipped.note ?? "")}`,
    );
  }
  if (s.error) parts.push(`<strong>${h(s.error.kind)}</strong>: ${h(s.error.message)}`);
  if (s.settledBy) parts.push(`settled by ${h(s.settledBy)}`);
  if (s.settlement) parts.push(h(s.settlement));
  if (s.child)
    parts.push(`child run <code>${h(s.child.runId)}</code> (<code>rbx report ${h(s.child.runId)}</code>)`);
  if (s.approval?.by) parts.push(`approved by ${h(s.approval.by)} (${h(s.approval.via ?? "")})`);
  else if (s.approval) parts.push(`waiting for approval: ${h(s.approval.prompt)}`);
  if (s.keyOutputs.length > 0)
    parts.push(s.keyOutputs.map((o) => `<code>${h(o.name)}</code>=${h(o.value)}`).join(", "));
  for (const a of s.attempts.flatMap((x) => x.assertions))
    parts.push(`expect <code>${h(a.expression)}</code> failed: ${h(a.message)}`);
  const failed = s.attempts.filter((a) => a.outcome === "failed");
  if (s.attempts.length > 1) {
    const items = s.attempts.map(
      (a) =>
        `<li>attempt ${a.attempt}: ${dur(a.durationMs)}, ${a.error ? h(`${a.error.kind}: ${a.error.message}`) : h(a.outcome)}${a.retryInMs ? `, retried after ${formatElapsed(a.retryInMs)}` : ""}</li>`,
    );
    parts.push(
      `<details><summary>${s.attempts.length} attempts, ${failed.length} failed</summary><ul>${items.join("")}</ul></details>`,
    );
  }
  return parts.join("<br>");
}

function table(steps: readonly StepReport[]): string {
  const rows = steps.map(
    (s) =>
      `<tr class="${h(s.status)}${s.rollback ? " rollback" : ""}"><td><span class="st ${h(s.status)}">${h(statusWord(s.status))}</span></td><td>${h(s.id)}</td><td>${s.action ? `<code>${h(s.action)}</code>` : "–"}</td><td>${dur(s.durationMs)}</td><td>${s.attempts.length || "–"}</td><td>${detail(s)}</td></tr>`,
  );
  return `<table><thead><tr><th></th><th>step</th><th>action</th><th>duration</th><th>attempts</th><th>details</th></tr></thead><tbody>${rows.join("")}</tbody></table>`;
}

function rollbackSection(r: RollbackReport): string {
  const why =
    r.reason === "operator"
      ? `requested by ${h(r.by ?? "the operator")}`
      : r.trigger
        ? `step <code>${h(r.trigger.step)}</code> failed: ${h(r.trigger.error.message)}`
        : "a step failed";
  const verified =
    r.verified === undefined ? "" : r.verified ? ", verified" : ", <strong>not verified</strong>";
  return `<h2 class="rollback">Rollback of ${r.boundaries.map((b) => `<code>${h(b)}</code>`).join(", ")}</h2><p>Why: ${why}. Outcome: <strong>${h(r.status)}</strong>${verified} (${dur(r.durationMs)}).</p>${r.steps.length > 0 ? table(r.steps) : ""}`;
}

/** Render a report as a complete HTML document. */
export function renderHtml(report: RunReport): string {
  const rb = report.runbook;
  const first = report.sessions[0];
  const parts: string[] = [
    "<!doctype html>",
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>rbx run ${h(report.runId)}: ${h(outcomeText(report.outcome, report.rollbacks.at(-1)?.reason))}</title>`,
    `<style>${CSS}</style></head><body>`,
    `<h1>${h(rb.name)} ${h(rb.version)} <span class="outcome ${h(report.outcome)}">${h(outcomeText(report.outcome, report.rollbacks.at(-1)?.reason))}</span></h1>`,
    `<p class="meta">run <code>${h(report.runId)}</code> · <code>${h(rb.file)}</code> · content <code>${h(rb.contentHash.slice(0, 12))}</code> · plan <code>${h(report.planHash.slice(0, 12))}</code><br>started ${h(report.startedAt)} by ${h(first?.user ?? "?")} on ${h(first?.host ?? "?")} · ${report.endedAt ? `ended ${h(report.endedAt)} after ${dur(report.durationMs)}` : "no end recorded"}</p>`,
  ];
  if (report.message)
    parts.push(
      `<p class="message">${h(report.message)}${report.stoppedAt ? ` (at step <code>${h(report.stoppedAt)}</code>)` : ""}</p>`,
    );
  const cause = stoppedCause(report);
  if (cause.length > 0) parts.push(`<p>Cause:</p><pre class="cause">${h(cause.join("\n"))}</pre>`);
  for (const s of report.sessions.slice(1)) {
    parts.push(
      `<p class="meta">resumed ${h(s.at)} by ${h(s.user)} on ${h(s.host)}${s.changes?.length ? `, accepting changes: ${h(s.changes.join("; "))}` : ""}</p>`,
    );
  }
  if (report.recovery.length > 0) {
    parts.push(
      `<h2>${report.outcome === "completed" ? "To undo this run" : "Recovery choices"}</h2><ul class="recovery">`,
    );
    for (const c of report.recovery)
      parts.push(`<li><strong>${h(c.verb)}</strong>: ${h(c.explains)}<pre>${h(c.command)}</pre></li>`);
    parts.push("</ul>");
  }
  const preview = report.rollbackPreview;
  if (preview?.boundaries.some((b) => b.steps.length > 0)) {
    parts.push("<h2>A rollback now would</h2><ul>");
    for (const b of preview.boundaries)
      for (const s of b.steps)
        parts.push(
          `<li><code>${h(s.key)}</code> <code>${h(s.action)}</code>: ${s.will === "run" ? "will run" : s.will === "skip" ? `will skip — ${h(s.why ?? "")}` : `cannot tell now — ${h(s.why ?? "")}`}</li>`,
        );
    parts.push("</ul>");
    if (preview.database) parts.push(`<p><strong>${h(preview.database)}</strong></p>`);
  }
  parts.push(
    "<h2>Timeline</h2>",
    '<p class="legend"><span><i style="background:#c7d2fe"></i>phase</span><span><i style="background:#4ade80"></i>step succeeded</span><span><i style="background:#f87171"></i>failed</span><span><i style="background:#d1d5db"></i>skipped</span><span><i style="background:#fbbf24"></i>unfinished</span><span><i style="background:#fca5a5;outline:1px dashed #b91c1c"></i>rollback</span></p>',
    renderTimeline(report),
  );
  const params = Object.entries(report.params);
  if (params.length > 0) {
    parts.push("<h2>Parameters</h2><table><tbody>");
    for (const [k, v] of params)
      parts.push(
        `<tr><th>${h(k)}</th><td><code>${h(typeof v === "string" ? v : JSON.stringify(v))}</code></td></tr>`,
      );
    parts.push("</tbody></table>");
  }
  if (report.guards.passed || report.guards.failures.length > 0) {
    parts.push(`<h2>Guards: ${report.guards.passed ? "passed" : "failed"}</h2>`);
    if (report.guards.failures.length > 0)
      parts.push(
        `<ul>${report.guards.failures.map((g) => `<li><code>${h(g.expression)}</code>: ${h(g.message)}</li>`).join("")}</ul>`,
      );
  }
  for (const p of report.phases) {
    parts.push(
      `<h2>Phase <code>${h(p.id)}</code>${p.boundary ? " (rollback boundary)" : ""}: ${h(p.status)}, ${dur(p.durationMs)}</h2>`,
      table(p.steps),
    );
  }
  if (report.assertions.length > 0) {
    parts.push("<h2>Assertions that did not hold</h2><ul>");
    for (const a of report.assertions)
      parts.push(
        `<li>${a.step ? h(a.step) : "runbook guard"}${a.attempt ? ` (attempt ${a.attempt})` : ""}: <code>${h(a.expression)}</code>: ${h(a.message)}</li>`,
      );
    parts.push("</ul>");
  }
  for (const r of report.rollbacks) parts.push(rollbackSection(r));
  if (report.notes.length > 0)
    parts.push(`<h2>Notes</h2><ul>${report.notes.map((n) => `<li>${h(n)}</li>`).join("")}</ul>`);
  parts.push(
    `<p class="meta">${report.eventCount} journal events · generated by rbx report</p>`,
    "</body></html>",
    "",
  );
  return parts.join("\n");
}
