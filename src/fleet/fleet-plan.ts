// What a fleet would do before anything runs: each target's params bound to the runbook (its plan hash and
// locks, or what is wrong), the waves rate control gives, and targets that would contend for one lock.
import type { ActionCatalog } from "../contract/action.js";
import { bindDocument } from "../run/bind/bind-document.js";
import type { Prepared } from "../run/bind/prepare.js";
import type { FleetTarget } from "./fleet-document.js";

/** One target's plan: its hash and locks, or the problems that stop it. */
export interface TargetPlan {
  name: string;
  canary: boolean;
  planHash?: string;
  locks: string[];
  problems: string[];
}

/** A fleet's plan. */
export interface FleetPlan {
  targets: TargetPlan[];
  /** Locks two or more targets would take (they would wait for each other, or act on one thing twice). */
  sharedLocks: { lock: string; targets: string[] }[];
  concurrency: number;
  errorsAllowed: number;
  canary: number;
}

/** The environment a target's run gets: the controller's, plus its `env` indirections resolved. */
export function targetEnv(
  target: FleetTarget,
  env: Readonly<Record<string, string | undefined>>,
): { env: Record<string, string | undefined>; missing: string[] } {
  const out: Record<string, string | undefined> = { ...env };
  const missing: string[] = [];
  for (const [name, from] of Object.entries(target.env)) {
    if (env[from] === undefined) missing.push(`${name} (from ${from})`);
    out[name] = env[from];
  }
  return { env: out, missing };
}

/** Bind every target's params to the prepared runbook. */
export function planFleet(
  prepared: Extract<Prepared, { ok: true }>,
  targets: readonly FleetTarget[],
  env: Readonly<Record<string, string | undefined>>,
  catalog: ActionCatalog,
  limits: { concurrency: number; errorsAllowed: number; canary: number },
): FleetPlan {
  const plans: TargetPlan[] = [];
  const holders = new Map<string, string[]>();
  // The document's own warnings are the runbook's, said once by the caller, not once per target.
  const quiet = { ...prepared, warnings: "" };
  for (const [i, t] of targets.entries()) {
    const problems: string[] = [];
    const e = targetEnv(t, env);
    if (e.missing.length > 0) problems.push(`the controller's environment has no ${e.missing.join(", ")}`);
    const bound = bindDocument(
      quiet,
      { cli: new Map(), file: t.params },
      {
        env: e.env,
        catalog,
        say: (line) => problems.push(line.replace(/^error: /, "")),
      },
    );
    const locks = bound?.plan.locks ?? [];
    for (const l of locks) holders.set(l, [...(holders.get(l) ?? []), t.name]);
    plans.push({
      name: t.name,
      canary: i < limits.canary,
      ...(bound ? { planHash: bound.plan.planHash } : {}),
      locks,
      problems,
    });
  }
  const sharedLocks = [...holders.entries()]
    .filter(([, names]) => names.length > 1)
    .map(([lock, names]) => ({ lock, targets: names }));
  return { targets: plans, sharedLocks, ...limits };
}

/** The plan as people read it: the waves, each target's plan hash, and what is wrong. */
export function formatFleetPlan(plan: FleetPlan, fleetName: string, runbook: string): string {
  const lines: string[] = [];
  lines.push(`Fleet ${fleetName}: ${plan.targets.length} target(s) running ${runbook}`);
  lines.push(
    `Rate control: at most ${plan.concurrency} at once; once more than ${plan.errorsAllowed} have failed, no new target starts and the fleet halts.`,
  );
  const canary = plan.targets.filter((t) => t.canary);
  const rest = plan.targets.filter((t) => !t.canary);
  const row = (t: TargetPlan) =>
    `  ${t.name.padEnd(28)} ${t.planHash ?? "(no plan)"}${t.problems.length > 0 ? `  ✗ ${t.problems.join("; ")}` : ""}`;
  if (canary.length > 0) {
    lines.push(
      "",
      `Wave 1 — canary (${canary.length}): must all finish, within the error budget, before the rest start`,
    );
    lines.push(...canary.map(row));
  }
  const n = canary.length > 0 ? 2 : 1;
  lines.push(
    "",
    `Wave ${n} — the rest (${rest.length}), in this order, ${plan.concurrency} at a time as slots free up:`,
  );
  lines.push(...rest.map(row));
  for (const s of plan.sharedLocks) {
    lines.push(
      "",
      `warning: ${s.targets.join(", ")} all lock ${s.lock}: they would run one after another, on the same thing`,
    );
  }
  const bad = plan.targets.filter((t) => t.problems.length > 0).length;
  lines.push("", bad > 0 ? `${bad} target(s) cannot run as given.` : "Every target's params check.");
  return `${lines.join("\n")}\n`;
}
