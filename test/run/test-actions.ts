// Actions registered only in tests: they do real, observable work on files and a loopback HTTP server.
import { appendFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { actions as builtins } from "../../src/builtins/index.js";
import { type ActionDefinition, defineAction } from "../../src/contract/action.js";
import { T } from "../../src/contract/cel-types.js";

const lines = (path: string): string[] =>
  existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];

function waitAbortable(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Append a line to a file (a write with a probe: is the line there?). `holdMs` waits after writing. */
export const fileAppend = defineAction<{ path: string; line: string; holdMs?: number }, { count: number }>({
  name: "test.append",
  effect: "write",
  summary: "append a line to a file",
  input: {
    type: "object",
    required: ["path", "line"],
    properties: { path: { type: "string" }, line: { type: "string" }, holdMs: { type: "integer" } },
  },
  output: T.object("test.append.output", { count: T.int }),
  plan: (args) => [{ kind: "command", text: `append "${args.line}" to ${args.path}` }],
  async run(ctx, args) {
    appendFileSync(args.path, `${args.line}\n`);
    if (args.holdMs) await waitAbortable(args.holdMs, ctx.signal);
    return { count: lines(args.path).length };
  },
  async before(_ctx, args) {
    return lines(args.path).length;
  },
  async probe(_ctx, args) {
    return lines(args.path).includes(args.line)
      ? { state: "done", output: { count: lines(args.path).length } }
      : { state: "not-done" };
  },
});

/** `test.append` as a change to a Kubernetes target: it locks the cluster connection (and its Lease). */
export const clusterAppend = defineAction<{ path: string; line: string; holdMs?: number }, { count: number }>(
  {
    ...fileAppend,
    name: "test.cluster-append",
    connectionKinds: ["kubernetes"],
    input: {
      type: "object",
      required: ["path", "line"],
      properties: {
        path: { type: "string" },
        line: { type: "string" },
        holdMs: { type: "integer" },
        connection: { type: "string" },
      },
    },
  },
);

/** Append without a probe (so only `verify:` or the operator can settle it). */
export const fileAppendBlind = defineAction<
  { path: string; line: string; holdMs?: number },
  { count: number }
>({
  ...fileAppend,
  name: "test.append-blind",
  probe: undefined,
  before: undefined,
});

/** Read a file's lines. */
export const fileRead = defineAction<{ path: string }, { lines: string[]; count: number }>({
  name: "test.read",
  effect: "read",
  summary: "read a file's lines",
  input: { type: "object", required: ["path"], properties: { path: { type: "string" } } },
  output: T.object("test.read.output", { lines: T.list(T.string), count: T.int }),
  plan: (args) => [{ kind: "note", text: `read ${args.path}` }],
  async run(_ctx, args) {
    const l = lines(args.path);
    return { lines: l, count: l.length };
  },
});

/** Count attempts in a file; fail until the count reaches `succeedOn`. */
export const flaky = defineAction<{ counter: string; succeedOn: number }, { attempt: number }>({
  name: "test.flaky",
  effect: "read",
  summary: "fail until the nth attempt",
  input: {
    type: "object",
    required: ["counter", "succeedOn"],
    properties: { counter: { type: "string" }, succeedOn: { type: "integer" } },
  },
  output: T.object("test.flaky.output", { attempt: T.int }),
  plan: () => [{ kind: "note", text: "flaky" }],
  async run(_ctx, args) {
    const n = (existsSync(args.counter) ? Number(readFileSync(args.counter, "utf8")) : 0) + 1;
    writeFileSync(args.counter, String(n));
    if (n < args.succeedOn) throw new Error(`attempt ${n} of ${args.succeedOn}: not yet`);
    return { attempt: n };
  },
});

/** Wait (abortable), then answer. */
export const sleepAction = defineAction<{ ms: number }, { slept: number }>({
  name: "test.sleep",
  effect: "read",
  summary: "wait",
  input: { type: "object", required: ["ms"], properties: { ms: { type: "integer" } } },
  output: T.object("test.sleep.output", { slept: T.int }),
  plan: (args) => [{ kind: "note", text: `sleep ${args.ms} ms` }],
  async run(ctx, args) {
    await waitAbortable(args.ms, ctx.signal);
    return { slept: args.ms };
  },
});

/** GET a URL on the loopback server; the status and body are the output. */
export const httpGet = defineAction<{ url: string }, { status: number; body: string }>({
  name: "test.get",
  effect: "read",
  summary: "GET a URL",
  input: { type: "object", required: ["url"], properties: { url: { type: "string" } } },
  output: T.object("test.get.output", { status: T.int, body: T.string }),
  plan: (args, ctx) => [{ kind: "http", text: ctx.redactor.redact(`GET ${args.url}`) }],
  async run(ctx, args) {
    const res = await fetch(args.url, { signal: ctx.signal });
    return { status: res.status, body: await res.text() };
  },
});

/** Read a token from a file, register it as a secret, and return it (the journal must mask it). */
export const readToken = defineAction<{ path: string }, { token: string }>({
  name: "test.token",
  effect: "read",
  summary: "read a token",
  input: { type: "object", required: ["path"], properties: { path: { type: "string" } } },
  output: T.object("test.token.output", { token: T.string }),
  plan: (args) => [{ kind: "note", text: `read token from ${args.path}` }],
  async run(ctx, args) {
    const token = readFileSync(args.path, "utf8").trim();
    ctx.redactor.addSecret(token);
    return { token };
  },
});

/** A read action that always fails with the given message (secrets in it must be masked). */
export const failWith = defineAction<{ message: string }, Record<string, never>>({
  name: "test.fail",
  effect: "read",
  summary: "fail",
  input: { type: "object", required: ["message"], properties: { message: { type: "string" } } },
  output: T.object("test.fail.output", {}),
  plan: (args) => [{ kind: "note", text: args.message }],
  async run(_ctx, args) {
    throw new Error(args.message);
  },
});

/** Record migrations as applied lines of a file, like `sql.migrations`; `fail` fails before applying any. */
export const migrate = defineAction<{ path: string; names: string[]; fail?: boolean }, { applied: string[] }>(
  {
    name: "test.migrate",
    effect: "write",
    summary: "apply migrations (lines of a file)",
    input: {
      type: "object",
      required: ["path", "names"],
      properties: {
        path: { type: "string" },
        names: { type: "array", items: { type: "string" } },
        fail: { type: "boolean" },
      },
    },
    output: T.object("test.migrate.output", { applied: T.list(T.string) }),
    plan: (args) => [{ kind: "command", text: `apply ${args.names.join(", ")} to ${args.path}` }],
    async run(_ctx, args) {
      if (args.fail) throw new Error(`migration ${args.names[0] ?? "?"} failed`);
      for (const n of args.names) appendFileSync(args.path, `${n}\n`);
      return { applied: args.names };
    },
  },
);

/** POST to the `http` connection's baseUrl (a write through that target); refused gives `connection-refused`. */
export const postTo = defineAction<{ connection?: string; path: string }, { status: number }>({
  name: "test.post",
  effect: "write",
  summary: "POST to an http connection",
  connectionKinds: ["http"],
  input: {
    type: "object",
    required: ["path"],
    properties: { connection: { type: "string" }, path: { type: "string" } },
  },
  output: T.object("test.post.output", { status: T.int }),
  plan: (args) => [{ kind: "http", text: `POST ${args.path}` }],
  async run(ctx, args) {
    const conn = [...ctx.connections.values()].find(
      (c) => c.kind === "http" && (args.connection === undefined || c.name === args.connection),
    );
    const res = await fetch(new URL(args.path, String(conn?.fields.baseUrl)), {
      method: "POST",
      signal: ctx.signal,
    });
    return { status: res.status };
  },
});

/** Says progress at once and again after `lateMs`, whatever the signal says (an action that outlives its step). */
export const lateTalker = defineAction<{ lateMs: number }, Record<string, never>>({
  name: "test.late",
  effect: "read",
  summary: "talk late",
  input: { type: "object", required: ["lateMs"], properties: { lateMs: { type: "integer" } } },
  output: T.object("test.late.output", {}),
  plan: () => [{ kind: "note", text: "talk late" }],
  async run(ctx, args) {
    ctx.log.progress("early line");
    await new Promise((r) => setTimeout(r, args.lateMs));
    ctx.log.progress("late line from a finished step");
    return {};
  },
});

/**
 * "Deploy" by appending a line to a file, failing with `failCode` when given; its `diagnose` reads what the workload
 * looks like from `<path>.pods.json` (a Diagnosis) and notes each call in `<path>.asked`.
 */
export const deploy = defineAction<{ path: string; failCode?: string }, { count: number }>({
  name: "test.deploy",
  effect: "write",
  summary: "deploy (a line of a file) and tell what its pods look like",
  input: {
    type: "object",
    required: ["path"],
    properties: { path: { type: "string" }, failCode: { type: "string" } },
  },
  output: T.object("test.deploy.output", { count: T.int }),
  plan: (args) => [{ kind: "command", text: `deploy to ${args.path}` }],
  async run(_ctx, args) {
    if (args.failCode)
      throw Object.assign(new Error(`deploy failed (${args.failCode})`), { code: args.failCode });
    appendFileSync(args.path, "deployed\n");
    return { count: lines(args.path).length };
  },
  async diagnose(_ctx, args) {
    appendFileSync(`${args.path}.asked`, "asked\n");
    const file = `${args.path}.pods.json`;
    return existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
  },
});

/** The catalog the runtime tests run with: the built-ins plus the actions above. */
export const testCatalog: readonly ActionDefinition<never, unknown>[] = [
  ...builtins,
  fileAppend,
  clusterAppend,
  fileAppendBlind,
  fileRead,
  flaky,
  sleepAction,
  httpGet,
  readToken,
  failWith,
  migrate,
  postTo,
  lateTalker,
  deploy,
] as never;
