// The audit (SIEM) forwarder Scrydon's runbook checks: it polls api-platform's audit log and "forwards" each new
// event; /status says whether it keeps up. POST /control {"stalled": true} makes it stop forwarding (unhealthy),
// so a rehearsal can exercise 000's "confirm the audit forwarder is healthy".
import { createServer, type Server } from "node:http";

/** A running forwarder. */
export interface AuditForwarder {
  url: string;
  stop(): Promise<void>;
}

/** Start polling `platformUrl()` (looked up on every poll: the Service's proxy may move) and serve /status. */
export async function startAuditForwarder(platformUrl: () => string | undefined): Promise<AuditForwarder> {
  let lastForwardedId = 0;
  let latestSeenId = 0;
  let lastOk = 0;
  let forwarded = 0;
  let stalled = false;
  let polling = false;
  const poll = async () => {
    const base = platformUrl();
    if (!base || polling) return;
    polling = true;
    try {
      const res = await fetch(`${base}/api/audit/events?limit=50`, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) return;
      const body = (await res.json()) as { events?: { id: number }[] };
      const ids = (body.events ?? []).map((e) => Number(e.id));
      latestSeenId = Math.max(0, ...ids);
      lastOk = Date.now();
      if (stalled) return;
      forwarded += ids.filter((i) => i > lastForwardedId).length;
      // After a restore the log restarts lower: forward from there.
      lastForwardedId = latestSeenId;
    } catch {
      // During a rollout api-platform may not answer; /status reports it.
    } finally {
      polling = false;
    }
  };
  const timer = setInterval(() => void poll(), 500);
  await poll();
  const server: Server = createServer((req, res) => {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method === "POST" && req.url === "/control") {
      let text = "";
      req.on("data", (d: Buffer) => {
        text += d.toString();
      });
      req.on("end", () => {
        try {
          stalled = (JSON.parse(text || "{}") as { stalled?: unknown }).stalled === true;
          reply(200, { stalled });
        } catch {
          reply(400, { error: 'expected {"stalled": true|false}' });
        }
      });
      return;
    }
    if (req.url !== "/status") return reply(404, { error: "GET /status or POST /control" });
    const healthy = !stalled && Date.now() - lastOk < 5_000 && lastForwardedId >= latestSeenId;
    reply(200, { healthy, stalled, lastForwardedId, latestSeenId, forwarded });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
