// Faults a rehearsal injects into a running lab, through its supervisor: the API stopped, started again or hung,
// PostgreSQL stopped and started again. The supervisor answers on a Unix socket in the lab directory (mode 0600).
import { chmodSync, rmSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import { join } from "node:path";
import type { ApiMode } from "./kube/api-switch.js";
import type { LabStack } from "./stack.js";
import type { LabTools } from "./tool-binaries.js";

/** The faults, as `rbx lab api …` and `rbx lab postgres …` name them. */
export const FAULTS = {
  api: ["stop", "start", "hang"],
  postgres: ["stop", "start"],
} as const;

/** What the lab's faultable parts are doing now. */
export interface FaultState {
  api: ApiMode;
  postgres: "running" | "stopped";
  postgresPid: number;
}

/** The control socket of the lab in `dir`. */
export function controlSocket(dir: string): string {
  return join(dir, "control.sock");
}

function stateOf(stack: LabStack<LabTools>): FaultState {
  return {
    api: stack.standIn.api.mode,
    postgres: stack.postgres.running?.() === false ? "stopped" : "running",
    postgresPid: stack.postgres.pid,
  };
}

/** Serve fault requests for `stack` on the lab's control socket; `changed` runs after each one. */
export async function serveFaults(
  dir: string,
  stack: LabStack<LabTools>,
  changed: () => void,
  log: (line: string) => void,
): Promise<Server> {
  const path = controlSocket(dir);
  rmSync(path, { force: true });
  const server = createServer((req, res) => {
    const [, part, action] = (req.url ?? "").split("/");
    const answer = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const run = async (): Promise<void> => {
      if (req.method === "GET" && part === "status") return answer(200, stateOf(stack));
      const api = stack.standIn.api;
      const pg = stack.postgres;
      if (part === "api" && action === "stop") await api.stop();
      else if (part === "api" && action === "start") await api.start();
      else if (part === "api" && action === "hang") await api.hang();
      else if (part === "postgres" && action === "stop" && pg.stopServer) await pg.stopServer();
      else if (part === "postgres" && action === "start" && pg.startServer) await pg.startServer();
      else return answer(404, { error: `no fault ${part}/${action}` });
      log(`fault: ${part} ${action}`);
      changed();
      answer(200, stateOf(stack));
    };
    run().catch((error: Error) => answer(500, { error: error.message }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o600);
  return server;
}

/** Ask the lab in `dir` to inject (or end) a fault; the lab's state after it, or an error message. */
export function requestFault(
  dir: string,
  part: string,
  action: string,
  timeoutMs = 60_000,
): Promise<FaultState | string> {
  return new Promise((resolve) => {
    const req = request(
      {
        socketPath: controlSocket(dir),
        path: `/${part}/${action}`,
        method: part === "status" ? "GET" : "POST",
        timeout: timeoutMs,
      },
      (res) => {
        let text = "";
        res.on("data", (b: Buffer) => {
          text += b.toString();
        });
        res.on("end", () => {
          try {
            const body = JSON.parse(text) as FaultState & { error?: string };
            resolve(res.statusCode === 200 ? body : (body.error ?? `HTTP ${res.statusCode}`));
          } catch {
            resolve(`unreadable answer from the lab supervisor: ${text.slice(0, 200)}`);
          }
        });
      },
    );
    req.on("timeout", () => req.destroy(new Error("the lab supervisor did not answer")));
    req.on("error", (error: NodeJS.ErrnoException) =>
      resolve(
        error.code === "ENOENT" || error.code === "ECONNREFUSED"
          ? `no running lab in ${dir} (no control socket); start one with \`rbx lab up\``
          : error.message,
      ),
    );
    req.end();
  });
}
