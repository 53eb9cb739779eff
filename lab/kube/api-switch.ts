// Faults of the API server itself, for rehearsals: stopped (connections refused), hung (accepts, never answers),
// and credentials required (a bearer token). The objects, controllers and pods live on while it is down.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { Socket } from "node:net";

/** What the API does with a request now. */
export type ApiMode = "up" | "down" | "hung";

/** Paths a real API server answers without credentials (system:public-info-viewer). */
const PUBLIC = new Set(["/version", "/healthz", "/readyz", "/livez"]);

/** Switches one stand-in's HTTP server between up, down and hung, and checks bearer tokens. */
export class ApiSwitch {
  private current: ApiMode = "up";
  private readonly held = new Set<Socket>();

  constructor(
    private readonly server: Server,
    private readonly host: string,
    private readonly port: number,
    /** The token clients must send (`Authorization: Bearer …`); undefined accepts anyone. */
    readonly token: string | undefined,
  ) {}

  /** The mode the API is in. */
  get mode(): ApiMode {
    return this.current;
  }

  /**
   * Called first for every request: true when the switch answered it (401) or holds it (hung), so the API
   * must not. A held request is never answered; its socket is destroyed when the API leaves the hung mode.
   */
  intercept(req: IncomingMessage, res: ServerResponse): boolean {
    if (this.current === "hung") {
      this.held.add(req.socket);
      req.socket.once("close", () => this.held.delete(req.socket));
      return true;
    }
    if (this.token === undefined) return false;
    const path = new URL(req.url ?? "/", "http://127.0.0.1").pathname.replace(/\/+$/, "") || "/";
    if (PUBLIC.has(path)) return false;
    if (req.headers.authorization === `Bearer ${this.token}`) return false;
    const body = JSON.stringify({
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: "Unauthorized",
      reason: "Unauthorized",
      code: 401,
    });
    res.writeHead(401, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
    res.end(body);
    return true;
  }

  /** Stop listening and drop every connection (watches included): clients get "connection refused". */
  async stop(): Promise<void> {
    this.release();
    if (this.current === "down") return;
    this.current = "down";
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  /** Listen again on the same address; every object is still there. */
  async start(): Promise<void> {
    this.release();
    if (this.current === "down") {
      await new Promise<void>((resolve, reject) => {
        this.server.once("error", reject);
        this.server.listen(this.port, this.host, () => {
          this.server.off("error", reject);
          resolve();
        });
      });
    }
    this.current = "up";
  }

  /** Keep accepting connections but answer nothing (a hung API server or a black-holed network). */
  async hang(): Promise<void> {
    if (this.current === "down") await this.start();
    // Open keep-alive connections and watches would go on answering: cut them, so every request waits.
    this.server.closeAllConnections();
    this.current = "hung";
  }

  private release(): void {
    for (const socket of this.held) socket.destroy();
    this.held.clear();
  }
}
