#!/usr/bin/env node
import { readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
// Writes docs/runbooks/<product>.md from each product runbook (run after `npm run build`), so the pages never drift from the documents.
import { builtinCatalog } from "../dist/src/builtins/index.js";
import { loadRunbookFile } from "../dist/src/parser/load.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The product runbooks, the page each one generates, and the lab rehearsals its page gives: each block brings up a
 * lab with `products`, runs the runbook with `runbooks/lab/<params>.params.yaml`, shows the run and takes the lab
 * down (test/runbooks/docs-rehearsal.test.ts runs every block as written). `noLab` says why a page has none.
 */
export const productRunbooks = [
  { product: "scrydon", rehearse: [{ products: "scrydon", params: "scrydon" }] },
  {
    product: "kryton",
    rehearse: [
      { products: "kryton", params: "kryton", title: "with Helm" },
      { products: "kryton-compose", params: "kryton-compose", title: "with Docker Compose" },
    ],
  },
  { product: "alexandria", rehearse: [{ products: "alexandria", params: "alexandria" }] },
  {
    product: "scrydon-rerun-migrations",
    rehearse: [],
    noLab:
      "Its precondition is a first install that failed with empty databases, which the lab does not start in; " +
      "test/runbooks/scrydon-paths.test.ts sets that state up (helm uninstall, the databases emptied, an install " +
      "whose pods never become ready) and rehearses this runbook. With `rbx lab up --products scrydon` you can do " +
      "the same by hand, then run it with `--params-file runbooks/lab/scrydon-rerun-migrations.params.yaml`.",
  },
].map((p) => ({
  ...p,
  file: join(root, "runbooks", `${p.product}.rb.yaml`),
  page: join(root, "docs", "runbooks", `${p.product}.md`),
}));

const cell = (s) =>
  String(s ?? "")
    .replace(/\s+/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
const code = (s) => (s === undefined || s === "" ? "" : `\`${cell(s).replace(/`/g, "'")}\``);

// The comment block at the top of the file (after the schema line): the runbook's own introduction.
function headerComment(text) {
  const lines = [];
  for (const line of text.split("\n")) {
    if (!line.startsWith("#")) break;
    if (line.includes("yaml-language-server")) continue;
    lines.push(line.replace(/^# ?/, ""));
  }
  return lines
    .join("\n")
    .replace(/\n(?!\n)/g, " ")
    .trim();
}

function valueText(v) {
  if (!v) return "";
  if (v.kind === "string") return v.value;
  if (v.kind === "number" || v.kind === "bool") return String(v.value);
  if (v.kind === "list") return `[${v.items.map(valueText).join(", ")}]`;
  if (v.kind === "map")
    return `{ ${v.entries.map((e) => `${e.key.value}: ${valueText(e.value)}`).join(", ")} }`;
  return "null";
}

function paramsSection(rb) {
  const rows = rb.params.map((p) => {
    const type = p.type === "enum" ? `enum (${p.values.map((v) => v.value).join(", ")})` : p.type;
    const source = p.from ? `env \`${p.from.env}\`` : p.default ? code(valueText(p.default)) : "**required**";
    return `| \`${p.name.value}\` | ${type} | ${source} | ${cell(p.description)} |`;
  });
  return [
    "## Params",
    "",
    "| param | type | default / source | meaning |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

const policyOf = (rb, phase, step) => step?.onFailure?.value ?? phase.onFailure?.value ?? rb.onFailure.value;

function stepLabel(step) {
  if (step.check) return `check \`${step.check.value}\``;
  return step.id ? `\`${step.id.value}\`` : "—";
}

// Without a description, the fields that say what an action does (its URL, release, prompt, program...).
function withSummary(step) {
  const keys = [
    "method",
    "url",
    "release",
    "revision",
    "name",
    "selector",
    "kind",
    "connection",
    "program",
    "args",
    "prompt",
    "snapshot",
    "label",
  ];
  const entries = step.with?.kind === "map" ? step.with.entries : [];
  const parts = keys.flatMap((k) => {
    const e = entries.find((x) => x.key.value === k);
    if (!e) return [];
    const v = valueText(e.value);
    return [`${k}: ${v.length > 140 ? `${v.slice(0, 140)}…` : v}`];
  });
  return parts.length ? code(parts.join("; ")) : "";
}

function stepWhat(rb, step) {
  if (step.check) {
    const suite = rb.checks.find((c) => c.name.value === step.check.value);
    return `runs the ${suite?.steps.length ?? 0} read-only steps of \`${step.check.value}\``;
  }
  const what = [step.description ? cell(step.description) : withSummary(step)];
  for (const a of step.expect) what.push(`expects ${code(a.that.text)}`);
  if (step.retry?.until) what.push(`polls until ${code(step.retry.until.text)}`);
  return what.filter(Boolean).join("; ");
}

function stepsTable(rb, phase, steps, withPolicy) {
  const head = withPolicy
    ? "| step | action | what it does | when | on failure |"
    : "| step | action | what it does | when |";
  const rows = steps.map((s) => {
    const cols = [
      stepLabel(s),
      s.action ? `\`${s.action.value}\`` : "",
      stepWhat(rb, s),
      s.when ? code(s.when.text) : "always",
    ];
    if (withPolicy) cols.push(policyOf(rb, phase, s));
    return `| ${cols.join(" | ")} |`;
  });
  return [head, head.replace(/[^|]+/g, "---"), ...rows].join("\n");
}

// What the operator can do when a step of `phase` fails under `policy`, given the boundaries entered by then.
function recovery(rb, index, policy) {
  const entered = rb.phases
    .slice(0, index + 1)
    .filter((p) => p.rollback)
    .reverse();
  const unwind = entered.length
    ? `unwinds ${entered.map((p) => `\`${p.id.value}\``).join(", then ")} (the rollback steps listed under each, newest boundary first) and verifies the result`
    : "has nothing to unwind: no rollback boundary has been entered, so nothing has changed";
  if (policy === "halt") {
    return (
      "the run **halts** at the failed step and records where it is. Choose: `rbx resume RUN` (fix forward: " +
      "the failed step runs again), `rbx skip RUN STEP --reason …` (mark it done: you did it by hand or decided " +
      `it is safe to leave out), or \`rbx rollback RUN\`, which ${unwind}.`
    );
  }
  return entered.length
    ? `the run **rolls back** at once: it ${unwind}.`
    : `the run **fails** and ${unwind}.`;
}

function phaseSection(rb, phase, index) {
  const out = [`### ${index + 1}. \`${phase.id.value}\`${phase.rollback ? " — rollback boundary" : ""}`, ""];
  if (phase.description) out.push(cell(phase.description), "");
  out.push(stepsTable(rb, phase, phase.steps, true), "");
  const policies = [...new Set(phase.steps.map((s) => policyOf(rb, phase, s)))];
  out.push("**If a step here fails:**", "");
  for (const p of policies) {
    const which = policies.length > 1 ? ` (steps with \`onFailure: ${p}\`)` : "";
    out.push(`- ${which ? `${which.trim()}: ` : ""}${recovery(rb, index, p)}`);
  }
  if (phase.rollback) {
    out.push("", `**Rollback of \`${phase.id.value}\`** (returns to the state at the phase's entry):`, "");
    out.push(stepsTable(rb, phase, phase.rollback, false));
  }
  return out.join("\n");
}

function checksSection(rb) {
  if (rb.checks.length === 0) return "";
  const out = [
    "## Check suites",
    "",
    "Named, read-only verification run in place by `check:` steps (after the upgrade and after a rollback).",
    "",
  ];
  for (const suite of rb.checks) {
    out.push(`### \`${suite.name.value}\``, "");
    const rows = suite.steps.map(
      (s) =>
        `| ${stepLabel(s)} | \`${s.action?.value ?? ""}\` | ${stepWhat(rb, s)} | ${s.when ? code(s.when.text) : "always"} |`,
    );
    out.push("| step | action | checks | when |", "|---|---|---|---|", ...rows, "");
  }
  return out.join("\n");
}

/** The whole Markdown page of one runbook. */
export function renderRunbookPage(rb, text, { file, rehearse = [], noLab } = {}) {
  const m = rb.metadata;
  const rel = relative(root, file ?? rb.file);
  const required = rb.params.filter((p) => p.required).map((p) => `--param ${p.name.value}=…`);
  const out = [
    `# ${m.product?.value ?? m.name.value}: \`${m.name.value}\` ${m.version.value}`,
    "",
    `<!-- Generated by scripts/gen-runbook-docs.js from ${rel}; edit the runbook, then \`npm run build && node scripts/gen-runbook-docs.js\`. -->`,
    "",
    m.summary ? `**${cell(m.summary)}**` : "",
    "",
    headerComment(text),
    "",
    "## Running it",
    "",
    "```sh",
    `rbx lint ${rel}`,
    `rbx plan ${rel} ${required.join(" ")}`.trimEnd(),
    `rbx run ${rel} ${required.join(" ")}`.trimEnd(),
    "rbx status            # where the newest run stands and its recovery choices",
    "```",
    "",
  ];
  if (rehearse.length > 0) {
    out.push(
      "## Rehearse it in the lab",
      "",
      "From a checkout after `npm ci && npm run build` (`rbx` is `node bin/rbx.js`), at the repository root. `rbx lab up`",
      "starts the lab and prints its environment (`docs/lab.md`): the service URLs and DSNs, the lab's helm and kubectl",
      "and the stand-ins the runbook calls (cosign, crane, docker), the admin password and the audit forwarder. The",
      "params files under `runbooks/lab/` say what stands in for what.",
      "",
    );
    for (const r of rehearse) {
      const labRel = `runbooks/lab/${r.params}.params.yaml`;
      if (r.title) out.push(`${r.title[0].toUpperCase()}${r.title.slice(1)}:`, "");
      out.push(
        "```sh",
        `eval "$(rbx lab up --products ${r.products})"`,
        `rbx run ${rel} --params-file ${labRel} --approve-all`,
        "rbx status",
        "rbx lab down",
        "```",
        "",
      );
    }
  } else if (noLab) {
    out.push("## Rehearse it in the lab", "", noLab, "");
  }
  out.push(paramsSection(rb), "");
  if (rb.guards.length) {
    out.push("## Guards", "", "Checked before anything runs; if one is false nothing changes.", "");
    for (const g of rb.guards)
      out.push(`- ${code(g.that.text)}${g.message ? ` — ${cell(g.message.value)}` : ""}`);
    out.push("");
  }
  out.push(
    `## Phases`,
    "",
    `The default failure policy is \`${rb.onFailure.value}\`; a phase or step may override it.`,
    "",
  );
  for (const [i, phase] of rb.phases.entries()) out.push(phaseSection(rb, phase, i), "");
  out.push(checksSection(rb));
  return `${out
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trimEnd()}\n`;
}

/** Load each product runbook and render its page; throws with the diagnostics when one does not load. */
export async function renderAll() {
  const pages = [];
  for (const r of productRunbooks) {
    const loaded = await loadRunbookFile(r.file, { catalog: builtinCatalog });
    if (!loaded.runbook) {
      const why = loaded.diagnostics
        .map((d) => `${basename(r.file)}:${d.span.start.line}: ${d.message}`)
        .join("\n");
      throw new Error(`cannot load ${r.file}:\n${why}`);
    }
    const text = readFileSync(r.file, "utf8");
    pages.push({
      ...r,
      markdown: renderRunbookPage(loaded.runbook, text, {
        file: r.file,
        rehearse: r.rehearse,
        noLab: r.noLab,
      }),
    });
  }
  return pages;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  for (const page of await renderAll()) {
    writeFileSync(page.page, page.markdown);
    process.stdout.write(`wrote ${relative(root, page.page)}\n`);
  }
}
