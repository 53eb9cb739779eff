// The per-Service loopback proxy against a real HTTP listener standing in for the stand-in's Service list.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PodEndpoint } from "../../../lab/product-pods.js";
import { ServiceProxies } from "../../../lab/service-proxy.js";

let api: Server;
let backend: Server;
let services: unknown[] = [];
let endpoints: PodEndpoint[] = [];

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, "127.0.0.1", () => r((s.address() as AddressInfo).port)));

beforeAll(async () => {
  api = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ kind: "ServiceList", items: req.url === "/api/v1/services" ? services : [] }));
  });
  backend = createServer((req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ path: req.url, method: req.method }));
  });
  await listen(api);
  await listen(backend);
});
afterAll(() => {
  api.close();
  backend.close();
});

describe("service proxies", () => {
  it("open a proxy per Service, answer 503 without ready pods, forward to a ready pod, close on deletion", async () => {
    const apiPort = (api.address() as AddressInfo).port;
    const backendPort = (backend.address() as AddressInfo).port;
    services = [{ metadata: { name: "web", namespace: "ns" }, spec: { selector: { app: "web" } } }];
    let changes = 0;
    const proxies = new ServiceProxies({
      apiUrl: `http://127.0.0.1:${apiPort}`,
      endpoints: {
        endpoints: (ns, sel) => endpoints.filter((e) => e.namespace === ns && e.labels.app === sel.app),
      },
      pollMs: 50,
      onChange: () => changes++,
    });
    try {
      await proxies.start();
      const [web] = proxies.list();
      expect(web).toMatchObject({ namespace: "ns", name: "web" });
      const none = await fetch(`${web?.url}/api/version`);
      expect(none.status).toBe(503);
      expect(await none.json()).toEqual({ error: "no ready endpoints for service ns/web" });
      endpoints = [
        {
          namespace: "ns",
          name: "web-1",
          labels: { app: "web" },
          port: backendPort,
          ready: true,
          pid: undefined,
        },
      ];
      const ok = await fetch(`${web?.url}/api/version?x=1`, { method: "POST", body: "{}" });
      expect(await ok.json()).toEqual({ path: "/api/version?x=1", method: "POST" });
      services = [];
      await proxies.sync();
      expect(proxies.list()).toEqual([]);
      expect(changes).toBe(2);
    } finally {
      await proxies.stop();
    }
  });
});
