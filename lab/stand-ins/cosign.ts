// `cosign` for the lab: `cosign verify --key KEY REF` succeeds for the lab's images and chart packages signed with
// the lab's key (rbx lab up writes it to <lab>/keys/cosign.pub), as the real cosign's exit codes and messages go.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { chartExists, imageExists } from "./registry.js";

const argv = process.argv.slice(2);
const fail = (code: number, message: string): never => {
  process.stderr.write(`${message}\n`);
  process.exit(code);
};
if (argv[0] !== "verify") fail(2, "rbx lab cosign: only `cosign verify --key KEY REF` is supported");
let key: string | undefined;
const refs: string[] = [];
for (let i = 1; i < argv.length; i++) {
  const a = argv[i] ?? "";
  if (a === "--key") key = argv[++i];
  else if (a.startsWith("--key=")) key = a.slice(6);
  else if (a.startsWith("-")) fail(2, `rbx lab cosign: option ${a} is not supported by the lab stand-in`);
  else refs.push(a);
}
if (!key || refs.length === 0) fail(2, "Error: accepts at least 1 arg(s), and --key is required");
if (!existsSync(key as string)) fail(1, `Error: loading public key: open ${key}: no such file or directory`);
const labKey = join(process.env.RBX_LAB_DIR ?? "", "keys", "cosign.pub");
if (!existsSync(labKey) || readFileSync(key as string, "utf8") !== readFileSync(labKey, "utf8"))
  fail(
    1,
    `Error: no matching signatures: invalid signature when validating ASN.1 encoded signature (key ${key})`,
  );
for (const ref of refs) {
  if (!imageExists(ref) && !chartExists(ref))
    fail(
      1,
      `Error: no matching signatures: ${ref}\nmain.go:74: error during command execution: no matching signatures`,
    );
  process.stderr.write(
    `\nVerification for ${ref} --\nThe following checks were performed on each of these signatures:\n` +
      "  - The cosign claims were validated\n  - The signatures were verified against the specified public key\n",
  );
  process.stdout.write(
    `${JSON.stringify([{ critical: { identity: { "docker-reference": ref.split(":")[0] } } }])}\n`,
  );
}
