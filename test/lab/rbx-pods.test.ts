// The lab runs rbx's own image as the local rbx: `rbx:<this version>` runs bin/rbx.js with the container's
// arguments, another tag fails to pull, another command does not exist in the image, other images go on as before.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeStandIn, startKubeStandIn } from "../../lab/kube/server.js";
import { simulatedRuntime } from "../../lab/kube/sim-runtime.js";
import type { KObject } from "../../lab/kube/types.js";
import { rbxImage, rbxPodRuntime } from "../../lab/rbx-pods.js";
import { rbxPackage } from "../../src/package-root.js";
import { eventually } from "./kube/helpers.js";

const version = rbxPackage().version;
let dir: string;
let api: KubeStandIn;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "rbx-pods-"));
  api = await startKubeStandIn({
    runtime: rbxPodRuntime({
      dir,
      kubeconfig: join(dir, "kubeconfig"),
      binDir: join(dir, "bin"),
      fallback: simulatedRuntime(),
    }),
    namespaces: ["p"],
  });
});
afterAll(async () => {
  await api?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const podType = () => api.objects.registry.byKind("", "Pod")!;
function pod(name: string, image: string, extra: Record<string, unknown> = {}): KObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name },
    spec: { restartPolicy: "Never", containers: [{ name: "rbx", image, ...extra }] },
  };
}
type Status = {
  phase?: string;
  containerStatuses?: { state: Record<string, { reason?: string; exitCode?: number }> }[];
};
const statusOf = (name: string) => api.store.get(podType(), "p", name)?.status as Status | undefined;

describe("rbx pods in the lab", () => {
  it("knows rbx's image by its last path segment and tag", () => {
    expect(rbxImage(`rbx:${version}`)).toEqual({ tag: version, known: true });
    expect(rbxImage(`registry.internal/team/rbx:${version}`)).toEqual({ tag: version, known: true });
    expect(rbxImage("rbx:0.0.0-nope")).toEqual({ tag: "0.0.0-nope", known: false });
    expect(rbxImage("registry.example/kryton:4.6.5")).toBeUndefined();
  });

  it("runs rbx:<version> as the built rbx with the container's arguments, logs served", async () => {
    api.objects.create(podType(), "p", pod("version", `rbx:${version}`, { args: ["--version"] }));
    await eventually(() => (statusOf("version")?.phase === "Succeeded" ? true : undefined), 30_000);
    expect(api.controllers.pods.logs("p", "version")).toBe(`${version}\n`);
  });

  it("fails to pull another tag, refuses a command the image does not have, and leaves other images alone", async () => {
    api.objects.create(podType(), "p", pod("old", "rbx:0.0.0-nope"));
    api.objects.create(podType(), "p", pod("shell", `rbx:${version}`, { command: ["sh", "-c", "true"] }));
    api.objects.create(podType(), "p", pod("other", "busybox:1"));
    await eventually(() =>
      statusOf("old")?.containerStatuses?.[0]?.state.waiting?.reason === "ErrImagePull" ? true : undefined,
    );
    await eventually(() => (statusOf("shell")?.phase === "Failed" ? true : undefined));
    expect(statusOf("shell")?.containerStatuses?.[0]?.state.terminated).toMatchObject({
      reason: "StartError",
      exitCode: 128,
    });
    await eventually(() => (statusOf("other")?.phase === "Succeeded" ? true : undefined));
  });
});
