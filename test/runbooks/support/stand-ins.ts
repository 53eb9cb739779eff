// What the lab does not have but the runbooks talk to: a cosign verifier and a registry resolver for the lab's
// images (small programs the runbooks exec), and an audit (SIEM) forwarder reading api-platform's audit log.
import { chmodSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { REPO } from "./rbx.js";

const catalog = join(REPO, "dist", "lab", "products", "catalog.js");

// Both programs resolve references with the lab's own image catalog, so a tag the lab cannot run is refused.
const resolver = `import { existsSync } from "node:fs";
import { resolveImage } from ${JSON.stringify(catalog)};
const known = (ref) => resolveImage(ref).kind === "product";
`;

/** A `cosign` for the lab: `verify --key KEY REF` succeeds for lab images and existing chart packages. */
export function writeLabCosign(dir: string): { program: string; key: string } {
  const key = join(dir, "lab-cosign.pub");
  writeFileSync(key, "-----BEGIN PUBLIC KEY-----\nlab signing key\n-----END PUBLIC KEY-----\n");
  const program = join(dir, "cosign");
  writeFileSync(
    program,
    `#!/usr/bin/env node
${resolver}
const [cmd, flag, keyFile, ref] = process.argv.slice(2);
if (cmd !== "verify" || flag !== "--key" || !existsSync(keyFile ?? "")) {
  console.error("usage: cosign verify --key KEY REF (the key file must exist)");
  process.exit(2);
}
const chart = /^(.*\\.tgz):[^/]+$/.exec(ref ?? "");
if (chart ? existsSync(chart[1]) : known(ref ?? "")) {
  console.log(\`Verification for \${ref} --\\nThe cosign claims were validated\\nThe signatures were verified against the specified public key\`);
  process.exit(0);
}
console.error(\`Error: no matching signatures: \${ref}\`);
process.exit(1);
`,
  );
  chmodSync(program, 0o755);
  return { program, key };
}

/** A `crane` for the lab: `digest REF` prints a digest for lab images and fails for tags that do not exist. */
export function writeLabCrane(dir: string): string {
  const program = join(dir, "crane");
  writeFileSync(
    program,
    `#!/usr/bin/env node
${resolver}
import { createHash } from "node:crypto";
const [cmd, ref] = process.argv.slice(2);
if (cmd === "digest" && known(ref ?? "")) {
  console.log("sha256:" + createHash("sha256").update(ref).digest("hex"));
  process.exit(0);
}
console.error(\`Error: fetching manifest \${ref}: MANIFEST_UNKNOWN: manifest unknown\`);
process.exit(1);
`,
  );
  chmodSync(program, 0o755);
  return program;
}

/** A running audit forwarder: `/status` says whether it keeps up with api-platform's audit log. */
export interface AuditForwarder {
  url: string;
  stop(): Promise<void>;
}

/** Poll `${platformUrl}/api/audit/events` and "forward" each new event; healthy while polls succeed. */
export async function startAuditForwarder(platformUrl: string): Promise<AuditForwarder> {
  let lastForwardedId = 0;
  let latestSeenId = 0;
  let lastOk = 0;
  const forwarded: number[] = [];
  const poll = async () => {
    try {
      const res = await fetch(`${platformUrl}/api/audit/events?limit=50`, {
        signal: AbortSignal.timeout(2_000),
      });
      const body = (await res.json()) as { events?: { id: number }[] };
      const ids = (body.events ?? []).map((e) => Number(e.id));
      latestSeenId = Math.max(0, ...ids);
      for (const id of ids.filter((i) => i > lastForwardedId).sort((a, b) => a - b)) forwarded.push(id);
      // After a restore the log restarts lower: forward from there.
      lastForwardedId = latestSeenId;
      lastOk = Date.now();
    } catch {
      // During a rollout api-platform may not answer; /status reports it.
    }
  };
  const timer = setInterval(() => void poll(), 500);
  await poll();
  const server: Server = createServer((_req, res) => {
    const healthy = Date.now() - lastOk < 5_000 && lastForwardedId >= latestSeenId;
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ healthy, lastForwardedId, latestSeenId, forwarded: forwarded.length }));
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      clearInterval(timer);
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
