// Running the helm binary: which one, its global flags from the kubernetes connection, and its major version.
import type { ActionContext, PlanContext, ResolvedConnection } from "../../runtime/action.js";
import { ActionError, messageOf } from "../shared/action-error.js";
import { pickConnection, stringField } from "../shared/connection.js";
import { abortError, type Deadline } from "../shared/deadline.js";

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
export function commandText(bin: string, argv: readonly string[]): string {
  const q = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  return [bin, ...argv].map(q).join(" ");
}

/** stdout of a successful helm run; a failure becomes `helm-failed` (or a more precise code) with stderr. */
export async function runHelm(
  ctx: ActionContext,
  d: Deadline,
  inv: HelmInvocation,
  argv: string[],
  onLine: (line: string) => void = () => {},
): Promise<string> {
  const { execa } = await import("execa");
  const child = execa(inv.bin, [...argv, ...inv.globals], {
    env: { ...ctx.env },
    extendEnv: false,
    cancelSignal: d.signal,
    forceKillAfterDelay: 10_000,
    stdin: "ignore",
    reject: false,
    maxBuffer: 64 << 20,
  });
  let tail = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    const text = chunk.toString();
    tail = (tail + text).slice(-6000);
    for (const line of text.split("\n")) if (line.trim()) onLine(ctx.redactor.redact(line.trim()));
  });
  const result = await child;
  if (d.signal.aborted) throw abortError(`helm ${argv[0]}`, d);
  if (result.failed) {
    const why = tail.trim() || (result.code === "ENOENT" ? `${inv.bin} not found` : messageOf(result));
    const code = /release: not found|release not found/i.test(why)
      ? "release-not-found"
      : result.code === "ENOENT"
        ? "helm-not-found"
        : "helm-failed";
    const hint =
      code === "helm-not-found" ? " — install helm, or set the connection's `helm` or RBX_HELM" : "";
    throw new ActionError(code, ctx.redactor.redact(`helm ${argv[0]} failed: ${why}${hint}`), {
      cause: result,
      details: { exitCode: result.exitCode ?? null },
    });
  }
  return String(result.stdout);
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
