// http.check: one HTTP request with an expected status; the decoded body becomes output.json for assertions.

import { defineAction, type PlanContext } from "../../contract/action.js";
import { T } from "../../contract/cel-types.js";
import type { ResolvedConnection } from "../../contract/connection.js";
import type { JsonValue } from "../../contract/json.js";
import { oneLine } from "../../diagnostics/one-line.js";
import { ActionError } from "../shared/action-error.js";
import { boolField, connectionField, pickConnection, stringField } from "../shared/connection.js";
import { deadline } from "../shared/deadline.js";
import { durationOr, durationSchema } from "../shared/duration-field.js";
import { type HttpRequest, sendRequest } from "./request.js";

/** Arguments of http.check. */
export interface HttpCheckArgs {
  url: string;
  connection?: string;
  method?: string;
  headers?: Record<string, string>;
  body?: JsonValue;
  ca?: string;
  insecure?: boolean;
  expect?: { status?: number | number[] };
  timeout?: string | number;
  maxBodyBytes?: number;
}

/** Output of http.check. */
export interface HttpCheckOutput {
  status: number;
  ok: boolean;
  headers: Record<string, string>;
  text: string;
  json: JsonValue;
  timeMs: number;
  url: string;
}

/** Header names whose values are credentials whatever the redactor knows. */
const SENSITIVE = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|api-key)$/i;

// The connection to use: the named one, or the only http one when the URL is relative.
function httpConnection(conns: ReadonlyMap<string, ResolvedConnection>, args: HttpCheckArgs) {
  if (args.connection !== undefined || !/^https?:\/\//i.test(args.url)) {
    return pickConnection(conns, "http", args.connection);
  }
  return undefined;
}

function headerRecord(conn: ResolvedConnection | undefined): Record<string, string> {
  const h = conn?.fields.headers;
  if (h === undefined || h === null) return {};
  if (typeof h !== "object" || Array.isArray(h))
    throw new ActionError("invalid-connection", "connection headers must be a map");
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, String(v)]));
}

/** The credentials a request carries: its credential headers and its URL's password. */
function credentialsOf(req: HttpRequest): string[] {
  const found = Object.entries(req.headers).flatMap(([k, v]) => (SENSITIVE.test(k) ? [v] : []));
  return req.url.password ? [...found, decodeURIComponent(req.url.password), req.url.password] : found;
}

/**
 * The request of one step's args, built once: the driver asks for its credentials (to mask them before the args
 * are journaled) and then runs it with the same args object and connections.
 */
const built = new WeakMap<
  HttpCheckArgs,
  { conns: ReadonlyMap<string, ResolvedConnection>; req: HttpRequest }
>();
function requestFor(conns: ReadonlyMap<string, ResolvedConnection>, args: HttpCheckArgs): HttpRequest {
  const hit = built.get(args);
  if (hit?.conns === conns) return hit.req;
  const req = buildRequest(conns, args);
  built.set(args, { conns, req });
  return req;
}

/** Everything needed to send (or plan) the request. */
export function buildRequest(
  conns: ReadonlyMap<string, ResolvedConnection>,
  args: HttpCheckArgs,
): HttpRequest {
  const conn = httpConnection(conns, args);
  const base = conn ? stringField(conn, "baseUrl") : undefined;
  let url: URL;
  try {
    url = base
      ? new URL(args.url.replace(/^\//, ""), base.endsWith("/") ? base : `${base}/`)
      : new URL(args.url);
  } catch (cause) {
    throw new ActionError("invalid-url", `"${args.url}" is not a URL${base ? ` relative to ${base}` : ""}`, {
      cause,
    });
  }
  const headers = { ...headerRecord(conn), ...(args.headers ?? {}) };
  let body: string | undefined;
  if (args.body !== undefined && args.body !== null) {
    body = typeof args.body === "string" ? args.body : JSON.stringify(args.body);
    if (
      typeof args.body !== "string" &&
      !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")
    ) {
      headers["content-type"] = "application/json";
    }
  }
  return {
    method: (args.method ?? "GET").toUpperCase(),
    url,
    headers,
    body,
    caFile: args.ca ?? (conn ? stringField(conn, "ca") : undefined),
    insecure: args.insecure ?? (conn ? boolField(conn, "insecure") : false),
    maxBodyBytes: args.maxBodyBytes ?? 1 << 20,
  };
}

function planText(args: HttpCheckArgs, ctx: PlanContext): string {
  const req = buildRequest(ctx.connections, args);
  const r = (s: string) => ctx.redactor.redact(s);
  const lines = [`${req.method} ${r(req.url.toString())}`];
  for (const [k, v] of Object.entries(req.headers)) lines.push(`  ${k}: ${SENSITIVE.test(k) ? "***" : r(v)}`);
  if (req.body !== undefined)
    lines.push(`  body: ${r(req.body.length > 200 ? `${req.body.slice(0, 200)}…` : req.body)}`);
  if (req.caFile) lines.push(`  tls: ca ${r(req.caFile)}`);
  if (req.insecure) lines.push("  tls: insecure (certificate not verified)");
  lines.push(`  expect status ${expectedText(args)}`);
  return lines.join("\n");
}

function expectedText(args: HttpCheckArgs): string {
  const s = args.expect?.status;
  return s === undefined ? "2xx" : Array.isArray(s) ? s.join(" or ") : String(s);
}

function statusOk(args: HttpCheckArgs, status: number): boolean {
  const s = args.expect?.status;
  if (s === undefined) return status >= 200 && status < 300;
  return Array.isArray(s) ? s.includes(status) : s === status;
}

/**
 * The code of a status that was not expected: 401 and 403 name their cause (asking again with the same
 * credentials cannot succeed, and a rollback through the same endpoint would meet the same refusal).
 */
function statusCode(status: number): string {
  if (status === 401) return "unauthenticated";
  if (status === 403) return "forbidden";
  return "unexpected-status";
}

const STATUS_ADVICE: Record<number, string> = {
  401: " — the endpoint rejects the credentials the request carries",
  403: " — the credentials are valid but lack the permission",
};

function decodeJson(text: string, contentType: string | undefined): JsonValue {
  const looksJson = /json/i.test(contentType ?? "") || /^\s*[[{]/.test(text);
  if (!looksJson || text.trim() === "") return null;
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return null;
  }
}

/** Probe an endpoint once; `retry.until` in the runbook does the polling. */
export const httpCheck = defineAction<HttpCheckArgs, HttpCheckOutput>({
  name: "http.check",
  effect: "read",
  summary: "Send one HTTP request and check its status; the body is decoded into output.json.",
  connectionKinds: ["http"],
  input: {
    type: "object",
    additionalProperties: false,
    required: ["url"],
    properties: {
      url: {
        type: "string",
        minLength: 1,
        examples: ["/api/version"],
        description: "Absolute URL, or a path relative to the connection's baseUrl.",
      },
      connection: connectionField("http"),
      method: {
        type: "string",
        enum: ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
        default: "GET",
        description: "HTTP method (default GET).",
      },
      headers: {
        type: "object",
        additionalProperties: { type: "string" },
        examples: [{ Accept: "application/json" }],
        description:
          "Request headers; merged over the connection's. Credential headers never appear in plans.",
      },
      body: {
        examples: [{ dryRun: true }],
        description: "Request body: a string as-is, anything else sent as JSON.",
      },
      ca: {
        type: "string",
        examples: ["/etc/ssl/internal-ca.pem"],
        description: "PEM file of the CA that signs the server certificate.",
      },
      insecure: {
        type: "boolean",
        default: false,
        description: "Skip certificate verification (lint warns).",
      },
      expect: {
        type: "object",
        additionalProperties: false,
        description: "What the response must be for the check to pass (default: any 2xx status).",
        examples: [{ status: [200, 204] }],
        properties: {
          status: {
            examples: [200],
            description: "Expected status or statuses (default: any 2xx).",
            anyOf: [
              { type: "integer", minimum: 100, maximum: 599 },
              { type: "array", items: { type: "integer", minimum: 100, maximum: 599 }, minItems: 1 },
            ],
          },
        },
      },
      timeout: {
        ...durationSchema,
        examples: ["30s"],
        description: "Give up after this long (default 30s).",
      },
      maxBodyBytes: {
        type: "integer",
        minimum: 1,
        examples: [65536],
        description: "Fail when the body is larger (default 1048576).",
      },
    },
  },
  output: T.object("http.check.output", {
    status: T.int,
    ok: T.bool,
    headers: T.map(T.string, T.string),
    text: T.string,
    json: T.dyn,
    timeMs: T.int,
    url: T.string,
  }),
  plan(args, ctx) {
    return [{ kind: "http", text: planText(args, ctx) }];
  },
  credentials(args, connections) {
    try {
      return credentialsOf(requestFor(connections, args));
    } catch {
      return []; // a request that cannot be built fails in run, with its own message
    }
  },
  async run(ctx, args) {
    const req = requestFor(ctx.connections, args);
    for (const v of credentialsOf(req)) ctx.redactor.addSecret(v);
    const d = deadline(ctx.signal, durationOr(args.timeout, 30_000));
    const redact = (s: string) => ctx.redactor.redact(s);
    try {
      const res = await sendRequest(req, d, redact);
      const url = req.url.toString();
      const where = redact(`${req.method} ${url}`);
      ctx.log.info(`${where} → ${res.status} in ${res.timeMs} ms`);
      if (!statusOk(args, res.status)) {
        // Redacted whole before it is cut: a secret across the cut would otherwise leave its first half.
        const snippet = oneLine(redact(res.text), 300);
        throw new ActionError(
          statusCode(res.status),
          `${where} answered ${res.status}, expected ${expectedText(args)}${STATUS_ADVICE[res.status] ?? ""}${snippet ? `: ${snippet}` : ""}`,
          { details: { status: res.status, timeMs: res.timeMs } },
        );
      }
      return {
        status: res.status,
        ok: res.status >= 200 && res.status < 300,
        headers: res.headers,
        text: res.text,
        json: decodeJson(res.text, res.headers["content-type"]),
        timeMs: res.timeMs,
        url,
      };
    } finally {
      d.clear();
    }
  },
});
