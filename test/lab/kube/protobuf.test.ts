// Decoding Kubernetes protobuf bodies: the k8s envelope, Secret, ConfigMap, ObjectMeta and DeleteOptions.
import { describe, expect, it } from "vitest";
import { ApiError } from "../../../lab/kube/errors.js";
import { decodeEnvelope, readFields } from "../../../lab/kube/protobuf.js";

// A minimal protobuf writer for the tests (field numbers from kubernetes generated.proto).
function varint(n: number | bigint): number[] {
  let v = BigInt(n);
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}
const bytes = (no: number, b: Uint8Array | number[]) => [...varint((no << 3) | 2), ...varint(b.length), ...b];
const str = (no: number, s: string) => bytes(no, [...Buffer.from(s)]);
const int = (no: number, n: number) => [...varint(no << 3), ...varint(n)];
const entry = (no: number, k: string, v: Uint8Array | number[]) => bytes(no, [...str(1, k), ...bytes(2, v)]);
function envelope(apiVersion: string, kind: string, raw: number[]): Uint8Array {
  return new Uint8Array([
    0x6b,
    0x38,
    0x73,
    0x00,
    ...bytes(1, [...str(1, apiVersion), ...str(2, kind)]),
    ...bytes(2, raw),
    ...str(3, ""),
    ...str(4, ""),
  ]);
}

const meta = [
  ...str(1, "sh.helm.release.v1.demo.v1"),
  ...str(3, "ns1"),
  ...int(7, 3),
  ...bytes(8, int(1, 1_700_000_000)),
  ...entry(11, "owner", [...Buffer.from("helm")]),
  ...entry(11, "status", [...Buffer.from("deployed")]),
  ...entry(12, "note", [...Buffer.from("x")]),
  ...bytes(13, [...str(1, "Job"), ...str(3, "j"), ...str(4, "uid-1"), ...str(5, "batch/v1"), ...int(6, 1)]),
  ...str(14, "fin"),
];

describe("protobuf decoding", () => {
  it("decodes a Secret in the k8s envelope, binary data as base64", () => {
    const payload = [0, 1, 2, 250, 255];
    const raw = [
      ...bytes(1, meta),
      ...entry(2, "release", payload),
      ...str(3, "helm.sh/release.v1"),
      ...entry(4, "plain", [...Buffer.from("text")]),
      ...int(5, 1),
    ];
    const out = decodeEnvelope(envelope("v1", "Secret", raw));
    expect(out).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: {
        name: "sh.helm.release.v1.demo.v1",
        namespace: "ns1",
        generation: 3,
        creationTimestamp: "2023-11-14T22:13:20Z",
        labels: { owner: "helm", status: "deployed" },
        annotations: { note: "x" },
        ownerReferences: [{ kind: "Job", name: "j", uid: "uid-1", apiVersion: "batch/v1", controller: true }],
        finalizers: ["fin"],
      },
      data: { release: Buffer.from(payload).toString("base64") },
      type: "helm.sh/release.v1",
      stringData: { plain: "text" },
      immutable: true,
    });
  });

  it("decodes a ConfigMap with data and binaryData", () => {
    const raw = [
      ...bytes(1, str(1, "cm")),
      ...entry(2, "k", [...Buffer.from("v")]),
      ...entry(3, "b", [9, 9]),
    ];
    expect(decodeEnvelope(envelope("v1", "ConfigMap", raw))).toEqual({
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm" },
      data: { k: "v" },
      binaryData: { b: Buffer.from([9, 9]).toString("base64") },
    });
  });

  it("decodes DeleteOptions with preconditions, propagation and dryRun", () => {
    const raw = [
      ...int(1, 0),
      ...bytes(2, [...str(1, "u1"), ...str(2, "42")]),
      ...str(4, "Background"),
      ...str(5, "All"),
    ];
    expect(decodeEnvelope(envelope("v1", "DeleteOptions", raw))).toEqual({
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      preconditions: { uid: "u1", resourceVersion: "42" },
      propagationPolicy: "Background",
      dryRun: ["All"],
    });
  });

  it("rejects bodies without the envelope, truncated data and unknown kinds", () => {
    expect(() => decodeEnvelope(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/envelope/);
    expect(() => readFields(new Uint8Array([0x0a, 0x05, 0x61]))).toThrow(ApiError);
    expect(() => decodeEnvelope(envelope("apps/v1", "Deployment", []))).toThrow(
      expect.objectContaining({ code: 415 }),
    );
  });
});
