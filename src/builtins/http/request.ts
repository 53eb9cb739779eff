// One HTTP(S) request with node:http — bounded body, CA/insecure TLS, and failures sorted into distinct kinds.
import { readFile } from "node:fs/promises";
import type * as Http from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type * as Https from "node:https";
import { ActionError, messageOf } from "../shared/action-error.js";
import { abortError, type Deadline } from "../shared/deadline.js";
import { networkCode } from "../shared/network-errors.js";

/** What to send. */
export interface HttpRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
  caFile: string | undefined;
  insecure: boolean;
  maxBodyBytes: number;
}

/** What came back. */
export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  timeMs: number;
}

/** The error kind of a failed request: connection-refused, dns, tls, connection-reset, no-answer or http-error. */
export function requestErrorKind(error: unknown): string {
  return networkCode(error) ?? "http-error";
}

const ADVICE: Record<string, string> = {
  "connection-refused": "nothing listens there; is the service up and the port right?",
  dns: "the host name does not resolve; check the URL",
  tls: "the certificate is not trusted for this host; set `ca` to the issuing CA (or `insecure: true` for a lab)",
  "connection-reset": "the server closed the connection",
  "no-answer": "the server did not answer in time",
};

/**
 * node:http and node:https, taken when the first request needs them (commands that send none never load them)
 * and kept: a step pays for its request, not for looking the module up again.
 */
let httpModule: typeof Http | undefined;
let httpsModule: typeof Https | undefined;
function clientFor(isHttps: boolean): typeof Http | typeof Https {
  if (isHttps) {
    httpsModule ??= process.getBuiltinModule("node:https");
    return httpsModule;
  }
  httpModule ??= process.getBuiltinModule("node:http");
  return httpModule;
}

function flatHeaders(h: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

/** Send the request; rejects with an ActionError whose code names the kind of failure. */
export async function sendRequest(
  req: HttpRequest,
  d: Deadline,
  redact: (s: string) => string,
): Promise<HttpResponse> {
  const isHttps = req.url.protocol === "https:";
  const mod = clientFor(isHttps);
  let ca: Buffer | undefined;
  if (req.caFile) {
    try {
      ca = await readFile(req.caFile);
    } catch (cause) {
      throw new ActionError("invalid-ca", `Cannot read the CA file ${req.caFile}: ${messageOf(cause)}`, {
        cause,
      });
    }
  }
  // Named only in an error: built when one happens.
  const target = () => redact(`${req.method} ${req.url.origin}${req.url.pathname}`);
  const started = performance.now();
  let answered = false;
  return new Promise<HttpResponse>((settle, fault) => {
    // The deadline ends the request (its `signal` option would do so too, but watch the request's end with
    // several more listeners per request); the listener goes once the request is over.
    const onAbort = () => request.destroy(new Error("aborted", { cause: d.signal.reason }));
    const resolve = (r: HttpResponse) => {
      d.signal.removeEventListener("abort", onAbort);
      settle(r);
    };
    const reject = (e: ActionError) => {
      d.signal.removeEventListener("abort", onAbort);
      fault(e);
    };
    const request = mod.request(
      req.url,
      {
        method: req.method,
        headers: req.headers,
        ...(isHttps ? { ca, rejectUnauthorized: !req.insecure } : {}),
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > req.maxBodyBytes) {
            res.destroy();
            reject(
              new ActionError(
                "body-too-large",
                `${target()}: the response body exceeds maxBodyBytes=${req.maxBodyBytes}`,
                {
                  details: { status: res.statusCode ?? 0 },
                },
              ),
            );
            return;
          }
          chunks.push(chunk);
        });
        res.on("error", (error) => reject(fail(error)));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: flatHeaders(res.headers),
            text: Buffer.concat(chunks).toString("utf8"),
            timeMs: Math.round(performance.now() - started),
          }),
        );
      },
    );
    const fail = (error: unknown): ActionError => {
      // The time ran out before the server said anything: it did not answer (a hung or black-holed endpoint).
      if (d.signal.aborted && d.timedOut() && !answered)
        return new ActionError(
          "no-answer",
          `${target()} did not answer within ${d.timeoutMs / 1000} s: ${ADVICE["no-answer"]}`,
          { cause: error },
        );
      if (d.signal.aborted) return abortError(target(), d, error);
      const kind = requestErrorKind(error);
      const code = (error as { code?: string }).code;
      const advice = ADVICE[kind] ? `: ${ADVICE[kind]}` : "";
      return new ActionError(kind, redact(`${target()} failed (${code ?? messageOf(error)})${advice}`), {
        cause: error,
        details: code ? { errno: code } : {},
      });
    };
    request.on("error", (error) => reject(fail(error)));
    if (d.signal.aborted) {
      onAbort();
      return;
    }
    d.signal.addEventListener("abort", onAbort, { once: true });
    if (req.body !== undefined) request.write(req.body);
    request.end();
  });
}
