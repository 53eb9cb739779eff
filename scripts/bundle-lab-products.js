#!/usr/bin/env node
// Build step after tsc: each sample product's process entry (dist/lab/products/<product>/<module>.js, as the lab's
// image catalog names them) is bundled with drizzle-orm inside it, so drizzle-orm — a dependency of the sample
// products, not of rbx — stays a dev dependency and an installed rbx runs its lab without it.
import { cpSync, existsSync, rmSync } from "node:fs";
import { isAbsolute, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "rolldown";

const root = fileURLToPath(new URL("..", import.meta.url));
const products = join(root, "dist", "lab", "products");
const out = join(root, "dist", "lab", "products-bundle");
const { productImages } = await import(join(products, "catalog.js"));

/** Every module a pod of a sample product runs: each image's entry and its commands (`args: ["migrate"]`). */
const modules = new Set(productImages.flatMap((i) => [i.entry, ...Object.values(i.commands)]));
const input = Object.fromEntries([...modules].map((m) => [m, join(products, `${m}.js`)]));

rmSync(out, { recursive: true, force: true });
await build({
  input,
  platform: "node",
  logLevel: "warn",
  // Only drizzle-orm is copied in; rbx's own dependencies (pg) load from node_modules as for the rest of rbx.
  external: (id) => !isAbsolute(id) && !id.startsWith(".") && !id.startsWith("drizzle-orm"),
  output: { dir: out, format: "esm", entryFileNames: "[name].js", chunkFileNames: "shared/[name]-[hash].js" },
});
for (const m of modules) {
  if (!existsSync(join(out, `${m}.js`))) throw new Error(`bundle-lab-products: no bundle for ${m}`);
}
// In place of the per-file entries: the lab starts the same paths, now self-contained.
cpSync(out, products, { recursive: true });
rmSync(out, { recursive: true, force: true });
process.stdout.write(`bundled ${modules.size} sample product entries with drizzle-orm\n`);
