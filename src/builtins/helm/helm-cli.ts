// Running the helm binary: which one, its global flags from the kubernetes connection, and its major version.

import type { ActionContext, PlanContext, PlannedEffect } from "../../contract/action.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import { classifyCode } from "../../contract/failure.js";
import { apiUnreachable } from "../kubectl/reachability.js";
import { ActionError } from "../shared/action-error.js";
import { pickConnection, stringField } from "../shared/connection.js";
import { type Deadline, deadline } from "../shared/deadline.js";
import { networkPhrase } from "../shared/network-errors.js";
import { runTool } from "../shared/run-tool.js";

/** The helm binary and the flags that point it at the connection's cluster and namespace. */
export interface HelmInvocation {
  bin: string;
  globals: string[];
  namespace: string | undefined;
  connection: string;
}

/** Binary: the connection's `helm`, else RBX_HELM, else `helm` on PATH; flags from kubeconfig/context/namespace. */
export function helmInvocation(
  ctx: Pick<PlanContext, "connections">,
  env: Readonly<Record<string, string | undefined>>,
  args: { connection?: string; namespace?: string },
): HelmInvocation {
  const conn: ResolvedConnection = pickConnection(ctx.connections, "kubernetes", args.connection);
  const globals: string[] = [];
  const kubeconfig = stringField(conn, "kubeconfig");
  const context = stringField(conn, "context");
  const namespace = args.namespace ?? stringField(conn, "namespace");
  if (kubeconfig) globals.push("--kubeconfig", kubeconfig);
  if (context) globals.push("--kube-context", context);
  if (namespace) globals.push("--namespace", namespace);
  return {
    bin: stringField(conn, "helm") ?? env.RBX_HELM ?? "helm",
    globals,
    namespace,
    connection: conn.name,
  };
}

/** A command line for plans: shell-like quoting so it can be read (and pasted) exactly. */
function commandText(bin: string, argv: readonly string[]): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [bin, ...argv].map(q).join(" ");
}

/** What `rbx plan` shows for one helm command: the command line with the connection's flags, redacted. */
export function helmPlan(
  ctx: PlanContext,
  inv: Pick<HelmInvocation, "bin" | "globals">,
  argv: readonly string[],
  note = "",
): PlannedEffect[] {
  return [
    { kind: "command", text: ctx.redactor.redact(commandText(inv.bin, [...argv, ...inv.globals]) + note) },
  ];
}

/** Run `body` against the step's helm under a deadline of `timeoutMs`, released however it ends. */
export async function withHelm<R>(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
  timeoutMs: number,
  body: (inv: HelmInvocation, d: Deadline) => Promise<R>,
): Promise<R> {
  const inv = helmInvocation(ctx, ctx.env, args);
  const d = deadline(ctx.signal, timeoutMs);
  try {
    return await body(inv, d);
  } finally {
    d.clear();
  }
}

/** stdout of a successful helm run; a failure becomes `helm-failed` (or a more precise code) with stderr. */
export async function runHelm(
  ctx: ActionContext,
  d: Deadline,
  inv: HelmInvocation,
  argv: string[],
  onLine: (line: string) => void = () => {},
  opts: { finishOnInterrupt?: boolean } = {},
): Promise<string> {
  try {
    return await runTool(
      ctx,
      d,
      {
        command: inv.bin,
        args: [...argv, ...inv.globals],
        env: ctx.env,
        label: `helm ${argv[0]}`,
        ...(opts.finishOnInterrupt ? { finishOnInterrupt: true } : {}),
        killAfterMs: 10_000,
        tailChars: 6000,
        failure: (why, notFound, cause) => {
          const code = notFound
            ? "helm-not-found"
            : /release: not found|release not found/i.test(why)
              ? "release-not-found"
              : (cause ?? "helm-failed");
          const hint =
            code === "helm-not-found" ? " — install helm, or set the connection's `helm` or RBX_HELM" : "";
          return { code, hint };
        },
      },
      (line) => onLine(ctx.redactor.redact(line)),
    );
  } catch (error) {
    throw await unlessUnreachable(ctx, inv, error);
  }
}

/**
 * helm failed: when the Kubernetes API does not answer now, that is the cause (helm 3 says only "context deadline
 * exceeded" when its wait ran out while the API was down), and the error says so with an unreachable code.
 */
async function unlessUnreachable(ctx: ActionContext, inv: HelmInvocation, error: unknown): Promise<unknown> {
  if (!(error instanceof ActionError) || ctx.signal.aborted) return error;
  const known = classifyCode(error.code);
  if (known.category !== "other") return error;
  const down = await apiUnreachable(ctx, {
    connection: inv.connection,
    ...(inv.namespace ? { namespace: inv.namespace } : {}),
  });
  if (!down) return error;
  return new ActionError(
    down,
    `${error.message} — the Kubernetes API does not answer now (${networkPhrase(down)})`,
    {
      ...(error.details ? { details: { ...error.details } } : {}),
    },
  );
}

const majors = new Map<string, Promise<number>>();

/** Helm's major version (3 or 4), asked once per binary per process. */
export function helmMajor(ctx: ActionContext, d: Deadline, inv: HelmInvocation): Promise<number> {
  let found = majors.get(inv.bin);
  if (!found) {
    found = (async () => {
      const out = await runHelm(ctx, d, { ...inv, globals: [] }, ["version", "--short"]);
      const m = /v(\d+)\./.exec(out);
      if (!m) throw new ActionError("helm-version", `Cannot read helm's version from "${out.trim()}"`);
      return Number(m[1]);
    })();
    majors.set(inv.bin, found);
    found.catch(() => majors.delete(inv.bin));
  }
  return found;
}

/** Parse helm's JSON output, naming the command on failure. */
export function parseJson<T>(text: string, what: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new ActionError(
      "helm-output",
      `helm ${what} printed something that is not JSON: ${text.slice(0, 200)}`,
      { cause },
    );
  }
}
