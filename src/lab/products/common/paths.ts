// Where the lab's shipped assets (migration folders, charts) live, from src/ (tests) or dist/ (installed).
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: this file sits at <root>/{src,dist}/lab/products/common/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "..");

/** `<root>/lab`: non-code assets that ship with the package (charts, migration folders). */
export const labAssetsDir = join(packageRoot, "lab");

/** A product's migration folder for one version (drizzle layout: *.sql + meta/_journal.json). */
export function migrationsFolder(product: string, version: string, database?: string): string {
  return database === undefined
    ? join(labAssetsDir, "products", product, "migrations", version)
    : join(labAssetsDir, "products", product, "migrations", database, version);
}

/** The directory holding the lab's Helm charts (one directory per chart). */
export const chartsDir = join(labAssetsDir, "charts");
