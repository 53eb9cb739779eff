// The lab's deploy-marker service: records "product moved to version" events over HTTP, as Grafana annotations or
// Datadog events do, so a project's own action (examples/deploy-marker) has a real server to talk to.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";

/** One marker: which product moved to which version, from where, by which run step (its idempotency key). */
export interface Marker {
  id: string;
  product: string;
  version: string;
  previous?: string;
  note?: string;
  /** Unique per writer (rbx sends `<runId>/<step>`): posting the same key twice returns the first marker. */
  key: string;
  createdAt: string;
  retractedAt?: string;
}

/** A running marker service. */
export interface MarkerServer {
  url: string;
  /** The bearer token every request must carry (a lab secret: `rbx lab env` exports it). */
  token: string;
  markers(): readonly Marker[];
  /** Answer the next `n` writes with 503 (a service having a bad minute), for tests of retries and probes. */
  failNextWrites(n: number): void;
  /** Hold each write this long before answering (a slow service), for tests that stop rbx mid-request. */
  delayWrites(ms: number): void;
  /** Writes received and not yet answered. */
  pendingWrites(): number;
  stop(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

function readBody(req: IncomingMessage): Promise<unknown> {
  return new Promise((done, fail) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        fail(new Error("body too large"));
        req.destroy();
      } else chunks.push(c);
    });
    req.on("end", () => {
      try {
        done(chunks.length === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8")));
      } catch {
        fail(new Error("body is not JSON"));
      }
    });
    req.on("error", fail);
  });
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() !== "" ? v : undefined);

/** Start the service on a free loopback port. */
export async function startMarkerServer(opts: { token?: string } = {}): Promise<MarkerServer> {
  const token = opts.token ?? randomBytes(12).toString("hex");
  const all: Marker[] = [];
  let failing = 0;
  let delay = 0;
  let pending = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch((e: Error) => send(res, 400, { error: e.message }));
  });
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://markers");
    if (url.pathname === "/healthz") return send(res, 200, { ok: true });
    if (req.headers.authorization !== `Bearer ${token}`)
      return send(res, 401, { error: "missing or wrong bearer token" });
    const write = req.method === "POST";
    // The body is read before any delay: a write the service received completes even if its client goes away.
    const body = write ? ((await readBody(req)) as Record<string, unknown>) : {};
    if (write && delay > 0) {
      pending++;
      await new Promise((done) => setTimeout(done, delay));
      pending--;
    }
    if (write && failing > 0) {
      failing--;
      return send(res, 503, { error: "the marker store is unavailable, try again" });
    }
    if (req.method === "GET" && url.pathname === "/api/markers") {
      const product = url.searchParams.get("product");
      const key = url.searchParams.get("key");
      const found = all
        .filter((m) => (product === null || m.product === product) && (key === null || m.key === key))
        .reverse();
      return send(res, 200, { markers: found });
    }
    const one = /^\/api\/markers\/(m-\d+)(\/retract)?$/.exec(url.pathname);
    if (one) {
      const marker = all.find((m) => m.id === one[1]);
      if (!marker) return send(res, 404, { error: `no marker ${one[1]}` });
      if (req.method === "GET" && !one[2]) return send(res, 200, marker);
      if (write && one[2]) {
        marker.retractedAt ??= new Date().toISOString();
        return send(res, 200, marker);
      }
    }
    if (write && url.pathname === "/api/markers") {
      const product = str(body.product);
      const version = str(body.version);
      const key = str(body.key);
      if (!product || !version || !key)
        return send(res, 422, { error: "product, version and key are required strings" });
      const existing = all.find((m) => m.key === key);
      if (existing) return send(res, 200, existing);
      const marker: Marker = {
        id: `m-${all.length + 1}`,
        product,
        version,
        key,
        createdAt: new Date().toISOString(),
        ...(str(body.previous) ? { previous: str(body.previous) as string } : {}),
        ...(str(body.note) ? { note: str(body.note) as string } : {}),
      };
      all.push(marker);
      return send(res, 201, marker);
    }
    send(res, 404, { error: `no route ${req.method} ${url.pathname}` });
  }
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    markers: () => all,
    failNextWrites: (n) => {
      failing = n;
    },
    delayWrites: (ms) => {
      delay = ms;
    },
    pendingWrites: () => pending,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
