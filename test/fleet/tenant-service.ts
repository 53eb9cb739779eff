// A loopback HTTP service fleet tests point their targets at: POST /work/TENANT takes `delayMs`, answers 500
// for a faulty tenant and 200 otherwise, and counts each tenant's calls (a target's work done twice shows).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface TenantService {
  url: string;
  hits: Map<string, number>;
  faulty: Set<string>;
  delayMs: number;
  close(): Promise<void>;
}

export async function startTenantService(delayMs = 400): Promise<TenantService> {
  const hits = new Map<string, number>();
  const faulty = new Set<string>();
  const service: TenantService = { url: "", hits, faulty, delayMs, close: async () => {} };
  const server: Server = createServer((req, res) => {
    const m = /^\/work\/([^/?]+)/.exec(req.url ?? "");
    if (req.method !== "POST" || !m) {
      res.writeHead(404).end();
      return;
    }
    const tenant = decodeURIComponent(m[1] as string);
    hits.set(tenant, (hits.get(tenant) ?? 0) + 1);
    req.resume();
    setTimeout(() => {
      const status = faulty.has(tenant) ? 500 : 200;
      res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ tenant, status }));
    }, service.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  service.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  service.close = () => new Promise((resolve) => server.close(() => resolve()));
  return service;
}
