// Image references → sample services, pod plans from container args, and the objects a migration creates.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { planPod } from "../../../lab/product-pods.js";
import { productImages, resolveImage } from "../../../lab/products/catalog.js";
import { migrationsFolder } from "../../../lab/products/common/paths.js";
import { createdObjects } from "../../../lab/products/common/tracking-desync.js";

describe("catalog", () => {
  it("resolves known tags, fault suffixes, unknown tags and foreign images", () => {
    expect(resolveImage("registry.example/kryton:v4.6.5")).toMatchObject({
      kind: "product",
      version: "4.6.5",
    });
    expect(resolveImage("registry.example/kryton:v4.6.5-slow")).toMatchObject({
      version: "4.6.5",
      fault: "slow",
    });
    // Kryton publishes v-prefixed tags (002: kryton:v4.6.4); the bare version was never pushed.
    expect(resolveImage("registry.example/kryton:4.6.5")).toMatchObject({
      kind: "unknown-tag",
      tag: "4.6.5",
    });
    expect(resolveImage("registry.example/scrydon/cortex:2.5.2-broken-cortex")).toMatchObject({
      kind: "product",
      version: "2.5.2-broken-cortex",
    });
    expect(resolveImage("registry.example/scrydon/agentic:2.5.1-broken-migration")).toMatchObject({
      kind: "product",
      version: "2.5.1-broken-migration",
    });
    expect(resolveImage("registry.example/alexandria/api:v9.9.9")).toMatchObject({
      kind: "unknown-tag",
      tag: "v9.9.9",
    });
    expect(resolveImage("registry.example/kryton")).toMatchObject({ kind: "unknown-tag", tag: "latest" });
    expect(resolveImage("localhost:5000/busybox:1.36")).toEqual({ kind: "foreign" });
  });

  it("ships a drizzle migration folder for every Kryton and Scrydon version", () => {
    for (const image of productImages) {
      for (const version of image.versions) {
        if (image.product === "kryton")
          expect(existsSync(join(migrationsFolder("kryton", version), "meta", "_journal.json"))).toBe(true);
        if (image.product === "scrydon") {
          for (const db of ["auth", "agentic", "analytics", "cortex", "ontology"]) {
            expect(existsSync(join(migrationsFolder("scrydon", version, db), "meta", "_journal.json"))).toBe(
              true,
            );
          }
        }
      }
    }
  });

  it("plans a migration command from the container's args, the server otherwise, with the annotation's fault", () => {
    const base = {
      namespace: "n",
      name: "p",
      labels: {},
      annotations: { "lab.rbx.dev/fault": "never-ready" },
      restartPolicy: "Never",
      resolvedEnv: { c: { DATABASE_URL: "postgres://x" } },
    };
    const job = planPod({
      ...base,
      containers: [
        { name: "c", image: "registry.example/scrydon/api-platform:2.5.0", env: [], args: ["migrate"] },
      ],
    });
    expect(job).toMatchObject({
      plan: { module: "scrydon/migrate", serves: false, fault: "never-ready", version: "2.5.0" },
    });
    expect(job && "plan" in job ? job.plan.env : {}).toEqual({
      DATABASE_URL: "postgres://x",
      SCRYDON_SERVICE: "api-platform",
    });
    const server = planPod({
      ...base,
      containers: [{ name: "c", image: "registry.example/kryton:v4.7.0", env: [] }],
    });
    expect(server).toMatchObject({ plan: { module: "kryton/server", serves: true } });
    expect(
      planPod({ ...base, containers: [{ name: "c", image: "registry.example/kryton:0.0.1", env: [] }] }),
    ).toEqual({
      pullError: "registry.example/kryton:0.0.1",
    });
    expect(planPod({ ...base, containers: [{ name: "c", image: "nginx:1", env: [] }] })).toBeUndefined();
  });

  it("reads the objects a migration creates from its statements", () => {
    const sql = [
      'CREATE TABLE IF NOT EXISTS "profiles" ("id" serial);',
      'ALTER TABLE "audit_events" ADD COLUMN "source" text;',
      'CREATE INDEX IF NOT EXISTS "audit_events_ts_idx" ON "audit_events" ("ts");',
      'CREATE OR REPLACE VIEW "platform_migrations" AS SELECT 1;',
    ].join("\n--> statement-breakpoint\n");
    expect(createdObjects(sql)).toEqual([
      { kind: "relation", name: "profiles" },
      { kind: "relation", name: "platform_migrations" },
      { kind: "relation", name: "audit_events_ts_idx" },
      { kind: "column", table: "audit_events", name: "source" },
    ]);
  });
});
