// The Containerfile builds the image a submitted run's Job runs: what the Job asks of it must be in it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { jobObject } from "../../src/kube-jobs/job-objects.js";

const root = join(import.meta.dirname, "..", "..");
const text = readFileSync(join(root, "Containerfile"), "utf8");
const runtimeStage = text.slice(text.lastIndexOf("\nFROM "));

describe("Containerfile", () => {
  it("runs rbx as its entrypoint, as a numeric non-root user (the Job asks for runAsNonRoot)", () => {
    expect(runtimeStage).toMatch(/^ENTRYPOINT \["rbx"\]$/m);
    const user = /^USER (\d+)(?::(\d+))?$/m.exec(runtimeStage);
    expect(Number(user?.[1])).toBeGreaterThan(0);
    const job = jobObject({
      runId: "r1",
      namespace: "ns",
      image: "rbx:0.0.0",
      runbookFile: "a.rb.yaml",
      runbookText: "",
      runbookName: "a",
      params: {},
      secretParams: {},
      env: {},
      secretEnv: {},
      planHash: "h",
      storeUrl: "postgres://x/y",
      approve: [],
      approveAll: false,
      snapshotsDir: "/s",
      user: "me",
      rights: new Map(),
      backoffLimit: 6,
      gracePeriodSeconds: 120,
    }) as unknown as {
      spec: {
        template: { spec: { containers: { args: string[]; securityContext: { runAsNonRoot: boolean } }[] } };
      };
    };
    const container = job.spec.template.spec.containers[0];
    expect(container?.securityContext.runAsNonRoot).toBe(true);
    // No command: the image's entrypoint (rbx) gets the args.
    expect(container?.args).toEqual(["submit", "--in-pod"]);
  });

  it("installs rbx from its npm pack and the tools the built-in actions drive, checked against their sha256", () => {
    expect(text).toMatch(/npm pack --pack-destination/);
    expect(runtimeStage).toMatch(/npm install --global .*rbx-runbooks-\*\.tgz/);
    for (const tool of ["helm", "kubectl"])
      expect(runtimeStage).toMatch(new RegExp(`install -m 0755 \\S*${tool}"? /usr/local/bin/${tool}`));
    expect(runtimeStage.match(/sha256sum -c -/g)).toHaveLength(2);
    expect(runtimeStage).toMatch(/postgresql-client-\$\{PG_MAJOR\}/);
  });
});
