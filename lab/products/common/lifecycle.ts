// The start-up shape every sample service shares: faults, migrations before listening, graceful SIGTERM.
import type { Server } from "node:http";
import { type Route, startHttp } from "./http-app.js";
import { exitWithParent, type ServiceEnv, sleep } from "./service-env.js";

/** The pieces of one HTTP service. */
export interface ServiceParts {
  /** Runs before the listener opens (migrations); a throw exits the process with status 1. */
  prepare?: () => Promise<void>;
  routes: Route[];
  /** Paths not logged per request (probes). */
  quietPaths?: string[];
  /** Release pools etc. on SIGTERM. */
  close?: () => Promise<void>;
}

/** Boot a service the way its image's entrypoint would, acting out any injected fault for real. */
export async function runService(env: ServiceEnv, parts: ServiceParts): Promise<void> {
  exitWithParent();
  env.log("info", "starting", { commit: env.commit, fault: env.fault ?? null });
  if (env.fault === "crash-loop" || env.fault === "fail") {
    await sleep(200);
    env.log("error", "fatal: injected fault, exiting", { fault: env.fault });
    process.exit(1);
  }
  if (env.fault === "slow") {
    const ms = Number(process.env.RBX_LAB_SLOW_MS ?? "6000");
    env.log("info", "slow start (injected fault)", { delayMs: ms });
    await sleep(ms);
  }
  try {
    await parts.prepare?.();
  } catch (error) {
    env.log("error", "start-up failed", { error: error instanceof Error ? error.message : String(error) });
    await parts.close?.().catch(() => undefined);
    process.exit(1);
  }
  let server: Server | undefined;
  const shutdown = async () => {
    env.log("info", "shutting down");
    server?.close();
    server?.closeAllConnections();
    await parts.close?.().catch(() => undefined);
    process.exit(0);
  };
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
  server = await startHttp(env, parts.routes, parts.quietPaths);
}

/** A readiness route that says 503 while `check` fails or a never-ready fault is injected. */
export function readinessRoute(env: ServiceEnv, path: string, check: () => Promise<void>): Route {
  return {
    method: "GET",
    path,
    async handle() {
      if (env.fault === "never-ready")
        return { status: 503, body: { ready: false, reason: "injected fault: never-ready" } };
      try {
        await check();
        return { status: 200, body: { ready: true } };
      } catch (error) {
        return {
          status: 503,
          body: { ready: false, reason: error instanceof Error ? error.message : String(error) },
        };
      }
    },
  };
}
