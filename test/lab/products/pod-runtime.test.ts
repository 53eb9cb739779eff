// The product pod runtime with real processes: readiness, versions, Job exits, crash loops, faults, stop by PID.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PodSpecInput, RunningPod } from "../../../lab/kube/pod-runtime.js";
import type { PostgresServer } from "../../../lab/postgres.js";
import { ProductPodRuntime } from "../../../lab/product-pods.js";
import { testPostgres } from "../../support/postgres.js";
import { ledgerSize } from "./db-query.js";

let server: PostgresServer;
const runtime = new ProductPodRuntime({
  readinessIntervalMs: 100,
  backoffInitialMs: 200,
  backoffMaxMs: 400,
  slowStartMs: 1500,
});

beforeAll(async () => {
  server = await testPostgres();
});
afterAll(async () => {
  await runtime.close();
  await server?.stop();
});

let n = 0;
function pod(image: string, env: Record<string, string>, extra: Partial<PodSpecInput> = {}): PodSpecInput {
  n += 1;
  return {
    namespace: "lab",
    name: `p${n}`,
    labels: { app: `a${n}` },
    annotations: {},
    containers: [{ name: "main", image, env: [] }],
    restartPolicy: "Always",
    resolvedEnv: { main: env },
    ...extra,
  };
}

async function until(what: string, p: RunningPod, test: () => boolean, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (test()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} not reached in ${ms} ms; status ${JSON.stringify(p.status())}\n${p.logs()}`);
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("product pod runtime", () => {
  it("runs the image's version, reports readiness and logs, and stops the process by PID", async () => {
    const db = await server.createDatabase();
    const spec = pod("registry.example/kryton:v4.6.5", { POSTGRES_URL: server.url(db) });
    const running = runtime.start(spec);
    let changes = 0;
    running.onChange(() => changes++);
    await until("ready", running, () => running.status().ready);
    expect(running.status()).toMatchObject({ phase: "Running", ready: true, restartCount: 0 });
    expect(changes).toBeGreaterThanOrEqual(2);
    const [endpoint] = runtime.endpoints("lab", spec.labels);
    expect(endpoint?.ready).toBe(true);
    const version = await (await fetch(`http://127.0.0.1:${endpoint?.port}/api/version`)).json();
    expect(version).toMatchObject({ version: "4.6.5", major: 4 });
    expect(running.logs()).toContain('"msg":"listening"');
    expect(await ledgerSize(server.url(db))).toBe(3);
    const pid = endpoint?.pid ?? 0;
    expect(alive(pid)).toBe(true);
    await running.stop();
    expect(alive(pid)).toBe(false);
    expect(runtime.endpoints("lab", spec.labels)).toEqual([]);
  });

  it("runs a migration Job pod to completion, and a broken one to failure with its error in the logs", async () => {
    const db = await server.createDatabase();
    const env = { POSTGRES_URL: server.url(db) };
    const job = runtime.start(
      pod("registry.example/kryton:v4.6.5", env, {
        restartPolicy: "Never",
        ownerKind: "Job",
        containers: [{ name: "main", image: "registry.example/kryton:v4.6.5", env: [], args: ["migrate"] }],
      }),
    );
    await until("succeeded", job, () => job.status().phase === "Succeeded");
    expect(job.status()).toMatchObject({ reason: "Completed", exitCode: 0 });
    const broken = runtime.start(
      pod("x", env, {
        restartPolicy: "Never",
        containers: [
          {
            name: "main",
            image: "registry.example/kryton:v4.6.6-broken-migration",
            env: [],
            args: ["migrate"],
          },
        ],
      }),
    );
    await until("failed", broken, () => broken.status().phase === "Failed");
    expect(broken.status()).toMatchObject({ reason: "Error", exitCode: 1 });
    expect(broken.logs()).toContain("migration failed");
    await Promise.all([job.stop(), broken.stop()]);
  });

  it("restarts a crashing container with back-off (CrashLoopBackOff)", async () => {
    const db = await server.createDatabase();
    const running = runtime.start(
      pod("registry.example/kryton:v4.6.6-broken-migration", { POSTGRES_URL: server.url(db) }),
    );
    await until("two restarts", running, () => running.status().restartCount >= 2);
    expect(running.status()).toMatchObject({ phase: "Running", ready: false });
    await until("back-off", running, () => running.status().reason === "CrashLoopBackOff");
    await running.stop();
  });

  it("acts out faults: a never-ready annotation and a slow tag", async () => {
    const db = await server.createDatabase();
    const env = { POSTGRES_URL: server.url(db) };
    const never = runtime.start(
      pod("registry.example/kryton:v4.6.4", env, { annotations: { "lab.rbx.dev/fault": "never-ready" } }),
    );
    const slow = runtime.start(pod("registry.example/kryton:v4.6.4-slow", env));
    await until("never-ready listening", never, () => never.logs().includes('"msg":"listening"'));
    await until("slow ready", slow, () => slow.status().ready);
    expect(slow.logs()).toContain("slow start (injected fault)");
    expect(never.status()).toMatchObject({ phase: "Running", ready: false });
    await Promise.all([never.stop(), slow.stop()]);
  });

  it("reports a missing tag as an image pull error and hands foreign images to the fallback", async () => {
    const missing = runtime.start(pod("registry.example/kryton:9.9.9", {}));
    expect(missing.status()).toMatchObject({ phase: "Pending", reason: "ErrImagePull" });
    await until("pull back-off", missing, () => missing.status().reason === "ImagePullBackOff", 5000);
    const foreign = runtime.start(pod("busybox:1.36", {}));
    await until("simulated ready", foreign, () => foreign.status().ready, 5000);
    expect(foreign.logs()).toContain("starting busybox:1.36");
    await Promise.all([missing.stop(), foreign.stop()]);
  });
});
