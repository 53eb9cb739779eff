// @ts-check
// The marker service's HTTP API as the actions use it: base URL and headers from the step's http connection.
import { fail } from "rbx-runbooks";

/** @typedef {import("rbx-runbooks").ResolvedConnection} ResolvedConnection */

/**
 * The raw marker as the service returns it.
 * @typedef {{ id: string, product: string, version: string, previous?: string, note?: string, key: string,
 *   createdAt: string, retractedAt?: string }} RawMarker
 */

/**
 * A marker as the actions return it: every field present (CEL reads `output.previous` without `has()`).
 * @typedef {{ id: string, product: string, version: string, previous: string, note: string, key: string,
 *   createdAt: string, retracted: boolean }} Marker
 */

/**
 * The http connection a step names.
 * @param {ReadonlyMap<string, ResolvedConnection>} connections
 * @param {string} name
 * @returns {{ baseUrl: string, headers: Record<string, string> }}
 */
export function markerService(connections, name) {
  const conn = connections.get(name);
  if (!conn) throw fail.invalidInput(`no connection named "${name}"; declare it under connections: with kind: http`);
  if (conn.kind !== "http") throw fail.invalidInput(`connection "${name}" is ${conn.kind}; the marker service needs kind: http`);
  const baseUrl = conn.fields.baseUrl;
  if (typeof baseUrl !== "string" || baseUrl === "") throw fail.invalidInput(`connection "${name}" has no baseUrl`);
  /** @type {Record<string, string>} */
  const headers = {};
  const given = conn.fields.headers;
  if (given && typeof given === "object") {
    for (const [k, v] of Object.entries(given)) if (typeof v === "string") headers[k] = v;
  }
  return { baseUrl: baseUrl.replace(/\/+$/, ""), headers };
}

/**
 * @param {RawMarker} m
 * @returns {Marker}
 */
export function toMarker(m) {
  return {
    id: m.id,
    product: m.product,
    version: m.version,
    previous: m.previous ?? "",
    note: m.note ?? "",
    key: m.key,
    createdAt: m.createdAt,
    retracted: m.retractedAt !== undefined,
  };
}

/**
 * One request; every failure is a StepFailure that says whether trying again can help.
 * @param {{ baseUrl: string, headers: Record<string, string> }} service
 * @param {string} method
 * @param {string} path
 * @param {AbortSignal} signal
 * @param {unknown} [body]
 * @returns {Promise<any>}
 */
export async function call(service, method, path, signal, body) {
  const target = `${method} ${service.baseUrl}${path}`;
  /** @type {Response} */
  let res;
  try {
    res = await fetch(`${service.baseUrl}${path}`, {
      method,
      headers: { ...service.headers, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.any([signal, AbortSignal.timeout(15_000)]),
    });
  } catch (e) {
    throw fail.action(`${target} failed: ${e instanceof Error ? e.message : String(e)}`, e);
  }
  const text = await res.text();
  /** @type {any} */
  let json;
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    throw fail.action(`${target} answered ${res.status} with a body that is not JSON`);
  }
  if (res.ok) return json;
  const why = typeof json.error === "string" ? json.error : text.slice(0, 200);
  if (res.status === 401 || res.status === 403)
    throw fail.fatal(`${target} was refused (${res.status}: ${why}); check the token in the connection's headers`);
  if (res.status === 404) throw fail.fatal(`${target}: ${why}`);
  if (res.status >= 500 || res.status === 429) throw fail.action(`${target} answered ${res.status}: ${why}`);
  throw fail.invalidInput(`${target} answered ${res.status}: ${why}`);
}
