// What hovers and completion items say about a param, a step, an action, a check suite and a function:
// one short detail line and a Markdown body, from the AST, the catalog, the overload table and docs/actions.md.
import { stepOutputType, stepsWithIds } from "../check/environment.js";
import { signatureText } from "../check/messages.js";
import { overloadsOf } from "../check/overloads.js";
import type { AnyAction } from "../contract/action.js";
import type { Param, ValueNode } from "../parser/ast.js";
import { actionDocs } from "./action-docs.js";
import type { Analysis } from "./analysis.js";
import { typeLabel, typeOutline } from "./type-text.js";

/** A detail line (completion) and a Markdown text (hover, completion documentation). */
export interface Description {
  detail: string;
  markdown: string;
}

const code = (text: string) => ["```", text, "```"].join("\n");

function literal(v: ValueNode): string {
  switch (v.kind) {
    case "string":
      return JSON.stringify(v.value);
    case "number":
      return v.raw;
    case "bool":
      return String(v.value);
    case "null":
      return "null";
    default:
      return v.kind;
  }
}

/** A param: its declared type, description, default or environment variable. */
export function describeParam(p: Param): Description {
  const lines = [`**param** \`${p.name.value}\`: \`${p.type}\``];
  if (p.description) lines.push("", p.description);
  const facts: string[] = [];
  if (p.default) facts.push(`default: \`${literal(p.default)}\``);
  if (p.from) facts.push(`from: \`env.${p.from.env}\``);
  if (p.values) facts.push(`values: ${p.values.map((v) => `\`${v.value}\``).join(", ")}`);
  if (p.required) facts.push("required: give it with `--param` or a params file");
  if (facts.length > 0) lines.push("", facts.join("  \n"));
  return { detail: p.type, markdown: lines.join("\n") };
}

/** A step by id: its action, where it runs, and its output type. */
export function describeStep(a: Analysis, id: string): Description {
  const step = a.runbook ? stepsWithIds(a.runbook).find((s) => s.id?.value === id) : undefined;
  if (!step) return { detail: "step", markdown: `**step** \`${id}\`` };
  const action = step.action ? a.catalog.find(step.action.value) : undefined;
  const output = stepOutputType(step, a.catalog);
  const place = a.order?.placement.get(id);
  const where = place?.phase
    ? `phase \`${place.phase}\``
    : place?.suite
      ? `check suite \`${place.suite}\``
      : "";
  const what = step.action
    ? `\`${step.action.value}\`${action ? ` (${action.effect})` : ""}`
    : `check \`${step.check?.value ?? ""}\``;
  const lines = [`**step** \`${id}\` — ${what}${where ? ` in ${where}` : ""}`];
  if (step.description) lines.push("", step.description);
  lines.push("", `\`steps.${id}.output\`:`, code(typeOutline(output)), `\`steps.${id}.status\`: \`string\``);
  return { detail: `${step.action?.value ?? "check"} → ${typeLabel(output)}`, markdown: lines.join("\n") };
}

/** An action of the catalog: effect, summary, output type and its section of docs/actions.md. */
export function describeAction(action: AnyAction): Description {
  const lines = [
    `**${action.name}** (${action.effect}) — ${action.summary}`,
    "",
    "`output`:",
    code(typeOutline(action.output)),
  ];
  const docs = actionDocs(action.name);
  if (docs) lines.push("", docs);
  return { detail: `${action.effect} · ${action.summary}`, markdown: lines.join("\n") };
}

/** A check suite: its steps. */
export function describeSuite(a: Analysis, name: string): Description {
  const suite = a.runbook?.checks.find((c) => c.name.value === name);
  if (!suite) return { detail: "check suite", markdown: `**check suite** \`${name}\`` };
  const steps = suite.steps.map(
    (s) =>
      `- \`${s.id?.value ?? "(no id)"}\` ${s.action ? `\`${s.action.value}\`` : `check \`${s.check?.value}\``}`,
  );
  return {
    detail: `check suite, ${suite.steps.length} step(s)`,
    markdown: [`**check suite** \`${name}\``, "", ...steps].join("\n"),
  };
}

/** A function's signatures, or undefined for a name that is not one. */
export function describeFunction(name: string): Description | undefined {
  const sigs = overloadsOf(name);
  if (sigs.length === 0) return undefined;
  return {
    detail: signatureText(sigs[0] as (typeof sigs)[number]),
    markdown: code(sigs.map(signatureText).join("\n")),
  };
}
