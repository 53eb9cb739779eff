// Decodes Kubernetes protobuf request bodies (helm writes release Secrets this way): Secret, ConfigMap, DeleteOptions.
import { badRequest, unsupportedMedia } from "./errors.js";
import type { JsonMap } from "./types.js";

/** Field numbers below follow kubernetes' generated.proto files (core/v1, meta/v1, runtime). */
const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

interface Field {
  no: number;
  wire: number;
  /** varint value (wire 0) */
  num?: bigint;
  /** length-delimited payload (wire 2) */
  bytes?: Uint8Array;
}

/** Split a protobuf message into its fields (varint, fixed and length-delimited). */
export function readFields(buf: Uint8Array): Field[] {
  const out: Field[] = [];
  let i = 0;
  const varint = (): bigint => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (i >= buf.length) throw badRequest("truncated protobuf varint");
      const b = buf[i++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  };
  while (i < buf.length) {
    const tag = Number(varint());
    const no = tag >>> 3;
    const wire = tag & 7;
    if (wire === 0) out.push({ no, wire, num: varint() });
    else if (wire === 2) {
      const len = Number(varint());
      if (i + len > buf.length) throw badRequest("truncated protobuf field");
      out.push({ no, wire, bytes: buf.subarray(i, i + len) });
      i += len;
    } else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else throw badRequest(`unsupported protobuf wire type ${wire}`);
  }
  return out;
}

const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b ?? new Uint8Array());

// map<string, X> entries are messages with key = 1 and value = 2.
function mapEntry(b: Uint8Array | undefined): [string, Uint8Array] {
  const fs = readFields(b ?? new Uint8Array());
  return [text(fs.find((f) => f.no === 1)?.bytes), fs.find((f) => f.no === 2)?.bytes ?? new Uint8Array()];
}

function decodeTime(b: Uint8Array | undefined): string {
  const secs = readFields(b ?? new Uint8Array()).find((f) => f.no === 1)?.num ?? 0n;
  return `${new Date(Number(secs) * 1000).toISOString().slice(0, 19)}Z`;
}

function decodeOwnerRef(b: Uint8Array | undefined): JsonMap {
  const o: JsonMap = {};
  for (const f of readFields(b ?? new Uint8Array())) {
    if (f.no === 1) o.kind = text(f.bytes);
    else if (f.no === 3) o.name = text(f.bytes);
    else if (f.no === 4) o.uid = text(f.bytes);
    else if (f.no === 5) o.apiVersion = text(f.bytes);
    else if (f.no === 6) o.controller = f.num === 1n;
    else if (f.no === 7) o.blockOwnerDeletion = f.num === 1n;
  }
  return o;
}

/** ObjectMeta (apimachinery meta/v1). */
export function decodeObjectMeta(b: Uint8Array | undefined): JsonMap {
  const m: JsonMap = {};
  const labels: Record<string, string> = {};
  const annotations: Record<string, string> = {};
  const owners: JsonMap[] = [];
  const finalizers: string[] = [];
  const strings: Record<number, string> = {
    1: "name",
    2: "generateName",
    3: "namespace",
    5: "uid",
    6: "resourceVersion",
  };
  for (const f of readFields(b ?? new Uint8Array())) {
    const s = strings[f.no];
    if (s) m[s] = text(f.bytes);
    else if (f.no === 7) m.generation = Number(f.num);
    else if (f.no === 8) m.creationTimestamp = decodeTime(f.bytes);
    else if (f.no === 11) {
      const [k, v] = mapEntry(f.bytes);
      labels[k] = text(v);
    } else if (f.no === 12) {
      const [k, v] = mapEntry(f.bytes);
      annotations[k] = text(v);
    } else if (f.no === 13) owners.push(decodeOwnerRef(f.bytes));
    else if (f.no === 14) finalizers.push(text(f.bytes));
  }
  if (Object.keys(labels).length) m.labels = labels;
  if (Object.keys(annotations).length) m.annotations = annotations;
  if (owners.length) m.ownerReferences = owners;
  if (finalizers.length) m.finalizers = finalizers;
  return m;
}

/** Secret (core/v1): data values become base64 strings as in JSON. */
export function decodeSecret(b: Uint8Array): JsonMap {
  const o: JsonMap = { apiVersion: "v1", kind: "Secret" };
  const data: Record<string, string> = {};
  const stringData: Record<string, string> = {};
  for (const f of readFields(b)) {
    if (f.no === 1) o.metadata = decodeObjectMeta(f.bytes);
    else if (f.no === 2) {
      const [k, v] = mapEntry(f.bytes);
      data[k] = Buffer.from(v).toString("base64");
    } else if (f.no === 3) o.type = text(f.bytes);
    else if (f.no === 4) {
      const [k, v] = mapEntry(f.bytes);
      stringData[k] = text(v);
    } else if (f.no === 5) o.immutable = f.num === 1n;
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(stringData).length) o.stringData = stringData;
  return o;
}

/** ConfigMap (core/v1). */
export function decodeConfigMap(b: Uint8Array): JsonMap {
  const o: JsonMap = { apiVersion: "v1", kind: "ConfigMap" };
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  for (const f of readFields(b)) {
    if (f.no === 1) o.metadata = decodeObjectMeta(f.bytes);
    else if (f.no === 2) {
      const [k, v] = mapEntry(f.bytes);
      data[k] = text(v);
    } else if (f.no === 3) {
      const [k, v] = mapEntry(f.bytes);
      binaryData[k] = Buffer.from(v).toString("base64");
    } else if (f.no === 4) o.immutable = f.num === 1n;
  }
  if (Object.keys(data).length) o.data = data;
  if (Object.keys(binaryData).length) o.binaryData = binaryData;
  return o;
}

/** DeleteOptions (meta/v1). */
export function decodeDeleteOptions(b: Uint8Array): JsonMap {
  const o: JsonMap = { apiVersion: "v1", kind: "DeleteOptions" };
  const dryRun: string[] = [];
  for (const f of readFields(b)) {
    if (f.no === 1) o.gracePeriodSeconds = Number(f.num);
    else if (f.no === 2) {
      const pre: JsonMap = {};
      for (const p of readFields(f.bytes ?? new Uint8Array())) {
        if (p.no === 1) pre.uid = text(p.bytes);
        else if (p.no === 2) pre.resourceVersion = text(p.bytes);
      }
      o.preconditions = pre;
    } else if (f.no === 3) o.orphanDependents = f.num === 1n;
    else if (f.no === 4) o.propagationPolicy = text(f.bytes);
    else if (f.no === 5) dryRun.push(text(f.bytes));
  }
  if (dryRun.length) o.dryRun = dryRun;
  return o;
}

/** Namespace and ServiceAccount (core/v1): only their metadata matters here (`kubectl create ns|sa`). */
function metadataOnly(kind: string): (b: Uint8Array) => JsonMap {
  return (b) => {
    const o: JsonMap = { apiVersion: "v1", kind };
    for (const f of readFields(b)) if (f.no === 1) o.metadata = decodeObjectMeta(f.bytes);
    return o;
  };
}

const DECODERS: Record<string, (b: Uint8Array) => JsonMap> = {
  Namespace: metadataOnly("Namespace"),
  ServiceAccount: metadataOnly("ServiceAccount"),
  Secret: decodeSecret,
  ConfigMap: decodeConfigMap,
  DeleteOptions: decodeDeleteOptions,
};

/** Decode a `k8s\0` envelope (runtime.Unknown) into the JSON form of its object. */
export function decodeEnvelope(body: Uint8Array): JsonMap {
  if (body.length < 4 || MAGIC.some((m, i) => body[i] !== m))
    throw badRequest("protobuf body lacks the k8s envelope");
  let apiVersion = "";
  let kind = "";
  let raw: Uint8Array = new Uint8Array();
  for (const f of readFields(body.subarray(4))) {
    if (f.no === 1) {
      for (const t of readFields(f.bytes ?? new Uint8Array())) {
        if (t.no === 1) apiVersion = text(t.bytes);
        else if (t.no === 2) kind = text(t.bytes);
      }
    } else if (f.no === 2) raw = f.bytes ?? new Uint8Array();
  }
  const decode = DECODERS[kind];
  if (!decode) throw unsupportedMedia(`application/vnd.kubernetes.protobuf (${apiVersion} ${kind})`);
  const out = decode(raw);
  if (apiVersion) out.apiVersion = apiVersion;
  return out;
}
