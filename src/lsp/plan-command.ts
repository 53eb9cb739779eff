// The `rbx.plan` command: the plan of the open runbook's current text (unsaved edits included), as `rbx plan`
// prints it, with params given by the editor and read from a params file like `--params-file`.
import { isAbsolute, resolve } from "node:path";
import type { ActionCatalog } from "../contract/action.js";
import { bindDocument } from "../run/bind/bind-document.js";
import { readParamsFile } from "../run/bind/params-file.js";
import { formatPlan } from "../run/bind/plan-text.js";
import { prepareText } from "../run/bind/prepare.js";

/** The command's name, as editors invoke it with `workspace/executeCommand`. */
export const PLAN_COMMAND = "rbx.plan";

/** What the editor passes: the document and the params (`--param`) and params file (`--params-file`). */
export interface PlanArgs {
  uri: string;
  params?: Record<string, string>;
  /** Relative to the workspace root (where `rbx plan` would run). */
  paramsFile?: string;
}

/** The plan as text, or what stops it (missing params, errors in the document). */
export interface PlanResult {
  ok: boolean;
  text: string;
  planHash?: string;
}

/** Read the command's arguments: `[{ uri, params?, paramsFile? }]` or `[uri]`. */
export function planArgs(args: readonly unknown[] | undefined): PlanArgs | undefined {
  const first = args?.[0];
  if (typeof first === "string") return { uri: first };
  if (!first || typeof first !== "object") return undefined;
  const o = first as Record<string, unknown>;
  if (typeof o.uri !== "string") return undefined;
  const out: PlanArgs = { uri: o.uri };
  if (o.params && typeof o.params === "object")
    out.params = Object.fromEntries(
      Object.entries(o.params as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
  if (typeof o.paramsFile === "string") out.paramsFile = o.paramsFile;
  return out;
}

/** Plan `text` (the document at `file`) with the given params, in the environment `env`. */
export async function planDocument(
  file: string,
  text: string,
  args: PlanArgs,
  opts: { catalog: ActionCatalog; env: Readonly<Record<string, string | undefined>>; root: string },
): Promise<PlanResult> {
  const lines: string[] = [];
  let fromFile: Record<string, unknown> | undefined;
  if (args.paramsFile) {
    const path = isAbsolute(args.paramsFile) ? args.paramsFile : resolve(opts.root, args.paramsFile);
    try {
      fromFile = await readParamsFile(path, opts.root);
    } catch (err) {
      return { ok: false, text: `rbx cannot read the params file ${path}: ${(err as Error).message}\n` };
    }
  }
  const cli = new Map(Object.entries(args.params ?? {}));
  const bound = bindDocument(
    prepareText(file, text, opts.catalog),
    fromFile ? { cli, file: fromFile } : { cli },
    {
      env: opts.env,
      catalog: opts.catalog,
      say: (l) => lines.push(l),
    },
  );
  if (!bound) return { ok: false, text: `rbx cannot plan ${file}:\n${lines.join("\n")}\n` };
  return { ok: true, text: formatPlan(bound.plan), planHash: bound.plan.planHash };
}
