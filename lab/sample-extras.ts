// What a sample needs beside its chart: the values `rbx lab env` exports for it, the audit forwarder Scrydon's
// runbook checks, and — for kryton-compose — the Compose project itself on the lab's Compose host.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ComposeHost } from "./compose/host.js";
import { freePort } from "./postgres.js";
import { krytonNotesDir, type LabSample } from "./samples.js";
import type { LabStack } from "./stack.js";
import { startAuditForwarder } from "./stand-ins/audit-forwarder.js";
import type { LabTools } from "./tool-binaries.js";

/** A sample's companions: their env lines and how to stop them. */
export interface SampleExtras {
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** The lab's Compose host, started on first use (kryton-compose) and shared by every Compose project. */
let composeHost: ComposeHost | undefined;

async function hostOf(stack: LabStack<LabTools>): Promise<ComposeHost> {
  if (!composeHost) {
    const dir = join(stack.dir, "compose");
    mkdirSync(dir, { recursive: true });
    composeHost = new ComposeHost(stack.runtime, dir);
    await composeHost.start();
  }
  return composeHost;
}

/** The Kryton Compose project 002 describes: its image line reads ${KRYTON_TAG}, pinned in the project's .env. */
async function krytonCompose(stack: LabStack<LabTools>, sample: LabSample): Promise<SampleExtras> {
  const host = await hostOf(stack);
  const project = join(stack.dir, "compose", "kryton");
  mkdirSync(project, { recursive: true });
  const port = await freePort();
  const notes = krytonNotesDir(stack.dir, "kryton-compose");
  mkdirSync(notes, { recursive: true });
  const file = join(project, "compose.yaml");
  writeFileSync(
    file,
    [
      "# Kryton under Docker Compose (002), as the rbx lab runs it: the image line reads ${KRYTON_TAG}, pinned in .env.",
      "# The notes volume is a host directory here (KRYTON_NOTES_DIR): the lab's services are host processes.",
      "services:",
      "  kryton:",
      "    image: registry.example/kryton:${KRYTON_TAG}",
      "    restart: unless-stopped",
      "    environment:",
      "      POSTGRES_URL: ${KRYTON_POSTGRES_URL}",
      "      KRYTON_DATA_DIR: ${KRYTON_NOTES_DIR}",
      "    ports:",
      `      - "127.0.0.1:${port}:8080"`,
      "",
    ].join("\n"),
  );
  const dsn = stack.postgres.url("kryton");
  writeFileSync(
    join(project, ".env"),
    `KRYTON_TAG=v${sample.old.app}\nKRYTON_POSTGRES_URL=${dsn}\nKRYTON_NOTES_DIR=${notes}\n`,
    { mode: 0o600 },
  );
  const image = `registry.example/kryton:v${sample.old.app}`;
  await host.up({
    project: "kryton",
    service: "kryton",
    image,
    env: { POSTGRES_URL: dsn, KRYTON_DATA_DIR: notes },
    port,
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const ready = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) }).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`kryton (compose) did not become ready at ${url}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    env: {
      KRYTON_URL: url,
      KRYTON_COMPOSE_FILE: file,
      KRYTON_COMPOSE_ENV_FILE: join(project, ".env"),
      KRYTON_NOTES_DIR: notes,
    },
    stop: () => host.down("kryton"),
  };
}

/** Start what the sample needs beside its chart (after it is installed); `secrets` are the ones the lab created. */
export async function startSampleExtras(
  stack: LabStack<LabTools>,
  sample: LabSample,
  secrets: Record<string, Record<string, string>>,
): Promise<SampleExtras> {
  const env: Record<string, string> = { ...sample.exports?.({ dir: stack.dir, secrets }) };
  // The notes volume exists from the start, as a PVC does (empty until the first note).
  if (env.KRYTON_NOTES_DIR) mkdirSync(env.KRYTON_NOTES_DIR, { recursive: true });
  const stops: (() => Promise<void>)[] = [];
  if (sample.name === "scrydon") {
    // Polls api-platform through its Service proxy, looked up each time (the proxy moves if the Service is recreated).
    const platform = () =>
      stack.proxies.list().find((p) => p.namespace === sample.namespace && p.name === "api-platform")?.url;
    const forwarder = await startAuditForwarder(platform);
    env.SCRYDON_AUDIT_FORWARDER_URL = forwarder.url;
    env.SCRYDON_COSIGN_KEY = stack.cosignKey;
    stops.push(forwarder.stop);
  }
  if (sample.install === "compose") {
    const compose = await krytonCompose(stack, sample);
    Object.assign(env, compose.env);
    stops.push(compose.stop);
  }
  return {
    env,
    stop: async () => {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    },
  };
}

/** Stop the Compose host, if one was started. */
export async function stopComposeHost(): Promise<void> {
  await composeHost?.stop();
  composeHost = undefined;
}
