// @ts-check
// Deploy markers as rbx actions: record that a product moved to a version, find the latest one, retract one on
// rollback. Each is typed (T), planned (the request it would send) and, for the writes, probed after a crash.
import { defineAction, T } from "rbx-runbooks";
import { call, markerService, toMarker } from "./src/client.js";

/** The output type of a marker, as runbooks read it: `steps.mark.output.id`, `output.version`. */
const markerType = T.object("acme.marker", {
  id: T.string,
  product: T.string,
  version: T.string,
  previous: T.string,
  note: T.string,
  key: T.string,
  createdAt: T.string,
  retracted: T.bool,
});

const connection = { type: "string", minLength: 1, description: "The http connection of the marker service" };

/** The key that makes a step's write idempotent: posting it twice returns the first marker. */
const keyOf = (/** @type {{ runId: string, stepId: string }} */ ctx) => `${ctx.runId}/${ctx.stepId}`;

/**
 * @typedef {{ connection: string, product: string, version: string, previous?: string, note?: string }} RecordArgs
 * @typedef {{ connection: string, product: string }} FindArgs
 * @typedef {{ connection: string, id: string }} RetractArgs
 * @typedef {import("./src/client.js").Marker} Marker
 */

/** @type {import("rbx-runbooks").ActionDefinition<RecordArgs, Marker>} */
export const record = defineAction({
  name: "acme.marker.record",
  effect: "write",
  summary: "Record a deploy marker: product moved to version (idempotent per run step)",
  connectionKinds: ["http"],
  input: {
    type: "object",
    required: ["connection", "product", "version"],
    additionalProperties: false,
    properties: {
      connection,
      product: { type: "string", minLength: 1, description: "The product that moved, e.g. kryton" },
      version: { type: "string", minLength: 1, description: "The version it moved to" },
      previous: { type: "string", description: "The version it moved from" },
      note: { type: "string", description: "Free text shown with the marker" },
    },
  },
  output: markerType,
  plan: (args, ctx) => {
    const { baseUrl } = markerService(ctx.connections, args.connection);
    const from = args.previous ? ` from ${args.previous}` : "";
    return [{ kind: "http", text: `POST ${baseUrl}/api/markers ${args.product} ${args.version}${from}` }];
  },
  run: async (ctx, args) => {
    const service = markerService(ctx.connections, args.connection);
    const body = { product: args.product, version: args.version, key: keyOf(ctx) };
    if (args.previous) Object.assign(body, { previous: args.previous });
    if (args.note) Object.assign(body, { note: args.note });
    const marker = toMarker(await call(service, "POST", "/api/markers", ctx.signal, body));
    ctx.log.info(`marker ${marker.id}: ${marker.product} ${marker.version}`);
    return marker;
  },
  // After a crash mid-write: the service keeps the step's key, so a marker under it means the write happened.
  probe: async (ctx, args) => {
    const service = markerService(ctx.connections, args.connection);
    const query = `?product=${encodeURIComponent(args.product)}&key=${encodeURIComponent(keyOf(ctx))}`;
    const { markers } = await call(service, "GET", `/api/markers${query}`, ctx.signal);
    const found = Array.isArray(markers) ? markers[0] : undefined;
    return found ? { state: "done", output: toMarker(found) } : { state: "not-done" };
  },
});

/** @type {import("rbx-runbooks").ActionDefinition<FindArgs, { found: boolean, marker: Marker }>} */
export const find = defineAction({
  name: "acme.marker.find",
  effect: "read",
  summary: "The latest marker of a product that was not retracted",
  connectionKinds: ["http"],
  input: {
    type: "object",
    required: ["connection", "product"],
    additionalProperties: false,
    properties: { connection, product: { type: "string", minLength: 1 } },
  },
  output: T.object("acme.marker.found", { found: T.bool, marker: markerType }),
  plan: (args, ctx) => [
    { kind: "http", text: `GET ${markerService(ctx.connections, args.connection).baseUrl}/api/markers?product=${args.product}` },
  ],
  run: async (ctx, args) => {
    const service = markerService(ctx.connections, args.connection);
    const { markers } = await call(service, "GET", `/api/markers?product=${encodeURIComponent(args.product)}`, ctx.signal);
    const live = (Array.isArray(markers) ? markers : []).map(toMarker).find((m) => !m.retracted);
    const none = { id: "", product: args.product, version: "", previous: "", note: "", key: "", createdAt: "", retracted: false };
    return { found: live !== undefined, marker: live ?? none };
  },
});

/** @type {import("rbx-runbooks").ActionDefinition<RetractArgs, Marker>} */
export const retract = defineAction({
  name: "acme.marker.retract",
  effect: "write",
  summary: "Retract a deploy marker (the move it records was rolled back)",
  connectionKinds: ["http"],
  input: {
    type: "object",
    required: ["connection", "id"],
    additionalProperties: false,
    properties: { connection, id: { type: "string", pattern: "^m-[0-9]+$", description: "The marker's id, e.g. m-3" } },
  },
  output: markerType,
  plan: (args, ctx) => [
    { kind: "http", text: `POST ${markerService(ctx.connections, args.connection).baseUrl}/api/markers/${args.id}/retract` },
  ],
  run: async (ctx, args) => {
    const service = markerService(ctx.connections, args.connection);
    return toMarker(await call(service, "POST", `/api/markers/${encodeURIComponent(args.id)}/retract`, ctx.signal));
  },
  probe: async (ctx, args) => {
    const service = markerService(ctx.connections, args.connection);
    const marker = toMarker(await call(service, "GET", `/api/markers/${encodeURIComponent(args.id)}`, ctx.signal));
    return marker.retracted ? { state: "done", output: marker } : { state: "not-done" };
  },
});
