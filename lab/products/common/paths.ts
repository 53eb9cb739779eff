// Where the lab's shipped assets (migration folders, charts) live, from src/ (tests), dist/ or the bundle.
import { join } from "node:path";
import { rbxPackage } from "../../../src/package-root.js";

/** The package root (the directory of rbx's package.json). */
export const packageRoot = rbxPackage().root;

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
