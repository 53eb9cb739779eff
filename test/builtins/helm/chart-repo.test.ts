// helm.upgrade with a chart from a chart repository (`repo` → --repo), served on loopback like a real one.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helmUpgrade } from "../../../src/builtins/helm/upgrade.js";
import { planContext } from "../context.js";
import { fixtures, type KubeLab, startKubeLab } from "../kube-lab.js";

const run = promisify(execFile);

describe.each([
  ["Helm 3", "helm3" as const],
  ["Helm 4", "helm4" as const],
])("helm.upgrade from a chart repository on %s", (_name, which) => {
  let lab: KubeLab;
  let server: Server;
  let repoDir: string;
  let url: string;
  const requests: string[] = [];

  beforeAll(async () => {
    lab = await startKubeLab();
    repoDir = mkdtempSync(join(tmpdir(), "rbx-chart-repo-"));
    const helm = lab.tools[which];
    // A repository is an index.yaml plus chart packages over HTTP: build both with the real helm.
    await run(helm, ["package", join(fixtures, "charts", "app"), "--destination", repoDir], { env: lab.env });
    server = createServer((req, res) => {
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      requests.push(path);
      try {
        const body = readFileSync(join(repoDir, path.replace(/^\/+/, "").replace(/\.\.+/g, "")));
        res.writeHead(200, { "content-type": path.endsWith(".yaml") ? "text/yaml" : "application/gzip" });
        res.end(body);
      } catch {
        res.writeHead(404).end("not found");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    await run(helm, ["repo", "index", repoDir, "--url", url], { env: lab.env });
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await lab?.stop();
    if (repoDir) rmSync(repoDir, { recursive: true, force: true });
  });

  it("installs the pinned chart version from the repository and plans --repo", async () => {
    const args = {
      release: "shop",
      chart: "app",
      repo: url,
      version: "1.2.0",
      install: true,
      wait: true,
      timeout: "60s",
    };
    const plan = helmUpgrade.plan(args, planContext(lab.conns(lab.tools[which])));
    expect(plan[0]?.text).toContain(`--repo ${url}`);
    expect(plan[0]?.text).toContain("--version 1.2.0");
    const out = await helmUpgrade.run(lab.ctx(lab.tools[which]), args);
    expect(out).toMatchObject({ release: "shop", revision: 1, status: "deployed", chart: "app-1.2.0" });
    expect(requests).toContain("/index.yaml");
    expect(requests.some((p) => p.endsWith("app-1.2.0.tgz"))).toBe(true);
  });

  it("fails clearly when the repository has no such chart version", async () => {
    const err = await helmUpgrade
      .run(lab.ctx(lab.tools[which]), {
        release: "shop",
        chart: "app",
        repo: url,
        version: "9.9.9",
        timeout: "30s",
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/9\.9\.9/);
  });
});
