// Strategic merge patch directives, JSON merge patch and JSON patch.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lab/kube/errors.js";
import { jsonPatch, mergePatch } from "../../../lab/kube/patch-json.js";
import { diffForApply, strategicMergePatch } from "../../../lab/kube/patch-strategic.js";

const pod = () => ({
  metadata: { labels: { a: "1", b: "2" }, finalizers: ["x"] },
  spec: {
    containers: [
      {
        name: "app",
        image: "app:1",
        env: [
          { name: "A", value: "1" },
          { name: "B", value: "2" },
        ],
        ports: [{ containerPort: 80, name: "http" }],
      },
      { name: "side", image: "side:1" },
    ],
    volumes: [{ name: "v1", emptyDir: {} }],
  },
});

describe("strategic merge patch", () => {
  it("merges containers and env by name and ports by containerPort", () => {
    const out = strategicMergePatch(pod(), {
      spec: {
        containers: [
          {
            name: "app",
            image: "app:2",
            env: [
              { name: "B", value: "3" },
              { name: "C", value: "4" },
            ],
            ports: [{ containerPort: 80, protocol: "TCP" }],
          },
        ],
      },
    });
    const app = (
      out.spec as { containers: { name: string; image: string; env: unknown[]; ports: unknown[] }[] }
    ).containers[0];
    expect(app?.image).toBe("app:2");
    expect(app?.env).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "3" },
      { name: "C", value: "4" },
    ]);
    expect(app?.ports).toEqual([{ containerPort: 80, name: "http", protocol: "TCP" }]);
    expect((out.spec as { containers: unknown[] }).containers).toHaveLength(2);
  });

  it("deletes keys with null and list items with $patch: delete", () => {
    const out = strategicMergePatch(pod(), {
      metadata: { labels: { a: null } },
      spec: { containers: [{ name: "side", $patch: "delete" }] },
    });
    expect(out.metadata).toEqual({ labels: { b: "2" }, finalizers: ["x"] });
    expect((out.spec as { containers: { name: string }[] }).containers.map((c) => c.name)).toEqual(["app"]);
  });

  it("replaces a map or a list with $patch: replace", () => {
    const m = strategicMergePatch(pod(), { metadata: { labels: { $patch: "replace", c: "3" } } });
    expect((m.metadata as { labels: unknown }).labels).toEqual({ c: "3" });
    const l = strategicMergePatch(pod(), {
      spec: { volumes: [{ $patch: "replace" }, { name: "v2", emptyDir: {} }] },
    });
    expect((l.spec as { volumes: unknown }).volumes).toEqual([{ name: "v2", emptyDir: {} }]);
    const gone = strategicMergePatch(pod(), { spec: { $patch: "delete" } });
    expect(gone.spec).toBeUndefined();
  });

  it("orders lists by $setElementOrder", () => {
    const out = strategicMergePatch(pod(), {
      spec: {
        "$setElementOrder/containers": [{ name: "side" }, { name: "app" }],
        containers: [{ name: "side", image: "side:2" }],
      },
    });
    const cs = (out.spec as { containers: { name: string; image: string }[] }).containers;
    expect(cs.map((c) => `${c.name}=${c.image}`)).toEqual(["side=side:2", "app=app:1"]);
  });

  it("drops keys outside $retainKeys (strategy type switch)", () => {
    const dep = { spec: { strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%" } } } };
    const out = strategicMergePatch(dep, { spec: { strategy: { $retainKeys: ["type"], type: "Recreate" } } });
    expect(out).toEqual({ spec: { strategy: { type: "Recreate" } } });
  });

  it("unions primitive merge lists and honours $deleteFromPrimitiveList", () => {
    const out = strategicMergePatch(pod(), { metadata: { finalizers: ["y"] } });
    expect((out.metadata as { finalizers: string[] }).finalizers).toEqual(["x", "y"]);
    const del = strategicMergePatch(out, { metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] } });
    expect((del.metadata as { finalizers: string[] }).finalizers).toEqual(["y"]);
  });

  it("replaces lists without a merge key (args)", () => {
    const out = strategicMergePatch({ args: ["a", "b"] }, { args: ["c"] });
    expect(out).toEqual({ args: ["c"] });
  });

  it("builds apply diffs that remove what a manager stopped applying", () => {
    const prev = { data: { a: "1", b: "2" }, spec: { containers: [{ name: "x" }, { name: "y" }] } };
    const next = { data: { a: "1" }, spec: { containers: [{ name: "y" }] } };
    const patch = diffForApply(prev, next);
    const live = {
      data: { a: "1", b: "2", c: "other-manager" },
      spec: { containers: [{ name: "x" }, { name: "y", image: "i" }] },
    };
    expect(strategicMergePatch(live, patch)).toEqual({
      data: { a: "1", c: "other-manager" },
      spec: { containers: [{ name: "y", image: "i" }] },
    });
  });
});

describe("JSON merge patch and JSON patch", () => {
  it("merge patch follows RFC 7386", () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2] }, { a: { b: null, d: 3 }, l: [3] })).toEqual({
      a: { c: 2, d: 3 },
      l: [3],
    });
  });

  it("json patch applies add, replace, remove, move, copy and test", () => {
    const doc = { spec: { template: { metadata: { labels: { a: "1" } } }, list: [1, 2] } };
    const out = jsonPatch(doc, [
      { op: "replace", path: "/spec/template/metadata/labels/a", value: "2" },
      { op: "add", path: "/spec/list/-", value: 3 },
      { op: "add", path: "/spec/list/0", value: 0 },
      { op: "remove", path: "/spec/list/1" },
      { op: "copy", from: "/spec/template/metadata/labels/a", path: "/spec/copied" },
      { op: "move", from: "/spec/copied", path: "/spec/moved" },
      { op: "test", path: "/spec/moved", value: "2" },
      { op: "add", path: "/metadata~1x", value: true },
    ]);
    expect(out).toEqual({
      spec: { template: { metadata: { labels: { a: "2" } } }, list: [0, 2, 3], moved: "2" },
      "metadata/x": true,
    });
    expect(doc.spec.list).toEqual([1, 2]);
  });

  it("json patch fails a test op or a missing path with 422", () => {
    expect(() => jsonPatch({ a: 1 }, [{ op: "test", path: "/a", value: 2 }])).toThrow(ApiError);
    expect(() => jsonPatch({ a: 1 }, [{ op: "replace", path: "/b/c", value: 2 }])).toThrow(/does not exist/);
  });
});
