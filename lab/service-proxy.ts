// kube-proxy for the lab: one loopback HTTP reverse proxy per Service, forwarding to a ready pod process.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type ApiAccess, apiGet } from "./api-get.js";
import type { PodEndpoint } from "./product-pods.js";

/** Where the proxies find the pods behind a selector (the product runtime). */
export interface EndpointSource {
  endpoints(namespace: string, selector: Record<string, string>): PodEndpoint[];
}

/** A proxied Service: `ns/name` and its stable loopback URL. */
export interface ProxiedService {
  namespace: string;
  name: string;
  port: number;
  url: string;
}

/** Options: the stand-in's URL, the endpoint source, preferred ports (from a previous state), a change hook. */
export interface ServiceProxyOptions {
  apiUrl: string;
  /** The bearer token and CA of the stand-in, when it requires them. */
  access?: ApiAccess;
  endpoints: EndpointSource;
  pollMs?: number;
  preferredPorts?: Record<string, number>;
  onChange?: (services: ProxiedService[]) => void;
}

interface Entry {
  namespace: string;
  name: string;
  selector: Record<string, string>;
  server: Server;
  port: number;
  next: number;
}

interface ServiceList {
  items: { metadata: { name: string; namespace: string }; spec?: { selector?: Record<string, string> } }[];
}

/** Watches Services on the stand-in (by polling its REST API) and keeps one proxy listening per Service. */
export class ServiceProxies {
  private readonly entries = new Map<string, Entry>();
  /** The port each Service last had: a Service deleted and created again (an uninstall, a reinstall) keeps its URL. */
  private readonly lastPorts = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly watchers: ((services: ProxiedService[]) => void)[] = [];

  constructor(private readonly opts: ServiceProxyOptions) {}

  /** Sync once, then keep syncing every pollMs until stop(). */
  async start(): Promise<void> {
    await this.sync();
    const loop = () => {
      this.timer = setTimeout(async () => {
        await this.sync().catch(() => undefined);
        if (!this.stopped) loop();
      }, this.opts.pollMs ?? 500);
    };
    loop();
  }

  /** Call `fn` whenever a proxy opens or closes, besides the `onChange` given at construction. */
  watch(fn: (services: ProxiedService[]) => void): void {
    this.watchers.push(fn);
  }

  /** The proxied Services, sorted by namespace/name. */
  list(): ProxiedService[] {
    return [...this.entries.values()]
      .map((e) => ({ namespace: e.namespace, name: e.name, port: e.port, url: `http://127.0.0.1:${e.port}` }))
      .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  }

  /** Fetch the Service list and open/close proxies to match it. */
  async sync(): Promise<void> {
    const res = await apiGet(this.opts.apiUrl, "/api/v1/services", this.opts.access);
    if (res.status !== 200) throw new Error(`listing services failed: HTTP ${res.status}`);
    const list = JSON.parse(res.text) as ServiceList;
    const seen = new Set<string>();
    let changed = false;
    for (const svc of list.items) {
      const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
      seen.add(key);
      const selector = svc.spec?.selector ?? {};
      const existing = this.entries.get(key);
      if (existing) {
        existing.selector = selector;
        continue;
      }
      if (this.stopped) return;
      const entry = await this.open(
        svc.metadata.namespace,
        svc.metadata.name,
        selector,
        this.lastPorts.get(key) ?? this.opts.preferredPorts?.[key],
      );
      this.entries.set(key, entry);
      this.lastPorts.set(key, entry.port);
      changed = true;
    }
    for (const [key, entry] of this.entries) {
      if (seen.has(key)) continue;
      this.entries.delete(key);
      entry.server.close();
      entry.server.closeAllConnections();
      changed = true;
    }
    if (!changed) return;
    const now = this.list();
    this.opts.onChange?.(now);
    for (const fn of this.watchers) fn(now);
  }

  private async open(
    namespace: string,
    name: string,
    selector: Record<string, string>,
    preferred?: number,
  ): Promise<Entry> {
    const entry: Entry = { namespace, name, selector, server: createServer(), port: 0, next: 0 };
    entry.server.on("request", (req, res) => this.forward(entry, req, res));
    const listen = (port: number) =>
      new Promise<void>((resolve, reject) => {
        entry.server.once("error", reject);
        entry.server.listen(port, "127.0.0.1", () => {
          entry.server.off("error", reject);
          resolve();
        });
      });
    try {
      await listen(preferred ?? 0);
    } catch {
      await listen(0);
    }
    entry.port = (entry.server.address() as AddressInfo).port;
    return entry;
  }

  private forward(entry: Entry, req: IncomingMessage, res: ServerResponse): void {
    const ready = this.opts.endpoints.endpoints(entry.namespace, entry.selector).filter((e) => e.ready);
    if (ready.length === 0) {
      const body = JSON.stringify({
        error: `no ready endpoints for service ${entry.namespace}/${entry.name}`,
      });
      res.writeHead(503, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
      return;
    }
    const target = ready[entry.next++ % ready.length]!;
    const upstream = request(
      { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on("error", (error) => {
      if (res.headersSent) return void res.destroy();
      const body = JSON.stringify({ error: `upstream ${target.name} failed: ${error.message}` });
      res.writeHead(502, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
      res.end(body);
    });
    req.pipe(upstream);
  }

  /** Close every proxy. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const e of this.entries.values()) {
      e.server.close();
      e.server.closeAllConnections();
    }
    this.entries.clear();
  }
}
