// End to end: the real helm installs a sample chart into the stand-in; its pod process serves the version; upgrades migrate.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mustRunTool } from "../../../lab/run-tool.js";
import { labSamples } from "../../../lab/samples.js";
import {
  installSample,
  type LabStack,
  packageChart,
  prepareSample,
  startLabStack,
} from "../../../lab/stack.js";
import { ledgerSize } from "./db-query.js";

let stack: LabStack;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-lab-e2e-"));
  stack = await startLabStack({
    dir,
    runtime: { readinessIntervalMs: 100, backoffInitialMs: 300, backoffMaxMs: 1000 },
  });
});
afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const sample = (name: string) => labSamples.find((s) => s.name === name)!;

/** GET through the Service's proxy until it answers 200 with `version` (bounded). */
async function versionVia(svc: string, path: string, version: string): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 30_000;
  let last = "";
  while (Date.now() < deadline) {
    const proxy = stack.proxies.list().find((p) => `${p.namespace}/${p.name}` === svc);
    if (proxy) {
      const res = await fetch(`${proxy.url}${path}`).catch((e: Error) => e);
      if (!(res instanceof Error)) {
        const text = await res.text();
        last = `${res.status} ${text}`;
        if (res.status === 200 && (JSON.parse(text) as { version?: string }).version === version) {
          return JSON.parse(text) as Record<string, unknown>;
        }
      }
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${svc}${path} never reported ${version} (last: ${last})`);
}

describe("lab end to end", () => {
  it("helm 3 installs Kryton 4.6.4, the Service serves /api/version, and helm upgrade moves it to 4.6.5", async () => {
    const kryton = sample("kryton");
    await prepareSample(stack, kryton);
    const old = await packageChart(stack, kryton, kryton.old);
    const next = await packageChart(stack, kryton, kryton.next);
    await installSample(stack, kryton, old, stack.tools.helm3);
    expect(await versionVia("kryton/kryton", "/api/version", "4.6.4")).toMatchObject({ major: 4 });
    expect(await ledgerSize(stack.postgres.url("kryton"))).toBe(2);
    await installSample(stack, kryton, next, stack.tools.helm3);
    await versionVia("kryton/kryton", "/api/version", "4.6.5");
    expect(await ledgerSize(stack.postgres.url("kryton"))).toBe(3);
    const history = JSON.parse(
      await mustRunTool(
        stack.tools.helm3,
        ["history", "kryton", "-n", "kryton", "-o", "json"],
        stack.toolEnv,
      ),
    ) as { revision: number; app_version: string; status: string }[];
    expect(history.map((h) => [h.revision, h.app_version, h.status])).toEqual([
      [1, "4.6.4", "superseded"],
      [2, "4.6.5", "deployed"],
    ]);
  });

  it("helm 4 installs Scrydon 2.4.0 with its hook Jobs, and upgrades to 2.5.0 through pre-upgrade migrations", async () => {
    const scrydon = sample("scrydon");
    await prepareSample(stack, scrydon);
    const old = await packageChart(stack, scrydon, scrydon.old);
    const next = await packageChart(stack, scrydon, scrydon.next);
    await installSample(stack, scrydon, old, stack.tools.helm4);
    await versionVia("scrydon-platform/api-platform", "/api/version", "2.4.0");
    const platform = stack.proxies.list().find((p) => p.name === "api-platform")!;
    const audit = (await (await fetch(`${platform.url}/api/audit/events`)).json()) as {
      events: { type: string }[];
    };
    expect(audit.events.map((e) => e.type)).toContain("SERVICE_STARTED");
    expect(await ledgerSize(stack.postgres.url("analytics"))).toBe(1);
    await installSample(stack, scrydon, next, stack.tools.helm4);
    await versionVia("scrydon-platform/agentic", "/api/version", "2.5.0");
    expect(await ledgerSize(stack.postgres.url("auth"))).toBe(2);
    expect(await ledgerSize(stack.postgres.url("analytics"))).toBe(2);
    const logs = await mustRunTool(
      stack.tools.kubectl,
      ["logs", "job/auth-migration-2", "-n", "scrydon-platform"],
      stack.toolEnv,
    );
    expect(logs).toContain('"msg":"migrations applied"');
  });

  it("the Kryton operator rolls the Deployment from spec.version and reports status.observedVersion", async () => {
    const base = sample("kryton");
    const db = await stack.postgres.createDatabase();
    const kryton = {
      ...base,
      namespace: "kryton-operator",
      databases: [],
      secrets: () => ({ "kryton-postgres": { url: stack.postgres.url(db) } }),
    };
    await prepareSample(stack, kryton);
    const chart = await packageChart(stack, kryton, kryton.old);
    await mustRunTool(
      stack.tools.helm3,
      [
        "install",
        "kryton",
        chart,
        "-n",
        kryton.namespace,
        "--set",
        "operator.enabled=true",
        "--wait",
        "--timeout",
        "2m",
      ],
      stack.toolEnv,
    );
    await versionVia("kryton-operator/kryton", "/api/version", "4.6.4");
    const patch = JSON.stringify({ spec: { version: "4.6.5" } });
    await mustRunTool(
      stack.tools.kubectl,
      ["patch", "kryton", "kryton", "-n", kryton.namespace, "--type", "merge", "-p", patch],
      stack.toolEnv,
    );
    await versionVia("kryton-operator/kryton", "/api/version", "4.6.5");
    const deadline = Date.now() + 30_000;
    let observed = "";
    while (Date.now() < deadline && observed !== "4.6.5") {
      const args = [
        "get",
        "kryton",
        "kryton",
        "-n",
        kryton.namespace,
        "-o",
        "jsonpath={.status.observedVersion}",
      ];
      observed = await mustRunTool(stack.tools.kubectl, args, stack.toolEnv);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(observed).toBe("4.6.5");
    expect(await ledgerSize(stack.postgres.url(db))).toBe(3);
  });
});
