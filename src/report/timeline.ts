// A Gantt-like SVG of a run: one row per phase and step, attempts inside each bar, rollback apart.
import { formatElapsed } from "../contract/elapsed.js";
import type { RunReport, StepReport } from "./model.js";

/** Escape text for HTML and SVG content and attribute values. */
export function htmlText(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

interface Row {
  kind: "phase" | "step" | "rollback" | "rollback-step";
  label: string;
  /** data-step / data-phase value the DOM can be queried by. */
  key: string;
  start: number;
  end: number;
  open: boolean;
  status: string;
  title: string;
  attempts: { start: number; end: number; failed: boolean }[];
}

const LABEL_W = 240;
const BAR_W = 720;
const ROW_H = 22;
const AXIS_H = 28;

const t = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));

function lastTime(report: RunReport): number {
  const times = [t(report.endedAt), t(report.startedAt)];
  for (const p of report.phases) times.push(t(p.completedAt), t(p.enteredAt));
  for (const s of allSteps(report))
    times.push(t(s.endedAt), t(s.startedAt), ...s.attempts.map((a) => t(a.endedAt)));
  for (const r of report.rollbacks) times.push(t(r.endedAt), t(r.startedAt));
  return Math.max(...times.filter((x): x is number => x !== undefined));
}

function allSteps(report: RunReport): StepReport[] {
  return [...report.phases.flatMap((p) => p.steps), ...report.rollbacks.flatMap((r) => r.steps)];
}

function stepRow(s: StepReport, kind: Row["kind"], now: number, fallback: number): Row {
  const start = t(s.startedAt) ?? t(s.endedAt) ?? fallback;
  const end = t(s.endedAt) ?? (s.status === "skipped" ? start : now);
  const attempts = s.attempts.map((a) => ({
    start: t(a.startedAt) ?? start,
    end: t(a.endedAt) ?? now,
    failed: a.outcome === "failed",
  }));
  const tries = s.attempts.length > 1 ? `, ${s.attempts.length} attempts` : "";
  return {
    kind,
    label: s.id,
    key: s.id,
    start,
    end,
    open: s.endedAt === undefined,
    status: s.status,
    title: `${s.id}${s.action ? ` (${s.action})` : ""}: ${s.status}, ${formatElapsed(end - start)}${tries}`,
    attempts,
  };
}

function rows(report: RunReport, now: number): Row[] {
  const out: Row[] = [];
  for (const p of report.phases) {
    const start = t(p.enteredAt) ?? now;
    const end = t(p.completedAt) ?? (p.durationMs !== undefined ? start + p.durationMs : now);
    out.push({
      kind: "phase",
      label: `phase ${p.id}${p.boundary ? " ⟲" : ""}`,
      key: p.id,
      start,
      end,
      open: p.status === "running",
      status: p.status,
      title: `phase ${p.id}: ${p.status}, ${formatElapsed(end - start)}${p.boundary ? " (rollback boundary)" : ""}`,
      attempts: [],
    });
    for (const s of p.steps) out.push(stepRow(s, "step", now, start));
  }
  for (const r of report.rollbacks) {
    const start = t(r.startedAt) ?? now;
    const end = t(r.endedAt) ?? now;
    out.push({
      kind: "rollback",
      label: `rollback ${r.boundaries.join(", ")}`,
      key: r.boundaries.join(","),
      start,
      end,
      open: r.endedAt === undefined,
      status: r.status,
      title: `rollback of ${r.boundaries.join(", ")}: ${r.status}${r.verified === false ? ", not verified" : ""}`,
      attempts: [],
    });
    for (const s of r.steps) out.push(stepRow(s, "rollback-step", now, start));
  }
  return out;
}

function ticks(span: number): number[] {
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 21600, 43200, 86400].map(
    (s) => s * 1000,
  );
  const raw = [10, 20, 50, 100, 200, 500, ...steps];
  const every = raw.find((x) => span / x <= 8) ?? span / 8;
  const out: number[] = [];
  for (let x = 0; x <= span && out.length < 12; x += every) out.push(x);
  return out;
}

/** The timeline as an inline SVG element (no scripts, no external references). */
export function renderTimeline(report: RunReport): string {
  const t0 = t(report.startedAt) ?? 0;
  const now = lastTime(report);
  const span = Math.max(1, now - t0);
  const x = (ms: number) => LABEL_W + ((ms - t0) / span) * BAR_W;
  const list = rows(report, now);
  const height = AXIS_H + list.length * ROW_H + 8;
  const width = LABEL_W + BAR_W + 16;
  const out: string[] = [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Timeline of run ${htmlText(report.runId)}">`,
    '<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fecaca"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b91c1c" stroke-width="2"/></pattern></defs>',
  ];
  for (const tick of ticks(span)) {
    const tx = x(t0 + tick).toFixed(1);
    out.push(`<line class="tick" x1="${tx}" y1="${AXIS_H - 6}" x2="${tx}" y2="${height}"/>`);
    out.push(`<text class="axis" x="${tx}" y="${AXIS_H - 10}">+${htmlText(formatElapsed(tick))}</text>`);
  }
  list.forEach((r, i) => {
    const y = AXIS_H + i * ROW_H;
    const x1 = x(r.start);
    const w = Math.max(3, x(r.end) - x1);
    const indent = r.kind === "step" || r.kind === "rollback-step" ? 16 : 4;
    const data =
      r.kind === "phase"
        ? `data-phase="${htmlText(r.key)}"`
        : r.kind === "rollback"
          ? `data-rollback="${htmlText(r.key)}"`
          : `data-step="${htmlText(r.key)}"`;
    out.push(`<g class="row ${r.kind}">`);
    out.push(`<text class="label ${r.kind}" x="${indent}" y="${y + 15}">${htmlText(r.label)}</text>`);
    out.push(
      `<rect class="bar ${r.kind} ${htmlText(r.status)}${r.open ? " open" : ""}" ${data} x="${x1.toFixed(1)}" y="${y + 4}" width="${w.toFixed(1)}" height="${ROW_H - 8}" rx="3"><title>${htmlText(r.title)}</title></rect>`,
    );
    // Failed attempts are drawn over the bar so retries are visible at a glance.
    for (const a of r.attempts.filter((a) => a.failed)) {
      const ax = x(a.start);
      out.push(
        `<rect class="attempt failed" x="${ax.toFixed(1)}" y="${y + 8}" width="${Math.max(2, x(a.end) - ax).toFixed(1)}" height="${ROW_H - 16}"/>`,
      );
    }
    out.push("</g>");
  });
  out.push("</svg>");
  return out.join("\n");
}
