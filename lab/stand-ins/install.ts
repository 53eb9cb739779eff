// Put the lab's stand-in programs (cosign, crane, docker) on the lab PATH next to helm and kubectl, and write the
// signing key the cosign stand-in verifies against.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { modulesPath, nodeModuleArgs } from "../../src/package-root.js";

/** The stand-in programs and the module each runs. */
const programs = { cosign: "cosign", crane: "crane", docker: "docker" } as const;

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/** Write `<binDir>/<program>` wrappers and `<labDir>/keys/cosign.pub`; returns the key's path. */
export function installStandIns(labDir: string, binDir: string): { cosignKey: string } {
  mkdirSync(binDir, { recursive: true });
  for (const [name, module] of Object.entries(programs)) {
    const args = nodeModuleArgs(join(modulesPath("lab", "stand-ins"), module))
      .map(quote)
      .join(" ");
    const script = `#!/bin/sh\n# rbx lab stand-in for ${name}\nRBX_LAB_DIR=${quote(labDir)} exec ${quote(process.execPath)} ${args} "$@"\n`;
    const path = join(binDir, name);
    writeFileSync(path, script);
    chmodSync(path, 0o755);
  }
  const keys = join(labDir, "keys");
  mkdirSync(keys, { recursive: true });
  const cosignKey = join(keys, "cosign.pub");
  writeFileSync(
    cosignKey,
    "-----BEGIN PUBLIC KEY-----\nrbx lab release signing key (stand-in; verifies only lab artefacts)\n-----END PUBLIC KEY-----\n",
  );
  return { cosignKey };
}
