// A Compose host for the lab (what dockerd is to `docker compose`): runs each project service as a product process
// with restart `unless-stopped`, publishes its port on loopback, and answers the docker stand-in over loopback HTTP.
import { writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import { join } from "node:path";
import type { RunningPod } from "../kube/pod-runtime.js";
import type { ProductPodRuntime } from "../product-pods.js";
import { resolveImage } from "../products/catalog.js";

/** One service the docker stand-in asks to run. */
export interface ComposeService {
  project: string;
  service: string;
  image: string;
  env: Record<string, string>;
  /** Loopback port the service is published on (`ports: ["127.0.0.1:PORT:8080"]`); 0 = not published. */
  port: number;
}

interface Running {
  spec: ComposeService;
  pod: RunningPod;
  namespace: string;
  labels: Record<string, string>;
  publisher: Server | undefined;
}

/** What `docker compose ps` shows per service. */
export interface ComposePs {
  service: string;
  image: string;
  state: string;
  health: string;
  restarts: number;
}

const same = (a: ComposeService, b: ComposeService) =>
  a.image === b.image && a.port === b.port && JSON.stringify(a.env) === JSON.stringify(b.env);

/** The host: start() listens and writes `<dir>/host.json` for the stand-in; stop() ends every service. */
export class ComposeHost {
  private readonly services = new Map<string, Running>();
  private server: Server | undefined;
  url = "";

  constructor(
    private readonly runtime: ProductPodRuntime,
    private readonly dir: string,
  ) {}

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((done) => this.server?.listen(0, "127.0.0.1", done));
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
    writeFileSync(join(this.dir, "host.json"), `${JSON.stringify({ url: this.url })}\n`, { mode: 0o600 });
  }

  /** Create or recreate a service when its image, env or port changed (as `docker compose up -d` does). */
  async up(spec: ComposeService): Promise<"created" | "recreated" | "running"> {
    const key = `${spec.project}/${spec.service}`;
    const current = this.services.get(key);
    if (current && same(current.spec, spec)) return "running";
    if (current) await this.remove(key);
    const namespace = `compose-${spec.project}`;
    const labels = { "com.docker.compose.project": spec.project, "com.docker.compose.service": spec.service };
    const pod = this.runtime.start({
      namespace,
      name: `${spec.project}-${spec.service}-1`,
      labels,
      annotations: {},
      containers: [{ name: spec.service, image: spec.image, env: [] }],
      restartPolicy: "Always",
      resolvedEnv: { [spec.service]: spec.env },
    });
    const running: Running = { spec, pod, namespace, labels, publisher: undefined };
    if (spec.port > 0) running.publisher = await this.publish(running);
    this.services.set(key, running);
    return current ? "recreated" : "created";
  }

  /** The project's services, as `docker compose ps` lists them. */
  ps(project: string): ComposePs[] {
    return [...this.services.values()]
      .filter((r) => r.spec.project === project)
      .map((r) => {
        const st = r.pod.status();
        const state =
          st.reason === "ErrImagePull" || st.reason === "ImagePullBackOff"
            ? "created"
            : st.phase === "Running"
              ? st.reason === "CrashLoopBackOff"
                ? "restarting"
                : "running"
              : "exited";
        return {
          service: r.spec.service,
          image: r.spec.image,
          state,
          health: st.ready ? "healthy" : "starting",
          restarts: st.restartCount,
        };
      });
  }

  logs(project: string, service: string | undefined): string {
    return [...this.services.values()]
      .filter((r) => r.spec.project === project && (!service || r.spec.service === service))
      .map((r) =>
        r.pod
          .logs()
          .split("\n")
          .filter((l) => l !== "")
          .map((l) => `${r.spec.service}-1  | ${l}`)
          .join("\n"),
      )
      .join("\n");
  }

  async down(project: string): Promise<void> {
    for (const [key, r] of this.services) if (r.spec.project === project) await this.remove(key);
  }

  async stop(): Promise<void> {
    for (const key of [...this.services.keys()]) await this.remove(key);
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  private async remove(key: string): Promise<void> {
    const r = this.services.get(key);
    if (!r) return;
    this.services.delete(key);
    r.publisher?.closeAllConnections();
    r.publisher?.close();
    await r.pod.stop();
  }

  // The published port: a loopback proxy to whichever process runs the service now (it moves on restarts).
  private async publish(r: Running): Promise<Server> {
    const server = createServer((req, res) => {
      const target = this.runtime.endpoints(r.namespace, r.labels).find((e) => e.port);
      if (!target) {
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `${r.spec.service} is not running` }));
        return;
      }
      const up = request(
        { host: "127.0.0.1", port: target.port, method: req.method, path: req.url, headers: req.headers },
        (u) => {
          res.writeHead(u.statusCode ?? 502, u.headers);
          u.pipe(res);
        },
      );
      up.on("error", (e) => {
        if (res.headersSent) return void res.destroy();
        res.writeHead(502, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: `${r.spec.service}: ${e.message}` }));
      });
      req.pipe(up);
    });
    await new Promise<void>((done, fail) => {
      server.once("error", fail);
      server.listen(r.spec.port, "127.0.0.1", () => done());
    });
    return server;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    try {
      const url = new URL(req.url ?? "/", "http://host");
      const body = req.method === "POST" ? await readBody(req) : {};
      const project = String(url.searchParams.get("project") ?? body.project ?? "");
      if (req.method === "POST" && url.pathname === "/pull") {
        const image = String(body.image ?? "");
        return resolveImage(image).kind === "product"
          ? reply(200, { pulled: image })
          : reply(404, { error: `manifest for ${image} not found: manifest unknown` });
      }
      if (req.method === "POST" && url.pathname === "/up") {
        const spec = body as unknown as ComposeService;
        if (resolveImage(spec.image).kind !== "product")
          return reply(404, { error: `pull access denied for ${spec.image}: manifest unknown` });
        return reply(200, { result: await this.up(spec) });
      }
      if (req.method === "POST" && url.pathname === "/down") {
        await this.down(project);
        return reply(200, { down: project });
      }
      if (req.method === "GET" && url.pathname === "/ps") return reply(200, this.ps(project));
      if (req.method === "GET" && url.pathname === "/logs")
        return reply(200, { logs: this.logs(project, url.searchParams.get("service") ?? undefined) });
      reply(404, { error: `no route ${req.method} ${url.pathname}` });
    } catch (error) {
      reply(500, { error: (error as Error).message });
    }
  }
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) {
    text += String(chunk);
    if (text.length > 1_000_000) throw new Error("request too large");
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}
