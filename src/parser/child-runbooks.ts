// The runbooks a document runs as child runs (`run:`): found, their params given, and no runbook running itself.

import { dirname, relative, resolve } from "node:path";
import { parse } from "yaml";
import { type Diagnostic, diagnostic } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/did-you-mean.js";
import { systemReason } from "../diagnostics/system-error.js";
import type { Runbook, Step } from "./ast.js";

/** Reads a file's text, or throws (an ENOENT, EACCES…); the loader's is readFileSync. */
export type ReadText = (path: string) => string;

/** What the parent needs of a child: its identity, its params, and the runbooks it runs in turn. */
interface ChildFacts {
  name: string;
  version: string;
  params: { name: string; required: boolean }[];
  runs: string[];
}

type Read = { facts: ChildFacts } | { problem: string; code: string };

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** A file as messages show it: relative to the working directory, as the runbooks given on the command line. */
const shown = (file: string): string => {
  const rel = relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") ? file : rel;
};

/** Read just enough of a runbook file (it is checked in full when it runs, or by `rbx validate`). */
function readFacts(file: string, read: ReadText): Read {
  let text: string;
  try {
    text = read(file);
  } catch (e) {
    const reason = systemReason(e);
    return {
      code: "child-not-found",
      problem: `cannot read ${shown(file)}: ${reason}; the path is relative to this runbook's folder`,
    };
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return { code: "child-not-runbook", problem: `${shown(file)} is not valid YAML; \`rbx validate\` it` };
  }
  if (!isMap(doc) || doc.apiVersion !== "rbx/v1" || doc.kind !== "Runbook")
    return {
      code: "child-not-runbook",
      problem: `${shown(file)} is not an rbx/v1 Runbook (apiVersion: rbx/v1, kind: Runbook)`,
    };
  const meta = isMap(doc.metadata) ? doc.metadata : {};
  const params = Object.entries(isMap(doc.params) ? doc.params : {}).map(([name, decl]) => ({
    name,
    required: !isMap(decl) || (decl.default === undefined && decl.from === undefined),
  }));
  const runs: string[] = [];
  for (const phase of Array.isArray(doc.phases) ? doc.phases : [])
    for (const step of isMap(phase) && Array.isArray(phase.steps) ? phase.steps : [])
      if (isMap(step) && typeof step.run === "string") runs.push(resolve(dirname(file), step.run));
  return { facts: { name: String(meta.name ?? "?"), version: String(meta.version ?? "?"), params, runs } };
}

/** The chain of runbooks from `from` that leads back to `target`, if one does (depth-first, each file once). */
function pathBack(from: string, target: string, read: ReadText, seen: Set<string>): string[] | undefined {
  if (from === target) return [from];
  if (seen.has(from)) return undefined;
  seen.add(from);
  const r = readFacts(from, read);
  if (!("facts" in r)) return undefined;
  for (const next of r.facts.runs) {
    const rest = pathBack(next, target, read, seen);
    if (rest) return [from, ...rest];
  }
  return undefined;
}

function childProblems(rb: Runbook, step: Step, read: ReadText): Diagnostic[] {
  const run = step.run;
  if (!run) return [];
  const self = resolve(rb.file);
  const file = resolve(dirname(self), run.value);
  const r = readFacts(file, read);
  if (!("facts" in r)) return [diagnostic(r.code, "error", r.problem, run.span)];
  const { facts } = r;
  step.child = { file, name: facts.name, version: facts.version };
  const out: Diagnostic[] = [];
  const cycle = pathBack(file, self, read, new Set());
  if (cycle) {
    const chain = [self, ...cycle].map((f) => relative(dirname(self), f) || f).join(" → ");
    out.push(
      diagnostic(
        "child-cycle",
        "error",
        `Runbooks run each other in a circle (${chain}): a runbook may not run itself, directly or through its children`,
        run.span,
      ),
    );
  }
  const given = step.with?.entries ?? [];
  const names = facts.params.map((p) => p.name);
  for (const entry of given) {
    if (names.includes(entry.key.value)) continue;
    const hint = didYouMean(entry.key.value, names);
    out.push(
      diagnostic(
        "unknown-child-param",
        "error",
        `${run.value} has no param "${entry.key.value}".${hint || ` Its params: ${names.join(", ") || "none"}.`}`,
        entry.key.span,
      ),
    );
  }
  const missing = facts.params.filter((p) => p.required && !given.some((e) => e.key.value === p.name));
  if (missing.length > 0)
    out.push(
      diagnostic(
        "missing-child-param",
        "error",
        `${run.value} requires ${missing.map((p) => p.name).join(", ")}; give ${missing.length === 1 ? "it" : "them"} under \`with:\``,
        run.span,
      ),
    );
  return out;
}

/** Problems of every `run:` step; each readable child is recorded on its step (`step.child`). */
export function childRunbookProblems(rb: Runbook, read: ReadText): Diagnostic[] {
  return rb.phases.flatMap((phase) => phase.steps.flatMap((step) => childProblems(rb, step, read)));
}
