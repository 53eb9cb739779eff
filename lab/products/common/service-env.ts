// What every sample service reads from its "image" and pod: version, port, fault, and a structured logger.
import { createHash } from "node:crypto";
import { type LabFault, parseFault } from "../catalog.js";

/** The identity and settings of one running sample service process. */
export interface ServiceEnv {
  service: string;
  version: string;
  commit: string;
  major: number;
  host: string;
  port: number;
  fault: LabFault | undefined;
  /** Read a required setting; exits the process with a clear message when it is missing. */
  require(name: string): string;
  log(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>): void;
}

/** The commit an image of this product and version was "built" from (stable, so checks can compare it). */
export function commitOf(product: string, version: string): string {
  return createHash("sha1").update(`${product}@${version}`).digest("hex").slice(0, 7);
}

/** Read the process environment the pod runtime prepared (RBX_IMAGE_VERSION is baked into the "image"). */
export function serviceEnv(product: string, service: string): ServiceEnv {
  const version = process.env.RBX_IMAGE_VERSION ?? "0.0.0";
  const log: ServiceEnv["log"] = (level, msg, fields = {}) => {
    const line = JSON.stringify({ ts: new Date().toISOString(), level, service, version, msg, ...fields });
    (level === "error" ? process.stderr : process.stdout).write(`${line}\n`);
  };
  return {
    service,
    version,
    commit: commitOf(product, version),
    major: Number.parseInt(version.replace(/^v/, ""), 10) || 0,
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? "8080"),
    fault: parseFault(process.env.RBX_LAB_FAULT),
    require(name) {
      const value = process.env[name];
      if (value === undefined || value === "") {
        log("error", `missing required environment variable ${name}`);
        process.exit(78);
      }
      return value;
    },
    log,
  };
}

/** Exit when the pod runtime that started us goes away, so no service outlives its lab. */
export function exitWithParent(): void {
  if (typeof process.send !== "function") return;
  process.on("disconnect", () => process.exit(0));
}

/** Strip the password from a connection URL before it reaches a log line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "<unparseable url>";
  }
}

/** Sleep that a test-controlled fault can use. */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
