// What the run-related commands share: option parsing, the state directory, signals, the run's live view.
import { readFileSync } from "node:fs";
import { userInfo } from "node:os";
import { resolve } from "node:path";
import { createProgress } from "../progress/create.js";
import type { RunObserver } from "../progress/observer.js";
import { type Ask, terminalAsk } from "./approvals.js";
import type { SettleChoice } from "./driver.js";
import { FileRunStore } from "./file-run-store.js";
import { maxAttempts } from "./retry-policy.js";
import type { ObservedRun } from "./run-scope.js";
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

/** Session options for the CLI: file store, terminal prompts when interactive, live progress or NDJSON. */
export function cliSession(
  io: OperatorIO,
  flags: {
    stateDir?: string;
    approve?: string[];
    approveAll?: boolean;
    settle?: Map<string, SettleChoice>;
    forceUnlock?: boolean;
    acceptChanges?: boolean;
    /** `--json`: NDJSON events on stdout; the human view stays on stderr. */
    json?: boolean;
  },
  signal: AbortSignal,
  signalName: () => string,
): SessionOptions {
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const interactive = process.stdin.isTTY === true && io.stderr.isTTY === true;
  // The live view of the run being watched: it must not redraw over a question the terminal asks.
  let watching: RunObserver | undefined;
  const ask = interactive ? pausing(terminalAsk(process.stdin, io.stderr), () => watching) : undefined;
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
    observe: (run) => {
      watching = watchRun(io, run, flags);
      return watching;
    },
    say,
  };
}

/** A prompt that pauses the live view while it waits, so the spinner does not draw over the question. */
function pausing(ask: Ask, view: () => RunObserver | undefined): Ask {
  return async (question, signal, timeoutMs) => {
    const observer = view();
    observer?.pause?.();
    try {
      return await ask(question, signal, timeoutMs);
    } finally {
      observer?.resume?.();
    }
  };
}

/** The live view (or plain lines) on stderr and, with --json, NDJSON on stdout; also tidied on a forced exit. */
function watchRun(
  io: OperatorIO,
  run: ObservedRun,
  flags: { stateDir?: string; json?: boolean },
): RunObserver {
  const observer = createProgress({
    stdout: io.stdout,
    stderr: io.stderr,
    env: io.env,
    json: flags.json ?? false,
    redactor: run.redactor,
    history: run.history,
    ...(flags.stateDir ? { stateDir: flags.stateDir } : {}),
    maxAttempts: (step) => {
      const retry = run.program.units.get(step)?.step.retry;
      const n = retry ? maxAttempts(retry) : undefined;
      return n !== undefined && Number.isFinite(n) ? n : undefined;
    },
  });
  // A second Ctrl-C exits at once (process.exit): leave the terminal without a half-drawn live view.
  const onExit = () => observer.close();
  process.once("exit", onExit);
  // A reader that went away (`rbx run --json | head`) must not kill the run: the journal has every event.
  const ignore = () => {};
  io.stdout.on("error", ignore);
  io.stderr.on("error", ignore);
  return {
    onEvent: (e) => observer.onEvent(e),
    onProgress: (step, message) => observer.onProgress(step, message),
    onLog: (step, level, message) => observer.onLog(step, level, message),
    pause: () => observer.pause?.(),
    resume: () => observer.resume?.(),
    close: () => {
      process.off("exit", onExit);
      observer.close();
      io.stdout.off("error", ignore);
      io.stderr.off("error", ignore);
    },
  };
}
