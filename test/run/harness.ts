// A temporary workspace for interpreter tests: runbook files, a file RunStore, and normalized journals.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AnyAction, catalogOf } from "../../src/contract/action.js";
import type { RunEvent } from "../../src/run/model/events.js";
import type { SessionOptions } from "../../src/run/sessions/session-options.js";
import { FileRunStore } from "../../src/run/store/file-store.js";
import { testCatalog } from "./test-actions.js";

/** One test's workspace. */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), "rbx-rt-"));
  readonly store = new FileRunStore(join(this.dir, ".rbx"));
  readonly said: string[] = [];
  readonly events: RunEvent[] = [];

  /** Write a file into the workspace; returns its path. */
  write(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** A path inside the workspace. */
  path(name: string): string {
    return join(this.dir, name);
  }

  /** The test catalog: the built-in shapes' stand-ins that do real work on the test's files. */
  readonly catalog = catalogOf(testCatalog as readonly AnyAction[]);

  /** What `planRunbook` takes: the workspace, the test catalog, and the said lines. */
  planOpts() {
    return {
      cwd: this.dir,
      env: { PATH: process.env.PATH },
      catalog: this.catalog,
      say: (l: string) => this.said.push(l),
    };
  }

  /** Session options with the test catalog; `over` replaces any of them. */
  opts(over: Partial<SessionOptions> = {}): SessionOptions {
    return {
      store: this.store,
      cwd: this.dir,
      env: { PATH: process.env.PATH },
      user: "tester",
      catalog: this.catalog,
      signal: new AbortController().signal,
      log: { info: () => {}, warn: () => {}, progress: () => {} },
      onEvent: (e) => this.events.push(e),
      say: (l) => this.said.push(l),
      ...over,
    };
  }

  /** The run's journal as compact lines with times, hashes, ids and paths normalized. */
  async journal(runId: string): Promise<string[]> {
    const read = await this.store.read(runId);
    return read.events.map((e) => normalize(e, this.dir, runId));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** One event as `type {fields}` without seq/at/prev, with the volatile values replaced. */
export function normalize(e: RunEvent, dir: string, runId: string): string {
  const { seq: _s, at: _a, prev: _p, type, ...rest } = e;
  const text = JSON.stringify(rest, (key, value) => {
    if (key === "pid") return "<pid>";
    if (key === "host") return "<host>";
    if (key === "contentHash" || key === "planHash") return "<hash>";
    if (key === "startedAt" || key === "approvedAt") return "<time>";
    return value;
  });
  return `${type} ${text}`
    .replaceAll(dir, "<dir>")
    .replaceAll(runId, "<run>")
    .replace(/ \{\}$/, "");
}
