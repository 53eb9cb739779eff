// What the run-related commands share: option parsing, the state directory, signals, progress lines.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import type { ActionLogger } from "./action.js";
import { terminalAsk } from "./approvals.js";
import type { SettleChoice } from "./driver.js";
import type { RunEvent } from "./events.js";
import { FileRunStore } from "./file-run-store.js";
import type { SessionOptions } from "./session.js";

/** The streams and environment a command runs with (the CLI's CliIO). */
export interface OperatorIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

/** `--state-dir`, else RBX_STATE_DIR, else `.rbx` in the working directory. */
export function stateDir(io: OperatorIO, flag: string | undefined): string {
  return resolve(io.cwd, flag ?? io.env.RBX_STATE_DIR ?? ".rbx");
}

/** Who is running rbx, as recorded in the journal (RBX_USER overrides for shared accounts). */
export function currentUser(env: Readonly<Record<string, string | undefined>>): string {
  if (env.RBX_USER) return env.RBX_USER;
  try {
    return userInfo().username;
  } catch {
    return env.USER ?? "unknown";
  }
}

/** Read `--params-file` (JSON or YAML, a map of param names to values). */
export async function readParamsFile(path: string, cwd: string): Promise<Record<string, unknown>> {
  const text = readFileSync(resolve(cwd, path), "utf8");
  const { parse } = await import("yaml");
  const data = parse(text) as unknown;
  if (data === null || typeof data !== "object" || Array.isArray(data)) {
    throw new Error(`${path} must hold a map of param names to values`);
  }
  return data as Record<string, unknown>;
}

/** Parse `--settle STEP=done|redo` values. */
export function parseSettle(values: readonly string[]): { settle: Map<string, SettleChoice>; bad: string[] } {
  const settle = new Map<string, SettleChoice>();
  const bad: string[] = [];
  for (const v of values) {
    const m = /^(.+)=(done|redo)$/.exec(v);
    if (m) settle.set(m[1] as string, m[2] as SettleChoice);
    else bad.push(v);
  }
  return { settle, bad };
}

/** One progress line per journal event worth showing, on stderr. */
export function progressLine(e: RunEvent): string | undefined {
  switch (e.type) {
    case "phase.entered":
      return `▸ phase ${e.phase}${e.boundary ? " (rollback boundary)" : ""}`;
    case "step.started":
      return `  → ${e.step} (${e.action}${e.attempt > 1 ? `, attempt ${e.attempt}` : ""})`;
    case "step.succeeded":
      return `  ✓ ${e.step}${e.settledBy ? ` (already done: settled by ${e.settledBy})` : ""}`;
    case "step.skipped":
      return `  – ${e.step} skipped${e.reason === "operator" ? ` by ${e.by}: ${e.note}` : " (when is false)"}`;
    case "assertion.failed":
      return `    ✗ ${e.message}`;
    case "step.attempt-failed":
      return `  ↻ ${e.step} attempt ${e.attempt} failed: ${e.error.message}; next in ${(e.retryInMs / 1000).toFixed(1)} s`;
    case "step.failed":
      return `  ✗ ${e.step} failed: ${e.error.message}`;
    case "guard.failed":
      return `  ✗ guard${e.step ? ` of ${e.step}` : ""}: ${e.message}`;
    case "approval.granted":
      return `  ✓ ${e.step} approved by ${e.by} (${e.via})`;
    case "step.probed":
      return `  ? ${e.step} was in doubt: ${e.result}${e.reason ? ` (${e.reason})` : ""}`;
    case "step.verified":
      return `  ? ${e.step} postcondition ${e.holds ? "holds" : "does not hold"}`;
    case "rollback.started":
      return `↶ rolling back ${e.boundaries.join(", ") || "(no boundary entered)"}${e.trigger ? ` after ${e.trigger.step} failed` : ""}`;
    case "rollback.completed":
      return `↶ rollback complete${e.verified ? " and verified" : ""}`;
    case "run.completed":
      return "✓ run completed";
    case "run.rolled-back":
      return "↶ run rolled back";
    case "run.failed":
      return `✗ run failed: ${e.message}`;
    case "run.halted":
      return `⏸ halted (${e.reason}): ${e.message}`;
    case "run.interrupted":
      return `⏹ interrupted by ${e.signal}`;
    case "lock.forced":
      return `! lock forced from run ${e.previous.runId} (pid ${e.previous.pid} on ${e.previous.host})`;
    default:
      return undefined;
  }
}

/** SIGINT/SIGTERM abort the running action and the run records "interrupted"; a second signal exits at once. */
export function interruptOnSignals(): { signal: AbortSignal; name: () => string; dispose: () => void } {
  const controller = new AbortController();
  let name = "SIGINT";
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    name = sig;
    controller.abort(new Error(`interrupted by ${sig}`));
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    signal: controller.signal,
    name: () => name,
    dispose: () => {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}

/** Session options for the CLI: file store, terminal prompts when interactive, progress on stderr. */
export function cliSession(
  io: OperatorIO,
  flags: {
    stateDir?: string;
    approve?: string[];
    approveAll?: boolean;
    settle?: Map<string, SettleChoice>;
    forceUnlock?: boolean;
    acceptChanges?: boolean;
  },
  signal: AbortSignal,
  signalName: () => string,
): SessionOptions {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const interactive = process.stdin.isTTY === true && io.stderr.isTTY === true;
  const log: ActionLogger = {
    info: (m) => say(`    ${m}`),
    warn: (m) => say(`    warning: ${m}`),
    progress: (m) => say(`    … ${m}`),
  };
  const ask = interactive ? terminalAsk(process.stdin, io.stderr) : undefined;
  return {
    store: new FileRunStore(stateDir(io, flags.stateDir)),
    cwd: io.cwd,
    env: io.env,
    user: currentUser(io.env),
    approve: new Set(flags.approve ?? []),
    approveAll: flags.approveAll ?? false,
    ...(ask ? { ask } : {}),
    ...(ask
      ? {
          askInDoubt: async (step: string, why: string) => {
            const a = await ask(`${step} is in doubt: ${why}.\nDid it happen? [done/redo/halt] `, signal);
            return a?.trim() === "done" ? "done" : a?.trim() === "redo" ? "redo" : undefined;
          },
        }
      : {}),
    settle: flags.settle ?? new Map(),
    forceUnlock: flags.forceUnlock ?? false,
    acceptChanges: flags.acceptChanges ?? false,
    signal,
    signalName,
    log,
    onEvent: (e) => {
      const line = progressLine(e);
      if (line) say(line);
    },
    say,
  };
}
