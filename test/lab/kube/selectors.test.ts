// Label and field selector parsing and matching.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lab/kube/errors.js";
import {
  fromLabelSelector,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorString,
} from "../../../lab/kube/selectors.js";
import type { KObject } from "../../../lab/kube/types.js";

const labels = { app: "web", tier: "front", "app.kubernetes.io/name": "demo" };
const match = (sel: string) => matchesLabels(parseLabelSelector(sel), labels);

describe("label selectors", () => {
  it("parses every operator", () => {
    expect(parseLabelSelector("a=b, c==d,e!=f,g in (x, y),h notin (z),i,!j")).toEqual([
      { key: "a", op: "=", values: ["b"] },
      { key: "c", op: "=", values: ["d"] },
      { key: "e", op: "!=", values: ["f"] },
      { key: "g", op: "in", values: ["x", "y"] },
      { key: "h", op: "notin", values: ["z"] },
      { key: "i", op: "exists", values: [] },
      { key: "j", op: "!", values: [] },
    ]);
    expect(parseLabelSelector("")).toEqual([]);
  });

  it("matches like the API server", () => {
    expect(match("app=web")).toBe(true);
    expect(match("app==web,tier=front")).toBe(true);
    expect(match("app=db")).toBe(false);
    expect(match("app!=db")).toBe(true);
    expect(match("missing!=x")).toBe(true);
    expect(match("tier in (front,back)")).toBe(true);
    expect(match("tier in (back)")).toBe(false);
    expect(match("tier notin (back)")).toBe(true);
    expect(match("missing notin (back)")).toBe(true);
    expect(match("app.kubernetes.io/name")).toBe(true);
    expect(match("!app")).toBe(false);
    expect(match("!missing")).toBe(true);
  });

  it("rejects broken syntax with a 400", () => {
    expect(() => parseLabelSelector("a in (x")).toThrow(ApiError);
    expect(() => parseLabelSelector("a=b c")).toThrow(/invalid label selector/);
  });

  it("converts LabelSelector objects", () => {
    const sel = {
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "tier", operator: "In", values: ["front"] },
        { key: "x", operator: "DoesNotExist" },
      ],
    };
    expect(matchesLabels(fromLabelSelector(sel), labels)).toBe(true);
    expect(matchesLabels(fromLabelSelector({ matchLabels: { app: "db" } }), labels)).toBe(false);
    expect(selectorString({ matchLabels: { app: "web", tier: "front" } })).toBe("app=web,tier=front");
  });
});

describe("field selectors", () => {
  const obj: KObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p1", namespace: "ns" },
    status: { phase: "Running" },
  };
  it("matches metadata.name, namespace and status fields", () => {
    expect(matchesFields(parseFieldSelector("metadata.name=p1"), obj)).toBe(true);
    expect(matchesFields(parseFieldSelector("metadata.name==p2"), obj)).toBe(false);
    expect(matchesFields(parseFieldSelector("metadata.name!=p2,metadata.namespace=ns"), obj)).toBe(true);
    expect(matchesFields(parseFieldSelector("status.phase=Running"), obj)).toBe(true);
    expect(parseFieldSelector("")).toEqual([]);
    expect(() => parseFieldSelector("nonsense")).toThrow(ApiError);
  });
});
