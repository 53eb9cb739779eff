// A tiny JSON HTTP server for the sample services: exact or pattern routes, JSON in and out, request logs.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { ServiceEnv } from "./service-env.js";

/** What a route handler answers. */
export interface Reply {
  status: number;
  body?: unknown;
}

/** A request as handlers see it. */
export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  params: string[];
  body: unknown;
  headers: IncomingMessage["headers"];
}

/** One route: method, exact path or pattern (captures become params), handler. */
export interface Route {
  method: string;
  path: string | RegExp;
  handle(req: Request): Promise<Reply> | Reply;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1 << 20) throw new Error("request body too large");
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function match(route: Route, method: string, path: string): string[] | undefined {
  if (route.method !== method && !(route.method === "GET" && method === "HEAD")) return undefined;
  if (typeof route.path === "string") return route.path === path ? [] : undefined;
  const m = route.path.exec(path);
  return m ? m.slice(1).map((s) => decodeURIComponent(s ?? "")) : undefined;
}

/** Listen on env.host:env.port and answer the routes; unhandled errors become 500 with the message. */
export function startHttp(env: ServiceEnv, routes: Route[], quietPaths: string[] = []): Promise<Server> {
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = req.method ?? "GET";
    let reply: Reply;
    try {
      const route = routes.find((r) => match(r, method, url.pathname) !== undefined);
      if (!route) {
        reply = { status: 404, body: { error: `no route for ${method} ${url.pathname}` } };
      } else {
        const params = match(route, method, url.pathname) ?? [];
        const body = await readBody(req);
        reply = await route.handle({
          method,
          path: url.pathname,
          query: url.searchParams,
          params,
          body,
          headers: req.headers,
        });
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      env.log("error", "request failed", { method, path: url.pathname, error: message });
      reply = { status: 500, body: { error: message } };
    }
    const text = typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body ?? {});
    const type = typeof reply.body === "string" ? "text/plain; charset=utf-8" : "application/json";
    res.writeHead(reply.status, { "content-type": type, "content-length": Buffer.byteLength(text) });
    res.end(method === "HEAD" ? undefined : text);
    if (!quietPaths.includes(url.pathname)) {
      env.log("info", "request", { method, path: url.pathname, status: reply.status });
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(env.port, env.host, () => {
      server.off("error", reject);
      env.log("info", "listening", { address: `http://${env.host}:${env.port}` });
      resolve(server);
    });
  });
}
