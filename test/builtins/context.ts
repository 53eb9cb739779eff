// A real ActionContext for tests: a redactor that masks registered secrets, a logger that keeps its lines.

import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ActionContext, PlanContext, Redactor } from "../../src/contract/action.js";
import type { ConnectionKind, ResolvedConnection } from "../../src/contract/connection.js";

/** A redactor that replaces every registered secret with ***. */
export function testRedactor(secrets: string[] = []): Redactor {
  const all = new Set(secrets.filter(Boolean));
  return {
    addSecret(value) {
      if (value) all.add(value);
    },
    redact(text) {
      let out = text;
      for (const s of [...all].sort((a, b) => b.length - a.length)) out = out.split(s).join("***");
      return out;
    },
  };
}

/** A connection map from `{ name: [kind, fields] }`. */
export function connections(
  defs: Record<string, [ConnectionKind, Record<string, unknown>]>,
): Map<string, ResolvedConnection> {
  return new Map(Object.entries(defs).map(([name, [kind, fields]]) => [name, { name, kind, fields }]));
}

/** The context plus what the action logged. */
export interface TestContext extends ActionContext {
  lines: string[];
}

/** A context for one step; `signal` defaults to one that never aborts. */
export function testContext(
  conns: Map<string, ResolvedConnection>,
  extra: Partial<ActionContext> & { secrets?: string[] } = {},
): TestContext {
  const lines: string[] = [];
  const redactor = extra.redactor ?? testRedactor(extra.secrets);
  return {
    signal: new AbortController().signal,
    runId: "run-test",
    stepId: "step",
    workDir: mkdtempSync(join(tmpdir(), "rbx-builtins-")),
    env: process.env,
    ...extra,
    redactor,
    connections: conns,
    lines,
    log: {
      info: (m) => lines.push(`info: ${redactor.redact(m)}`),
      warn: (m) => lines.push(`warn: ${redactor.redact(m)}`),
      progress: (m) => lines.push(`progress: ${redactor.redact(m)}`),
    },
  };
}

/** A plan context over the same connections. */
export function planContext(conns: Map<string, ResolvedConnection>, secrets: string[] = []): PlanContext {
  return { connections: conns, redactor: testRedactor(secrets) };
}

/** The rejection of a promise, so tests can inspect code and message. */
export async function failure(
  p: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> {
  try {
    await p;
  } catch (error) {
    return error as Error & { code?: string };
  }
  throw new Error("expected the action to fail, but it succeeded");
}
