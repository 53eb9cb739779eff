import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../../lab/postgres.js";
import { httpCheck } from "../../../src/builtins/http/check.js";
import { classifyCode } from "../../../src/contract/failure.js";
import { connections, failure, planContext, testContext } from "../context.js";

const run = promisify(execFile);

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

describe("http.check against real servers on loopback", () => {
  let plain: Server;
  let tls: Server;
  let host: string;
  let tlsHost: string;
  let caFile: string;
  const hits = new Map<string, number>();
  const seen: IncomingMessage[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "rbx-tls-"));
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=IP:127.0.0.1,DNS:localhost",
      "-keyout",
      join(dir, "key.pem"),
      "-out",
      join(dir, "cert.pem"),
    ]);
    caFile = join(dir, "cert.pem");
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      seen.push(req);
      const n = (hits.get(req.url ?? "") ?? 0) + 1;
      hits.set(req.url ?? "", n);
      if (req.url === "/flaky") {
        res.writeHead(n === 1 ? 503 : 200, { "content-type": "text/plain" });
        res.end(n === 1 ? "warming up" : "ready");
      } else if (req.url === "/api/version") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ version: "4.6.5", commit: "abc1234", major: 4 }));
      } else if (req.url === "/echo") {
        let body = "";
        req.on("data", (c) => {
          body += c;
        });
        req.on("end", () => {
          res.writeHead(201, { "content-type": "application/json" });
          res.end(JSON.stringify({ method: req.method, body, auth: req.headers.authorization ?? null }));
        });
      } else if (req.url === "/error-page") {
        // An HTML error page whose secret straddles the 300th character of the body.
        res.writeHead(500, { "content-type": "text/html" });
        res.end(
          `<html>\n  <body>\n    <h1>Internal error</h1>\n${"x".repeat(240)} token=s3cr3t-t0ken-value\n</body></html>\n`,
        );
      } else if (req.url === "/private" || req.url === "/admin") {
        res.writeHead(req.url === "/private" ? 401 : 403, { "content-type": "text/plain" });
        res.end("go away");
      } else if (req.url === "/big") {
        res.writeHead(200);
        res.end("x".repeat(5000));
      } else if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 3000);
      } else if (req.url === "/dribble") {
        res.writeHead(200);
        res.write("first");
        setTimeout(() => res.end(" late"), 3000);
      } else {
        res.writeHead(404);
        res.end("no such page");
      }
    };
    plain = createServer(handler);
    host = await listen(plain);
    tls = createHttpsServer({ key: readFileSync(join(dir, "key.pem")), cert: readFileSync(caFile) }, handler);
    tlsHost = await listen(tls);
  });
  afterAll(async () => {
    plain?.closeAllConnections();
    tls?.closeAllConnections();
    await Promise.all([plain && close(plain), tls && close(tls)]);
  });

  const none = connections({});

  it("decodes a JSON body into output.json with status, headers and timing", async () => {
    const out = await httpCheck.run(testContext(none), { url: `http://${host}/api/version` });
    expect(out.status).toBe(200);
    expect(out.ok).toBe(true);
    expect(out.json).toEqual({ version: "4.6.5", commit: "abc1234", major: 4 });
    expect(out.headers["content-type"]).toBe("application/json");
    expect(out.timeMs).toBeGreaterThanOrEqual(0);
  });

  it("puts an error page in the failure as one line of at most 300 characters, redacted before it is cut", async () => {
    const ctx = testContext(none, { secrets: ["s3cr3t-t0ken-value"] });
    const err = await failure(httpCheck.run(ctx, { url: `http://${host}/error-page` }));
    const snippet = err.message.split("expected 2xx: ")[1] as string;
    expect(err.message).not.toContain("\n");
    expect(snippet.startsWith("<html> ⏎ <body> ⏎ <h1>Internal error</h1> ⏎ xxx")).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(300);
    expect(err.message).not.toMatch(/s3cr|t0ken|3cr3t/);
  });

  it("fails on 503 with unexpected-status, then passes once the server answers 200 (single shot each)", async () => {
    const err = await failure(httpCheck.run(testContext(none), { url: `http://${host}/flaky` }));
    expect(err.code).toBe("unexpected-status");
    expect(err.message).toMatch(/answered 503, expected 2xx: warming up/);
    expect(err.details).toMatchObject({ status: 503 });
    const out = await httpCheck.run(testContext(none), {
      url: `http://${host}/flaky`,
      expect: { status: 200 },
    });
    expect(out.text).toBe("ready");
    expect(hits.get("/flaky")).toBe(2);
  });

  it("names a 401 unauthenticated and a 403 forbidden (permanent: not retried), unless the step expects them", async () => {
    const denied = await failure(httpCheck.run(testContext(none), { url: `http://${host}/private` }));
    expect(denied.code).toBe("unauthenticated");
    expect(denied.message).toBe(
      `GET http://${host}/private answered 401, expected 2xx — the endpoint rejects the credentials the request carries: go away`,
    );
    expect(classifyCode(denied.code)).toEqual({ category: "unauthenticated", retryable: false });
    const forbidden = await failure(httpCheck.run(testContext(none), { url: `http://${host}/admin` }));
    expect(forbidden.code).toBe("forbidden");
    expect(forbidden.details).toMatchObject({ status: 403 });
    expect(classifyCode(forbidden.code)).toEqual({ category: "forbidden", retryable: false });
    const expected = await httpCheck.run(testContext(none), {
      url: `http://${host}/private`,
      expect: { status: 401 },
    });
    expect(expected.status).toBe(401);
    expect(classifyCode("unexpected-status")).toEqual({ category: "other", retryable: true });
  });

  it("accepts a list of statuses and sends a JSON body with headers from the connection", async () => {
    const conns = connections({
      api: ["http", { baseUrl: `http://${host}/`, headers: { authorization: "Bearer tok-123" } }],
    });
    const out = await httpCheck.run(testContext(conns), {
      url: "/echo",
      method: "POST",
      body: { a: 1 },
      expect: { status: [200, 201] },
    });
    expect(out.status).toBe(201);
    expect(out.json).toEqual({ method: "POST", body: '{"a":1}', auth: "Bearer tok-123" });
    const plan = httpCheck.plan({ url: "/echo", method: "POST", body: { a: 1 } }, planContext(conns));
    expect(plan[0]?.text).toBe(
      `POST http://${host}/echo\n  authorization: ***\n  content-type: application/json\n  body: {"a":1}\n  expect status 2xx`,
    );
  });

  it("redacts secret header values in plans and errors", async () => {
    const conns = connections({});
    const plan = httpCheck.plan(
      { url: `http://${host}/x`, headers: { "x-tenant": "tenant-secret" } },
      planContext(conns, ["tenant-secret"]),
    );
    expect(plan[0]?.text).toContain("x-tenant: ***");
    const err = await failure(
      httpCheck.run(testContext(conns, { secrets: ["no such page"] }), { url: `http://${host}/missing` }),
    );
    expect(err.message).toContain("answered 404");
    expect(err.message).not.toContain("no such page");
  });

  it("distinguishes connection refused, DNS, TLS, no answer and a slow answer", async () => {
    const port = await freePort();
    const refused = await failure(httpCheck.run(testContext(none), { url: `http://127.0.0.1:${port}/` }));
    expect(refused.code).toBe("connection-refused");
    const dns = await failure(httpCheck.run(testContext(none), { url: "http://no-such-host.invalid/" }));
    expect(dns.code).toBe("dns");
    const tlsErr = await failure(httpCheck.run(testContext(none), { url: `https://${tlsHost}/api/version` }));
    expect(tlsErr.code).toBe("tls");
    expect(tlsErr.message).toMatch(/SELF_SIGNED|set `ca`/);
    const slow = await failure(
      httpCheck.run(testContext(none), { url: `http://${host}/slow`, timeout: "300ms" }),
    );
    // Nothing came back at all: the endpoint did not answer (a hung server), a cause of its own.
    expect(slow.code).toBe("no-answer");
    expect(slow.message).toMatch(/\/slow did not answer within 0.3 s: the server did not answer in time/);
    const dribble = await failure(
      httpCheck.run(testContext(none), { url: `http://${host}/dribble`, timeout: "300ms" }),
    );
    expect(dribble.code).toBe("timeout");
  });

  it("trusts a CA file, or skips verification when insecure", async () => {
    const viaCa = await httpCheck.run(testContext(none), {
      url: `https://${tlsHost}/api/version`,
      ca: caFile,
    });
    expect((viaCa.json as { major: number }).major).toBe(4);
    const insecure = await httpCheck.run(testContext(none), {
      url: `https://${tlsHost}/api/version`,
      insecure: true,
    });
    expect(insecure.status).toBe(200);
  });

  it("bounds the body size", async () => {
    const err = await failure(
      httpCheck.run(testContext(none), { url: `http://${host}/big`, maxBodyBytes: 1000 }),
    );
    expect(err.code).toBe("body-too-large");
  });

  it("stops when the run is interrupted", async () => {
    const controller = new AbortController();
    const running = httpCheck.run(testContext(none, { signal: controller.signal }), {
      url: `http://${host}/slow`,
    });
    setTimeout(() => controller.abort(new Error("SIGINT")), 100);
    const err = await failure(running);
    expect(err.code).toBe("interrupted");
  });

  it("needs a connection for a relative URL", async () => {
    const err = await failure(httpCheck.run(testContext(none), { url: "/readyz" }));
    expect(err.code).toBe("connection-required");
  });
});
