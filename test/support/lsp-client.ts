// A minimal Language Server Protocol client over stdio (JSON-RPC with Content-Length framing), for tests that
// drive a real language server process: requests with timeouts, answers to the server's own requests, shutdown.
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

/** What the client answers when the server asks it something (`workspace/configuration`, …). */
export type ServerRequestHandler = (method: string, params: unknown) => unknown;

/** One language server process and the JSON-RPC session with it. */
export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** Notifications the server sent, oldest first (bounded). */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** What the server wrote to stderr (bounded), for failure messages. */
  stderr = "";
  private exited: Promise<number | null>;

  constructor(command: string, args: readonly string[], onRequest: ServerRequestHandler = () => null) {
    this.child = spawn(command, [...args], { stdio: ["pipe", "pipe", "pipe"] });
    this.exited = new Promise((resolve) => this.child.once("exit", (code) => resolve(code)));
    this.child.stderr.on("data", (d: Buffer) => {
      if (this.stderr.length < 64_000) this.stderr += d.toString();
    });
    this.child.stdout.on("data", (d: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, d]);
      for (let message = this.take(); message !== undefined; message = this.take())
        this.dispatch(message, onRequest);
    });
    this.child.once("exit", () => {
      for (const [id, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(new Error(`the language server exited before answering request ${id}: ${this.stderr}`));
      }
      this.pending.clear();
    });
  }

  /** The process id, to stop it by PID if shutdown does not end it. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** One complete framed message from the buffer, or undefined when it holds none yet. */
  private take(): Record<string, unknown> | undefined {
    const end = this.buffer.indexOf("\r\n\r\n");
    if (end < 0) return undefined;
    const header = this.buffer.subarray(0, end).toString("ascii");
    const length = Number(/Content-Length: *(\d+)/i.exec(header)?.[1]);
    if (!Number.isFinite(length)) throw new Error(`bad LSP header: ${header}`);
    if (this.buffer.length < end + 4 + length) return undefined;
    const body = this.buffer.subarray(end + 4, end + 4 + length).toString("utf8");
    this.buffer = this.buffer.subarray(end + 4 + length);
    return JSON.parse(body) as Record<string, unknown>;
  }

  private dispatch(message: Record<string, unknown>, onRequest: ServerRequestHandler): void {
    const id = message.id as number | string | undefined;
    if (message.method !== undefined && id !== undefined) {
      // A request from the server: answer it.
      this.send({ jsonrpc: "2.0", id, result: onRequest(String(message.method), message.params) ?? null });
    } else if (message.method !== undefined) {
      if (this.notifications.length < 1000)
        this.notifications.push({ method: String(message.method), params: message.params });
    } else if (typeof id === "number") {
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new Error(`LSP error: ${JSON.stringify(message.error)}`));
      else p.resolve(message.result);
    }
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify(message), "utf8");
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  /** Send a request and wait (at most `timeoutMs`) for its result. */
  request<T = unknown>(method: string, params: unknown, timeoutMs = 30_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`no answer to ${method} within ${timeoutMs} ms; stderr: ${this.stderr}`));
      }, timeoutMs);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ jsonrpc: "2.0", id, method, params });
    });
  }

  /** Send a notification. */
  notify(method: string, params: unknown): void {
    this.send({ jsonrpc: "2.0", method, params });
  }

  /** Wait (bounded) until the server sent a notification `method` that `matches`. */
  async notification(
    method: string,
    matches: (params: unknown) => boolean,
    timeoutMs = 30_000,
  ): Promise<unknown> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.notifications.find((n) => n.method === method && matches(n.params));
      if (found) return found.params;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${method} notification within ${timeoutMs} ms; stderr: ${this.stderr}`);
  }

  /** shutdown, exit, and wait for the process; SIGKILL by PID when it does not end within `timeoutMs`. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      await this.request("shutdown", null, timeoutMs);
      this.notify("exit", null);
    } catch {
      // it is stopped below either way
    }
    const timer = setTimeout(() => {
      if (this.child.pid !== undefined && this.child.exitCode === null)
        process.kill(this.child.pid, "SIGKILL");
    }, timeoutMs);
    await this.exited;
    clearTimeout(timer);
  }
}
