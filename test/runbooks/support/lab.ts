// A private lab per rehearsal scenario (`rbx lab up --dir TMP --products P`), its environment, and runs against it.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import pg from "pg";
import { type Ended, type RbxOptions, REPO, rbx } from "./rbx.js";

/** A running lab: where it is and the environment `rbx lab env` prints (KUBECONFIG, URLs, PATH…). */
export interface Lab {
  dir: string;
  env: Record<string, string>;
  stateDir: string;
}

// `export NAME='value'` lines; the PATH line appends "$PATH", which is ours.
function parseEnvLines(text: string, basePath: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const m = /^export ([A-Z_][A-Z0-9_]*)='((?:[^']|'\\'')*)'(:"\$PATH")?$/.exec(line.trim());
    if (!m?.[1]) continue;
    const value = (m[2] ?? "").replaceAll(`'\\''`, "'");
    env[m[1]] = m[3] ? `${value}:${basePath}` : value;
  }
  return env;
}

/** The sample products a lab can hold (kryton-compose: Kryton on a Compose host instead of the cluster). */
export type LabProduct = "kryton" | "kryton-compose" | "scrydon" | "alexandria";

/** Start a lab holding one sample product (or several: a stack), installed at its old version. */
export async function startLab(product: LabProduct | readonly LabProduct[]): Promise<Lab> {
  const products = typeof product === "string" ? [product] : product;
  const dir = mkdtempSync(join(tmpdir(), `rbx-rehearsal-${products.join("-")}-`));
  // Node, then the system's programs an operator has (tar, find); the lab's bin comes first on the lab PATH.
  const basePath = `${dirname(process.execPath)}:/usr/bin:/bin`;
  const home = join(dir, "home");
  const up = await rbx(["lab", "up", "--dir", join(dir, "lab"), "--products", products.join(",")], {
    env: { PATH: basePath, HOME: home },
    // Three products on two cores beside other test files took over 240 s once.
    timeoutMs: 480_000,
  });
  if (up.code !== 0) throw new Error(`rbx lab up failed (${up.code}): ${up.stderr}`);
  const env = {
    ...parseEnvLines(up.stdout, basePath),
    HOME: home,
    RBX_SNAPSHOTS_DIR: join(dir, "snapshots"),
  };
  return { dir, env, stateDir: join(dir, "state") };
}

/** Stop the lab by its supervisor PID (`rbx lab down`) and remove its directory. */
export async function stopLab(lab: Lab | undefined): Promise<void> {
  if (!lab) return;
  await rbx(["lab", "down", "--dir", join(lab.dir, "lab")], { env: lab.env, timeoutMs: 120_000 });
  rmSync(lab.dir, { recursive: true, force: true });
}

/** A lab chart package, e.g. kryton-4.6.5.tgz. */
export function labChart(lab: Lab, file: string): string {
  return join(lab.dir, "lab", "charts", file);
}

/** `rbx ARGS --state-dir` against the lab, from the repository root. */
export function labRbx(
  lab: Lab,
  args: string[],
  extra: Partial<Parameters<typeof rbx>[1]> = {},
): Promise<Ended> {
  return rbx([...args, "--state-dir", lab.stateDir], {
    timeoutMs: 600_000,
    ...extra,
    env: { ...lab.env, ...(extra.env ?? {}) },
  });
}

/**
 * End the newest run of the lab's state directory when it halted: a halted run keeps its locks — in the cluster
 * too (a lease in the target's namespace) — so the next scenario on the same target could not start. Its rollback
 * (nothing entered: nothing undone) releases them, as an operator would.
 */
export async function rollBackHalted(lab: Lab): Promise<void> {
  const st = await labRbx(lab, ["status", "--json"]);
  if (st.code !== 0) return;
  const report = JSON.parse(st.stdout) as { runId: string; status: string };
  if (report.status !== "halted") return;
  const rb = await labRbx(lab, ["rollback", report.runId]);
  if (rb.code !== 0) throw new Error(`rbx rollback ${report.runId} failed (${rb.code}): ${rb.stderr}`);
}

/** The id of the newest run in the lab's state directory (the one `rbx run` just started). */
export function runIdOf(out: Ended): string {
  const m = /run (\d{8}-\d{6}-[0-9a-f]+)/.exec(`${out.stderr}\n${out.stdout}`);
  if (!m?.[1]) throw new Error(`no run id in:\n${out.stderr}`);
  return m[1];
}

/** `rbx status RUN --json`, parsed. */
export async function statusOf(
  lab: Lab,
  runId: string,
): Promise<{ text: string; json: Record<string, unknown> }> {
  const text = (await labRbx(lab, ["status", runId])).stdout;
  const json = JSON.parse((await labRbx(lab, ["status", runId, "--json"])).stdout) as Record<string, unknown>;
  return { text, json };
}

/** GET a lab service URL and decode its JSON. */
export async function getJson(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** Run SQL against a lab database (bound parameters only). */
export async function sql<T extends Record<string, unknown>>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** The lab params file of a product, relative to the repository root. */
export function labParams(product: string): string {
  return join("runbooks", "lab", `${product}.params.yaml`);
}

/** Read a file of the repository (migrations, journals). */
export function repoFile(path: string): string {
  return readFileSync(join(REPO, path), "utf8");
}

/** An `onStderr` that SIGKILLs rbx once `marker` matches its output so far (e.g. the step's start line). */
export function killWhen(marker: RegExp): {
  onStderr: NonNullable<RbxOptions["onStderr"]>;
  killed: () => boolean;
} {
  let seen = "";
  let killed = false;
  return {
    onStderr: (text, child) => {
      seen += text;
      if (!killed && marker.test(seen)) {
        killed = true;
        child.kill("SIGKILL");
      }
    },
    killed: () => killed,
  };
}

/** Wait (bounded) until the release's newest revision is no longer pending-*: a helm orphaned by a SIGKILL has finished. */
export async function releaseSettled(
  lab: Lab,
  release: string,
  namespace: string,
  ms = 180_000,
): Promise<string> {
  const { execFileSync } = await import("node:child_process");
  const deadline = Date.now() + ms;
  let status = "";
  while (Date.now() < deadline) {
    const out = execFileSync("helm", ["history", release, "-n", namespace, "-o", "json", "--max", "1"], {
      env: lab.env,
      encoding: "utf8",
    });
    status = (JSON.parse(out) as { status: string }[]).at(-1)?.status ?? "";
    if (!status.startsWith("pending-")) return status;
    await new Promise((r) => setTimeout(r, 1_000));
  }
  return status;
}

/**
 * Leave `release` stuck in pending-upgrade, as a helm killed mid-upgrade does: start `helm upgrade … --wait` of a
 * rollout that never becomes ready, SIGKILL that helm (by its PID) once its revision is pending, and return.
 */
export async function orphanPendingUpgrade(
  lab: Lab,
  release: string,
  namespace: string,
  chart: string,
  setArgs: string[],
): Promise<void> {
  const { spawn, execFileSync } = await import("node:child_process");
  const helm = spawn(
    "helm",
    ["upgrade", release, chart, "-n", namespace, "--reuse-values", ...setArgs, "--wait", "--timeout", "2m"],
    { env: lab.env, stdio: "ignore" },
  );
  try {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const out = execFileSync("helm", ["history", release, "-n", namespace, "-o", "json", "--max", "1"], {
        env: lab.env,
        encoding: "utf8",
      });
      if ((JSON.parse(out) as { status: string }[]).at(-1)?.status === "pending-upgrade") return;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${release} never became pending-upgrade`);
  } finally {
    if (helm.pid && helm.exitCode === null) process.kill(helm.pid, "SIGKILL");
  }
}

/** The files under the lab's snapshots directory (RBX_SNAPSHOTS_DIR). */
export async function snapshotFiles(lab: Lab): Promise<string[]> {
  const { existsSync, readdirSync } = await import("node:fs");
  const dir = lab.env.RBX_SNAPSHOTS_DIR ?? "";
  return existsSync(dir) ? readdirSync(dir, { recursive: true }).map(String) : [];
}

/** The journal of a run as parsed events (`<state>/runs/<id>.jsonl`). */
export function journalOf(lab: Lab, runId: string): { type: string; step?: string; [k: string]: unknown }[] {
  return readFileSync(join(lab.stateDir, "runs", `${runId}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as { type: string; step?: string });
}

/** `rbx lab api stop|start|hang` or `rbx lab postgres stop|start` on the rehearsal's lab (a fault, or its end). */
export async function labFault(lab: Lab, part: "api" | "postgres", action: string): Promise<void> {
  const r = await rbx(["lab", part, action, "--dir", join(lab.dir, "lab")], {
    env: lab.env,
    timeoutMs: 60_000,
  });
  if (r.code !== 0) throw new Error(`rbx lab ${part} ${action} failed (${r.code}): ${r.stderr}`);
}

/** An `onStderr` that runs `action` once, the first time `marker` matches rbx's output so far. */
export function onceSeen(
  marker: RegExp,
  action: () => Promise<void>,
): { onStderr: NonNullable<RbxOptions["onStderr"]>; done: () => Promise<void> } {
  let seen = "";
  let started: Promise<void> | undefined;
  return {
    onStderr: (text) => {
      seen += text;
      if (!started && marker.test(seen)) started = action();
    },
    done: async () => {
      if (!started) throw new Error(`never saw ${marker} in rbx's output:\n${seen}`);
      await started;
    },
  };
}
