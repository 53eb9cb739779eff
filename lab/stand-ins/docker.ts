// `docker compose` for the lab: the subcommands a runbook uses (config --images, pull, up -d, ps, logs, down) over a
// real compose file, interpolated from the environment and the project's .env as Compose does; the services run as
// product processes on the lab's Compose host. Anything else exits 2 and says the stand-in does not support it.
import { existsSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { parse } from "yaml";

const fail = (code: number, message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};

const argv = process.argv.slice(2);
if (argv[0] !== "compose")
  fail(2, "rbx lab docker: only `docker compose …` is supported by the lab stand-in");
let file: string | undefined;
let project: string | undefined;
let envFile: string | undefined;
let i = 1;
for (; i < argv.length; i++) {
  const a = argv[i] ?? "";
  if (a === "-f" || a === "--file") file = argv[++i];
  else if (a.startsWith("--file=")) file = a.slice(7);
  else if (a === "-p" || a === "--project-name") project = argv[++i];
  else if (a === "--env-file") envFile = argv[++i];
  else if (a.startsWith("-"))
    fail(2, `rbx lab docker: compose option ${a} is not supported by the lab stand-in`);
  else break;
}
const sub = argv[i];
const rest = argv.slice(i + 1);
const composeFile = resolve(file ?? "compose.yaml");
if (!existsSync(composeFile)) fail(1, `no configuration file provided: not found (${composeFile})`);
const projectDir = dirname(composeFile);
const projectName = (project ?? basename(projectDir)).toLowerCase().replace(/[^a-z0-9_-]/g, "");

/** KEY=VALUE lines of a dotenv file (quotes removed, comments skipped). */
function readDotenv(path: string): Record<string, string> {
  if (!existsSync(path)) return {};
  const out: Record<string, string> = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!m?.[1]) continue;
    const raw = (m[2] ?? "").trim();
    const q = /^(["'])(.*)\1$/.exec(raw);
    out[m[1]] = q
      ? q[1] === '"'
        ? (q[2] ?? "").replace(/\\(["\\])/g, "$1")
        : (q[2] ?? "")
      : raw.replace(/\s+#.*$/, "");
  }
  return out;
}

// Compose: variables from the shell win over the project's .env.
const vars: Record<string, string | undefined> = {
  ...readDotenv(envFile ? resolve(envFile) : join(projectDir, ".env")),
  ...process.env,
};

function interpolate(text: string): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (all, name, colon, op, arg, bare) => {
      if (all === "$$") return "$";
      const key = name ?? bare;
      const value = vars[key];
      const unset = value === undefined || (colon === ":" && value === "");
      if (op === "-") return unset ? (arg ?? "") : (value as string);
      if (op === "?" && unset) fail(1, `required variable ${key} is missing a value: ${arg ?? ""}`);
      return value ?? "";
    },
  );
}

function deep(v: unknown): unknown {
  if (typeof v === "string") return interpolate(v);
  if (Array.isArray(v)) return v.map(deep);
  if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, deep(x)]));
  return v;
}

interface ServiceDef {
  image?: string;
  environment?: Record<string, unknown> | string[];
  ports?: (string | number)[];
}
const doc = deep(parse(readFileSync(composeFile, "utf8"))) as { services?: Record<string, ServiceDef> };
const services = doc.services ?? {};
const chosen = (names: string[]) => {
  const unknown = names.filter((n) => !(n in services));
  if (unknown.length > 0) fail(1, `no such service: ${unknown[0]}`);
  return names.length > 0 ? names : Object.keys(services);
};

function envOf(def: ServiceDef): Record<string, string> {
  const e = def.environment ?? {};
  if (Array.isArray(e))
    return Object.fromEntries(e.map((x) => [x.split("=")[0] ?? "", x.split("=").slice(1).join("=")]));
  return Object.fromEntries(
    Object.entries(e).map(([k, v]) => [k, v === null || v === undefined ? "" : String(v)]),
  );
}

function portOf(def: ServiceDef): number {
  const p = def.ports?.[0];
  if (p === undefined) return 0;
  const parts = String(p).split(":");
  return Number(parts.length === 3 ? parts[1] : parts.length === 2 ? parts[0] : 0) || 0;
}

function hostUrl(): string {
  const path = join(process.env.RBX_LAB_DIR ?? "", "compose", "host.json");
  if (!existsSync(path))
    return fail(
      1,
      "Cannot connect to the Docker daemon: the rbx lab runs no Compose host (rbx lab up --products kryton-compose)",
    );
  return (JSON.parse(readFileSync(path, "utf8")) as { url: string }).url;
}

async function call(
  method: "GET" | "POST",
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> & unknown[] }> {
  const res = await fetch(`${hostUrl()}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> & unknown[] };
}

const flags = rest.filter((a) => a.startsWith("-"));
const names = rest.filter((a) => !a.startsWith("-"));

if (sub === "config") {
  if (flags.includes("--images")) {
    for (const n of chosen(names)) process.stdout.write(`${services[n]?.image ?? ""}\n`);
  } else if (flags.includes("--services")) {
    for (const n of chosen(names)) process.stdout.write(`${n}\n`);
  } else fail(2, "rbx lab docker: `compose config` supports --images and --services only");
} else if (sub === "pull") {
  for (const n of chosen(names)) {
    const image = services[n]?.image ?? "";
    const r = await call("POST", "/pull", { image });
    if (r.status !== 200) fail(1, `Error response from daemon: ${String(r.json.error)}`);
    process.stderr.write(` ${n} Pulled\n`);
  }
} else if (sub === "up") {
  if (!flags.includes("-d") && !flags.includes("--detach"))
    fail(2, "rbx lab docker: only `compose up -d` (detached) is supported by the lab stand-in");
  for (const n of chosen(names)) {
    const def = services[n] ?? {};
    const r = await call("POST", "/up", {
      project: projectName,
      service: n,
      image: def.image ?? "",
      env: envOf(def),
      port: portOf(def),
    });
    if (r.status !== 200) fail(1, `Error response from daemon: ${String(r.json.error)}`);
    const what =
      r.json.result === "running" ? "Running" : r.json.result === "recreated" ? "Recreated" : "Started";
    process.stderr.write(` Container ${projectName}-${n}-1  ${what}\n`);
  }
} else if (sub === "ps") {
  const r = await call("GET", `/ps?project=${encodeURIComponent(projectName)}`);
  const rows = r.json as unknown as { service: string; image: string; state: string; health: string }[];
  if (rest.includes("json") || rest.includes("--format=json")) {
    for (const row of rows)
      process.stdout.write(
        `${JSON.stringify({ Name: `${projectName}-${row.service}-1`, Service: row.service, Image: row.image, State: row.state, Health: row.health })}\n`,
      );
  } else {
    process.stdout.write("NAME\tIMAGE\tSERVICE\tSTATUS\n");
    for (const row of rows)
      process.stdout.write(
        `${projectName}-${row.service}-1\t${row.image}\t${row.service}\t${row.state} (${row.health})\n`,
      );
  }
} else if (sub === "logs") {
  const r = await call(
    "GET",
    `/logs?project=${encodeURIComponent(projectName)}${names[0] ? `&service=${encodeURIComponent(names[0])}` : ""}`,
  );
  process.stdout.write(`${String(r.json.logs ?? "")}\n`);
} else if (sub === "down") {
  await call("POST", "/down", { project: projectName });
  process.stderr.write(` Project ${projectName} down\n`);
} else {
  fail(
    2,
    `rbx lab docker: \`compose ${sub ?? ""}\` is not supported by the lab stand-in (config --images, pull, up -d, ps, logs, down)`,
  );
}
