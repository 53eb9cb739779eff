#!/usr/bin/env node
// Build step of the VS Code extension (npm run build:vscode, after `tsc -p editors/vscode`): bundles the compiled
// extension with vscode-languageclient into one CommonJS file, editors/vscode/dist/extension.js, so the packaged
// extension needs no node_modules of its own. `vscode` is the editor's own module and stays external.
import { existsSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const dir = fileURLToPath(new URL("../editors/vscode/", import.meta.url));
rmSync(`${dir}dist`, { recursive: true, force: true });
await build({
  input: `${dir}out/extension.js`,
  platform: "node",
  logLevel: "warn",
  external: ["vscode"],
  output: { file: `${dir}dist/extension.js`, format: "cjs", minify: false, sourcemap: false },
});
if (!existsSync(`${dir}dist/extension.js`))
  throw new Error("bundle-vscode: rolldown wrote no dist/extension.js");
process.stdout.write("bundled the VS Code extension into editors/vscode/dist/extension.js\n");
