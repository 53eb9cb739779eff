// The stand-in's HTTP protocol, spoken directly: discovery, OpenAPI, Status errors, subresources, watch replay.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type KubeStandIn, startKubeStandIn } from "../../../lab/kube/server.js";
import { eventually, KRYTON } from "./helpers.js";

let s: KubeStandIn;

beforeAll(async () => {
  s = await startKubeStandIn({ customResources: [KRYTON], namespaces: ["r1"] });
});

afterAll(async () => {
  await s?.stop();
});

async function call(method: string, path: string, body?: unknown, contentType = "application/json") {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body:
      body === undefined
        ? undefined
        : typeof body === "string" || body instanceof Uint8Array
          ? body
          : JSON.stringify(body),
  });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get("content-type"),
    body: text.startsWith("{") ? JSON.parse(text) : text,
  };
}

const cm = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...extra },
  data: { a: "1" },
});

describe("discovery and OpenAPI", () => {
  it("serves /version, /api, /apis and resource lists with verbs, shortNames and subresources", async () => {
    expect((await call("GET", "/version")).body).toMatchObject({
      major: "1",
      minor: "33",
      gitVersion: "v1.33.0",
    });
    expect((await call("GET", "/api")).body).toMatchObject({ kind: "APIVersions", versions: ["v1"] });
    const groups = (await call("GET", "/apis")).body.groups.map((g: { name: string }) => g.name);
    expect(groups).toEqual([
      "apps",
      "batch",
      "coordination.k8s.io",
      "rbac.authorization.k8s.io",
      "kryton.io",
    ]);
    const apps = (await call("GET", "/apis/apps/v1")).body.resources as {
      name: string;
      verbs: string[];
      shortNames?: string[];
      kind: string;
    }[];
    expect(apps.map((r) => r.name)).toEqual([
      "deployments",
      "deployments/status",
      "deployments/scale",
      "replicasets",
      "replicasets/status",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/status",
      "statefulsets/scale",
      "daemonsets",
      "daemonsets/status",
      "controllerrevisions",
    ]);
    expect(apps[0]).toMatchObject({ kind: "Deployment", shortNames: ["deploy"] });
    expect(apps[6]).toMatchObject({ kind: "StatefulSet", shortNames: ["sts"], categories: ["all"] });
    expect(apps[9]).toMatchObject({ kind: "DaemonSet", shortNames: ["ds"], categories: ["all"] });
    expect(apps[0]?.verbs).toContain("watch");
    expect(apps[2]).toMatchObject({ kind: "Scale" });
    const core = (await call("GET", "/api/v1")).body.resources as {
      name: string;
      kind: string;
      namespaced: boolean;
    }[];
    expect(core.map((r) => r.name)).toContain("pods/log");
    expect(core.find((r) => r.name === "nodes")).toMatchObject({ kind: "Node", namespaced: false });
    expect((await call("GET", "/apis/kryton.io/v1")).body.resources[0]).toMatchObject({
      name: "krytons",
      kind: "Kryton",
      shortNames: ["kr"],
    });
    expect((await call("GET", "/apis/nope/v1")).status).toBe(404);
  });

  it("serves OpenAPI v3 stubs with x-kubernetes-group-version-kind", async () => {
    const root = (await call("GET", "/openapi/v3")).body;
    const url: string = root.paths["apis/apps/v1"].serverRelativeURL;
    expect(url).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=/);
    const doc = (await call("GET", url)).body;
    const op = doc.paths["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"].patch;
    expect(op["x-kubernetes-group-version-kind"]).toEqual({
      group: "apps",
      version: "v1",
      kind: "Deployment",
    });
    expect(op.parameters.map((p: { name: string }) => p.name)).toContain("fieldValidation");
  });
});

describe("CRUD semantics and Status errors", () => {
  it("answers 201, 404, 409, 415, 422 and 400 like the API server", async () => {
    expect((await call("POST", "/api/v1/namespaces/r1/configmaps", cm("c1"))).status).toBe(201);
    const dup = await call("POST", "/api/v1/namespaces/r1/configmaps", cm("c1"));
    expect(dup.body).toMatchObject({ kind: "Status", code: 409, reason: "AlreadyExists" });
    const missing = await call("GET", "/api/v1/namespaces/r1/configmaps/zz");
    expect(missing.body).toMatchObject({
      code: 404,
      reason: "NotFound",
      message: 'configmaps "zz" not found',
    });
    const noNs = await call("POST", "/api/v1/namespaces/ghost/configmaps", cm("c2"));
    expect(noNs.body).toMatchObject({ code: 404, message: 'namespaces "ghost" not found' });
    const badName = await call("POST", "/api/v1/namespaces/r1/configmaps", cm("Bad_Name"));
    expect(badName.body).toMatchObject({ code: 422, reason: "Invalid" });
    const noSelector = await call("POST", "/apis/apps/v1/namespaces/r1/deployments", {
      metadata: { name: "d" },
      spec: { template: { spec: { containers: [{ name: "a", image: "i" }] } } },
    });
    expect(noSelector.body).toMatchObject({ code: 422, message: expect.stringContaining("spec.selector") });
    const media = await call("PATCH", "/api/v1/namespaces/r1/configmaps/c1", "x", "text/plain");
    expect(media.body).toMatchObject({ code: 415, reason: "UnsupportedMediaType" });
    const stale = await call(
      "PUT",
      "/api/v1/namespaces/r1/configmaps/c1",
      cm("c1", { resourceVersion: "1" }),
    );
    expect(stale.body).toMatchObject({ code: 409, reason: "Conflict" });
    const wrongNs = await call("POST", "/api/v1/namespaces/r1/configmaps", cm("c3", { namespace: "other" }));
    expect(wrongNs.status).toBe(400);
  });

  it("honours dryRun=All, generateName and deletecollection with selectors", async () => {
    const dry = await call("POST", "/api/v1/namespaces/r1/configmaps?dryRun=All", cm("dry"));
    expect(dry.status).toBe(201);
    expect((await call("GET", "/api/v1/namespaces/r1/configmaps/dry")).status).toBe(404);
    const gen = await call("POST", "/api/v1/namespaces/r1/configmaps", {
      metadata: { generateName: "g-", labels: { sweep: "y" } },
    });
    expect(gen.body.metadata.name).toMatch(/^g-[a-z0-9]{5}$/);
    await call("POST", "/api/v1/namespaces/r1/configmaps", cm("keep", { labels: { sweep: "n" } }));
    await call("DELETE", "/api/v1/namespaces/r1/configmaps?labelSelector=sweep%3Dy");
    const left = (await call("GET", "/api/v1/namespaces/r1/configmaps?labelSelector=sweep")).body.items.map(
      (i: { metadata: { name: string } }) => i.metadata.name,
    );
    expect(left).toEqual(["keep"]);
  });

  it("bumps generation only on spec changes and keeps status out of main-resource writes", async () => {
    const dep = {
      metadata: { name: "gen" },
      spec: {
        selector: { matchLabels: { app: "gen" } },
        template: {
          metadata: { labels: { app: "gen" } },
          spec: { containers: [{ name: "a", image: "i:1" }] },
        },
      },
    };
    const created = (await call("POST", "/apis/apps/v1/namespaces/r1/deployments", dep)).body;
    expect(created.metadata.generation).toBe(1);
    const labelled = await call(
      "PATCH",
      "/apis/apps/v1/namespaces/r1/deployments/gen",
      { metadata: { labels: { x: "y" } }, status: { replicas: 99 } },
      "application/merge-patch+json",
    );
    expect(labelled.body.metadata.generation).toBe(1);
    expect(labelled.body.status?.replicas).not.toBe(99);
    const scaled = await call(
      "PATCH",
      "/apis/apps/v1/namespaces/r1/deployments/gen/scale",
      { spec: { replicas: 3 } },
      "application/merge-patch+json",
    );
    expect(scaled.body).toMatchObject({
      kind: "Scale",
      spec: { replicas: 3 },
      status: { selector: "app=gen" },
    });
    const after = (await call("GET", "/apis/apps/v1/namespaces/r1/deployments/gen")).body;
    expect(after.metadata.generation).toBe(2);
    const ready = await eventually(async () => {
      const d = (await call("GET", "/apis/apps/v1/namespaces/r1/deployments/gen")).body;
      return d.status?.availableReplicas === 3 ? d : undefined;
    });
    expect(ready.status.observedGeneration).toBe(2);
  });

  it("accepts a protobuf Secret and deletes with protobuf DeleteOptions", async () => {
    const enc = (no: number, b: number[]) => [(no << 3) | 2, b.length, ...b];
    const s2 = (no: number, t: string) => enc(no, [...Buffer.from(t)]);
    const secret = [...enc(1, s2(1, "pb")), ...enc(2, [...s2(1, "k"), ...s2(2, "v")]), ...s2(3, "Opaque")];
    const body = new Uint8Array([
      0x6b,
      0x38,
      0x73,
      0,
      ...enc(1, [...s2(1, "v1"), ...s2(2, "Secret")]),
      ...enc(2, secret),
    ]);
    const created = await call(
      "POST",
      "/api/v1/namespaces/r1/secrets",
      body,
      "application/vnd.kubernetes.protobuf",
    );
    expect(created.status).toBe(201);
    expect(created.body.data).toEqual({ k: Buffer.from("v").toString("base64") });
    const opts = new Uint8Array([
      0x6b,
      0x38,
      0x73,
      0,
      ...enc(1, [...s2(1, "v1"), ...s2(2, "DeleteOptions")]),
      ...enc(2, s2(4, "Background")),
    ]);
    expect(
      (await call("DELETE", "/api/v1/namespaces/r1/secrets/pb", opts, "application/vnd.kubernetes.protobuf"))
        .status,
    ).toBe(200);
    expect((await call("GET", "/api/v1/namespaces/r1/secrets/pb")).status).toBe(404);
  });
});

describe("watch", () => {
  it("replays from a resourceVersion, ends at timeoutSeconds and answers 422 for watch-list", async () => {
    const rv = (await call("GET", "/api/v1/namespaces/r1/configmaps")).body.metadata
      .resourceVersion as string;
    await call("POST", "/api/v1/namespaces/r1/configmaps", cm("w1"));
    await call("DELETE", "/api/v1/namespaces/r1/configmaps/w1");
    const ctl = new AbortController();
    const res = await fetch(
      `${s.url}/api/v1/namespaces/r1/configmaps?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw1`,
      { signal: ctl.signal },
    );
    const reader = res.body!.getReader();
    let text = "";
    for (let i = 0; i < 50 && text.split("\n").length < 3; i++)
      text += new TextDecoder().decode((await reader.read()).value);
    ctl.abort();
    const events = text
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string } } });
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(["ADDED w1", "DELETED w1"]);
    const timed = await fetch(
      `${s.url}/api/v1/namespaces/r1/configmaps?watch=1&resourceVersion=${rv}&timeoutSeconds=1`,
    );
    expect((await timed.text()).trim().split("\n")).toHaveLength(2);
    const list = await call(
      "GET",
      "/api/v1/namespaces/r1/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan",
    );
    expect(list.status).toBe(422);
  });

  it("answers a watch from a resourceVersion older than the event log with 410 Expired", async () => {
    const small = await startKubeStandIn({ eventLogLimit: 3 });
    try {
      const post = (name: string) =>
        fetch(`${small.url}/api/v1/namespaces/default/configmaps`, {
          method: "POST",
          body: JSON.stringify(cm(name)),
          headers: { "Content-Type": "application/json" },
        });
      for (const n of ["a", "b", "c", "d", "e"]) await post(n);
      const res = await fetch(
        `${small.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=2`,
      );
      const event = JSON.parse((await res.text()).trim()) as {
        type: string;
        object: { code: number; reason: string };
      };
      expect(event).toMatchObject({ type: "ERROR", object: { code: 410, reason: "Expired" } });
    } finally {
      await small.stop();
    }
  });

  it("deletes a namespace with its contents and collects owned objects", async () => {
    await call("POST", "/api/v1/namespaces", { metadata: { name: "doomed" } });
    const owner = (await call("POST", "/api/v1/namespaces/doomed/configmaps", cm("owner"))).body;
    await call("POST", "/api/v1/namespaces/doomed/secrets", {
      metadata: {
        name: "owned",
        ownerReferences: [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid: owner.metadata.uid }],
      },
    });
    await call("DELETE", "/api/v1/namespaces/doomed/configmaps/owner");
    expect((await call("GET", "/api/v1/namespaces/doomed/secrets/owned")).status).toBe(404);
    await call("POST", "/api/v1/namespaces/doomed/configmaps", cm("left"));
    await call("DELETE", "/api/v1/namespaces/doomed");
    expect(
      (await call("GET", "/api/v1/configmaps")).body.items.some(
        (i: { metadata: { namespace: string } }) => i.metadata.namespace === "doomed",
      ),
    ).toBe(false);
  });
});
