// The fleet report: a grid of targets coloured by state, each linking to its run's own report (md or html).
import type { FleetRow, TargetRow, TargetState } from "./fleet-store.js";

const COLOURS: Record<TargetState, string> = {
  succeeded: "#2e7d32",
  failed: "#c62828",
  halted: "#ef6c00",
  "waiting-approval": "#6a1b9a",
  interrupted: "#8d6e63",
  running: "#1565c0",
  pending: "#9e9e9e",
};

const esc = (s: string): string =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

const mdCell = (s: string): string => s.replace(/\|/g, "\\|").replace(/\n/g, " ");

/** How a target's run report is linked: the href for a run id (undefined: no link). */
export type RunLink = (runId: string) => string | undefined;

function summary(targets: readonly TargetRow[]): string {
  const by = new Map<string, number>();
  for (const t of targets) by.set(t.state, (by.get(t.state) ?? 0) + 1);
  return [...by.entries()].map(([s, n]) => `${n} ${s}`).join(", ");
}

/** The fleet as Markdown: a summary and one table row per target. */
export function fleetMarkdown(fleet: FleetRow, targets: readonly TargetRow[], link: RunLink): string {
  const o = fleet.options;
  const lines = [
    `# Fleet ${fleet.fleetId}`,
    "",
    `**${fleet.status}** — ${fleet.message ?? ""}`,
    "",
    `Runbook \`${fleet.runbook}\`, ${targets.length} targets (${summary(targets)}); max-concurrency ${o.maxConcurrency} (${o.concurrency}), max-errors ${o.maxErrors} (${o.errorsAllowed})${o.canary ? `, canary ${o.canary}` : ""}, executor ${o.executor}. Started ${fleet.createdAt} by ${fleet.createdBy}.`,
    "",
    "| # | target | state | run | message |",
    "|---|---|---|---|---|",
  ];
  for (const t of targets) {
    const href = t.runId ? link(t.runId) : undefined;
    const run = t.runId ? (href ? `[${t.runId}](${href})` : `\`${t.runId}\``) : "";
    lines.push(
      `| ${t.position + 1} | ${mdCell(t.name)}${t.canary ? " (canary)" : ""} | ${t.state} | ${run} | ${mdCell(t.message ?? "")} |`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/** The fleet as one HTML page: a grid of coloured cells (name, state, link to the run's report) and a legend. */
export function fleetHtml(fleet: FleetRow, targets: readonly TargetRow[], link: RunLink): string {
  const o = fleet.options;
  const cells = targets
    .map((t) => {
      const href = t.runId ? link(t.runId) : undefined;
      const name = href ? `<a href="${esc(href)}">${esc(t.name)}</a>` : esc(t.name);
      const title = `${t.name}: ${t.state}${t.runId ? ` — run ${t.runId}` : ""}${t.message ? ` — ${t.message}` : ""}`;
      return `<div class="cell" data-target="${esc(t.name)}" data-state="${t.state}" title="${esc(title)}" style="background:${COLOURS[t.state]}">${name}<span>${esc(t.state)}${t.canary ? " · canary" : ""}</span></div>`;
    })
    .join("\n");
  const legend = (Object.keys(COLOURS) as TargetState[])
    .map((s) => `<span class="key" style="background:${COLOURS[s]}">${s}</span>`)
    .join(" ");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fleet ${esc(fleet.fleetId)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem;color:#222}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(9rem,1fr));gap:.4rem}
.cell{color:#fff;padding:.5rem;border-radius:.3rem;font-size:.85rem;overflow:hidden}
.cell a{color:#fff;font-weight:600}
.cell span{display:block;opacity:.9;font-size:.75rem}
.key{color:#fff;padding:.1rem .4rem;border-radius:.2rem;font-size:.75rem}
</style></head>
<body>
<h1>Fleet ${esc(fleet.fleetId)}</h1>
<p id="status"><strong>${esc(fleet.status)}</strong> — ${esc(fleet.message ?? "")}</p>
<p>Runbook <code>${esc(fleet.runbook)}</code>, ${targets.length} targets (${esc(summary(targets))}); max-concurrency ${esc(o.maxConcurrency)} (${o.concurrency}), max-errors ${esc(o.maxErrors)} (${o.errorsAllowed})${o.canary ? `, canary ${o.canary}` : ""}, executor ${esc(o.executor)}.</p>
<p>${legend}</p>
<div class="grid">
${cells}
</div>
</body></html>
`;
}
