// The options the run commands (plan, run, resume, rollback, skip, status, runs) share, read one way everywhere.

import { resolve } from "node:path";
import { parseParamArgs } from "../run/bind/params.js";
import { readDataFile } from "../run/bind/params-file.js";
import type { SettleChoice } from "../run/interpreter/driver.js";
import type { SessionOptions, SessionResult } from "../run/sessions/session-options.js";
import { type RunStore, StoreFencedError, StoreUnavailableError } from "../run/store/run-store.js";
import type { CliIO } from "./io.js";
import { openStore, type StoreChoice, storeChoice } from "./operator.js";
import { cliSession } from "./operator-session.js";
import { interruptOnSignals } from "./signals.js";

/** `--param NAME=VALUE`... and `--params-file F`: the params of a new run (plan, run). */
export const paramOptions = {
  param: { type: "string", multiple: true },
  "params-file": { type: "string" },
} as const;

/** Where runs are kept: a PostgreSQL store (`--store`, RBX_STORE, `store:` in .rbx.yaml) or the state directory. */
export const storeOptions = {
  store: { type: "string" },
  "state-dir": { type: "string" },
} as const;

/** What every command that drives a run takes: approvals, the lock, the output form, the store. */
export const sessionOptions = {
  approve: { type: "string", multiple: true },
  "approve-all": { type: "boolean" },
  "force-unlock": { type: "boolean" },
  json: { type: "boolean" },
  ...storeOptions,
} as const;

/** What continuing a run adds (resume, rollback): settle in-doubt steps, a changed or moved document, secrets. */
export const continueOptions = {
  settle: { type: "string", multiple: true },
  "accept-changes": { type: "boolean" },
  "params-file": { type: "string" },
  file: { type: "string" },
} as const;

/** The params given on the command line and in a params file, or undefined once what is wrong is printed. */
export function readParams(
  command: string,
  values: { param?: string[]; "params-file"?: string },
  io: CliIO,
): { cli: Map<string, string>; file?: Record<string, unknown> } | undefined {
  const params = parseParamArgs(values.param ?? []);
  if (params.bad.length > 0) {
    io.stderr.write(
      `rbx ${command}: --param takes NAME=VALUE; got ${params.bad.map((b) => `"${b}"`).join(", ")}\n`,
    );
    return undefined;
  }
  const path = values["params-file"];
  if (path === undefined) return { cli: params.params };
  const file = readDataFile(resolve(io.cwd, path), path);
  if (!file.ok) {
    io.stderr.write(`rbx ${command}: the params file: ${file.message}\n`);
    return undefined;
  }
  return { cli: params.params, file: file.data };
}

/** `--settle STEP=done|redo` values, or undefined once the malformed ones are printed. */
export function readSettle(
  command: string,
  values: readonly string[] | undefined,
  io: CliIO,
): Map<string, SettleChoice> | undefined {
  const settle = parseSettle(values ?? []);
  if (settle.bad.length === 0) return settle.settle;
  io.stderr.write(`rbx ${command}: --settle takes STEP=done or STEP=redo; got ${settle.bad.join(", ")}\n`);
  return undefined;
}

/** The parsed store options. */
export interface StoreValues {
  store?: string;
  "state-dir"?: string;
}

/** The parsed session options, as `sessionOptions` (and `continueOptions`) give them. */
export interface SessionValues extends StoreValues {
  approve?: string[];
  "approve-all"?: boolean;
  "force-unlock"?: boolean;
  json?: boolean;
  "accept-changes"?: boolean;
}

/**
 * Open the store the flags, the environment and `.rbx.yaml` choose, run `use`, and close it. A store that cannot
 * be reached, refuses (a missing grant) or was misconfigured is one clear line and `failExit`, never a trace.
 */
export async function withStore(
  command: string,
  io: CliIO,
  values: StoreValues,
  failExit: number,
  use: (store: RunStore, choice: StoreChoice) => Promise<number>,
  migrateOnUse = true,
): Promise<number> {
  const choice = storeChoice(io, {
    ...(values.store ? { store: values.store } : {}),
    ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
  });
  if ("error" in choice) {
    io.stderr.write(`rbx ${command}: ${choice.error}\n`);
    return 2;
  }
  const store = await openStore(choice, migrateOnUse);
  try {
    return await use(store, choice);
  } catch (err) {
    if (err instanceof StoreUnavailableError || err instanceof StoreFencedError) {
      io.stderr.write(`rbx ${command}: error: ${err.message}\n`);
      return failExit;
    }
    throw err;
  } finally {
    await store.close();
  }
}

/** Drive one verb under the CLI's session (signals, prompts, live view); print "RUN STATUS" unless --json. */
export async function driveRun(
  command: string,
  io: CliIO,
  values: SessionValues,
  settle: Map<string, SettleChoice> | undefined,
  verb: (opts: SessionOptions) => Promise<SessionResult>,
): Promise<number> {
  return withStore(command, io, values, 2, async (store, choice) => {
    const signals = interruptOnSignals();
    try {
      const opts = cliSession(
        io,
        store,
        choice,
        {
          ...(values["state-dir"] ? { stateDir: values["state-dir"] } : {}),
          approve: values.approve ?? [],
          approveAll: values["approve-all"] ?? false,
          ...(settle ? { settle } : {}),
          forceUnlock: values["force-unlock"] ?? false,
          json: values.json ?? false,
          acceptChanges: values["accept-changes"] ?? false,
        },
        signals.signal,
        signals.name,
      );
      const result = await verb(opts);
      if (result.runId && result.status && !values.json)
        io.stdout.write(`${result.runId} ${result.status}\n`);
      return result.exit;
    } finally {
      signals.dispose();
    }
  });
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
