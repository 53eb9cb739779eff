// Runs a composite GitHub Action (action.yml) the way the runner does, for the parts a test machine can: `run:`
// steps in bash with `${{ inputs.* }}` substituted into their env, GITHUB_PATH / GITHUB_OUTPUT / RUNNER_TEMP files,
// `if:` conditions, step outputs and the action's outputs. `uses:` steps are handed to the caller with their
// resolved `with:`. Any expression beyond these forms is refused, so a test cannot pass over an action the runner
// would read differently.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { parse } from "yaml";

/** The parts of action.yml this runner reads. */
export interface CompositeAction {
  name: string;
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs?: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  shell?: string;
  env?: Record<string, string>;
  run?: string;
}

/** What happened to one step. */
export interface StepResult {
  name: string;
  skipped: boolean;
  /** Exit code of a `run:` step (0 for `uses:` steps the caller accepted). */
  code: number;
  stdout: string;
  stderr: string;
}

export interface ActionRun {
  steps: StepResult[];
  /** True when a step failed (the job would be red). */
  failed: boolean;
  outputs: Record<string, string>;
  /** Directories the steps added to PATH through GITHUB_PATH. */
  path: string[];
}

export function readAction(file: string): CompositeAction {
  return parse(readFileSync(file, "utf8")) as CompositeAction;
}

const EXPR = /\$\{\{\s*([^}]*?)\s*\}\}/g;

/** The value of one `${{ … }}` expression: `inputs.X` or `steps.ID.outputs.X`; anything else is refused. */
function expressionValue(
  expr: string,
  inputs: Record<string, string>,
  stepOutputs: Record<string, Record<string, string>>,
) {
  let m = /^inputs\.([A-Za-z0-9_-]+)$/.exec(expr);
  if (m) {
    if (!(m[1]! in inputs)) throw new Error(`\${{ ${expr} }} names no input of the action`);
    return inputs[m[1]!]!;
  }
  m = /^steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)$/.exec(expr);
  if (m) return stepOutputs[m[1]!]?.[m[2]!] ?? "";
  throw new Error(`unsupported expression \${{ ${expr} }}`);
}

function substitute(
  text: string,
  inputs: Record<string, string>,
  stepOutputs: Record<string, Record<string, string>>,
): string {
  return text.replace(EXPR, (_m, expr: string) => expressionValue(expr, inputs, stepOutputs));
}

/** An `if:` of the forms `inputs.X != ''` / `inputs.X == 'v'`, joined by `&&`. */
function condition(expr: string, inputs: Record<string, string>): boolean {
  return expr.split("&&").every((part) => {
    const m = /^\s*inputs\.([A-Za-z0-9_-]+)\s*(==|!=)\s*'([^']*)'\s*$/.exec(part);
    if (!m) throw new Error(`unsupported if: ${expr}`);
    if (!(m[1]! in inputs)) throw new Error(`if: ${expr} names no input of the action`);
    const equal = inputs[m[1]!] === m[3];
    return m[2] === "==" ? equal : !equal;
  });
}

/** Options of one run: where the action and the workspace are, its inputs, and how to answer `uses:` steps. */
export interface RunActionOptions {
  actionDir: string;
  workspace: string;
  runnerTemp: string;
  /** The `with:` a workflow gives; defaults from action.yml fill the rest. */
  with: Record<string, string>;
  env: Record<string, string>;
  /** Called for each `uses:` step that runs; throw to fail the step. */
  uses(uses: string, withValues: Record<string, string>): void;
  timeoutMs?: number;
}

/** Run every step of the composite action in order, as a job would; stops at the first failed step. */
export function runAction(opts: RunActionOptions): ActionRun {
  const action = readAction(join(opts.actionDir, "action.yml"));
  if (action.runs.using !== "composite") throw new Error(`not a composite action: ${action.runs.using}`);
  for (const key of Object.keys(opts.with))
    if (!(key in action.inputs)) throw new Error(`with: ${key} is not an input of the action`);
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs)) {
    const given = opts.with[name];
    if (given === undefined && spec.required) throw new Error(`the required input ${name} is not given`);
    inputs[name] = given ?? spec.default ?? "";
  }
  mkdirSync(opts.runnerTemp, { recursive: true });
  const githubPath = join(opts.runnerTemp, "github-path");
  writeFileSync(githubPath, "");
  const stepOutputs: Record<string, Record<string, string>> = {};
  const results: StepResult[] = [];
  let failed = false;
  for (const [i, step] of action.runs.steps.entries()) {
    const name = step.name ?? step.id ?? `step ${i + 1}`;
    if (failed || (step.if !== undefined && !condition(step.if, inputs))) {
      results.push({ name, skipped: true, code: 0, stdout: "", stderr: "" });
      continue;
    }
    if (step.uses !== undefined) {
      const withValues = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), inputs, stepOutputs)]),
      );
      try {
        opts.uses(step.uses, withValues);
        results.push({ name, skipped: false, code: 0, stdout: "", stderr: "" });
      } catch (error) {
        results.push({ name, skipped: false, code: 1, stdout: "", stderr: (error as Error).message });
        failed = true;
      }
      continue;
    }
    if (step.shell !== "bash") throw new Error(`step ${name}: a run step needs shell: bash`);
    const script = step.run ?? "";
    // Inputs reach scripts through env only: an expression inside `run:` is a script-injection hole.
    if (EXPR.test(script)) throw new Error(`step ${name}: \${{ }} inside run:`);
    EXPR.lastIndex = 0;
    const output = join(opts.runnerTemp, `github-output-${i}`);
    writeFileSync(output, "");
    const added = readFileSync(githubPath, "utf8").split("\n").filter(Boolean).reverse();
    const env: Record<string, string> = {
      ...opts.env,
      ...Object.fromEntries(
        Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), inputs, stepOutputs)]),
      ),
      GITHUB_ACTIONS: "true",
      CI: "true",
      GITHUB_ACTION_PATH: opts.actionDir,
      GITHUB_WORKSPACE: opts.workspace,
      GITHUB_PATH: githubPath,
      GITHUB_OUTPUT: output,
      RUNNER_TEMP: opts.runnerTemp,
      PATH: [...added, opts.env.PATH ?? ""].join(delimiter),
    };
    const scriptFile = join(opts.runnerTemp, `step-${i}.sh`);
    writeFileSync(scriptFile, script);
    // The runner's own bash invocation for `shell: bash`.
    const r = spawnSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", scriptFile], {
      cwd: opts.workspace,
      env,
      encoding: "utf8",
      timeout: opts.timeoutMs ?? 600_000,
      maxBuffer: 64 << 20,
    });
    const code = r.status ?? 1;
    results.push({ name, skipped: false, code, stdout: r.stdout, stderr: r.stderr });
    if (step.id !== undefined && existsSync(output)) {
      stepOutputs[step.id] = Object.fromEntries(
        readFileSync(output, "utf8")
          .split("\n")
          .filter((l) => l.includes("="))
          .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
      );
    }
    if (code !== 0) failed = true;
  }
  const outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([k, o]) => [k, substitute(o.value, inputs, stepOutputs)]),
  );
  const path = readFileSync(githubPath, "utf8").split("\n").filter(Boolean);
  return { steps: results, failed, outputs, path };
}
