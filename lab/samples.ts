// The sample products as the lab installs them: release, namespace, chart versions, and the Secrets they need.
import { randomBytes } from "node:crypto";
import type { PostgresServer } from "./postgres.js";

/** Names of the sample products. */
export type SampleName = "kryton" | "scrydon" | "alexandria";

/** A chart version the lab packages (chart version and the appVersion it carries). */
export interface ChartVersion {
  chart: string;
  app: string;
}

/** How the lab installs one sample product. */
export interface LabSample {
  name: SampleName;
  release: string;
  namespace: string;
  /** Directory under lab/charts. */
  chart: string;
  /** Installed by `rbx lab up`. */
  old: ChartVersion;
  /** The upgrade target a runbook rehearses. */
  next: ChartVersion;
  /** Further packaged versions (destructive, broken). */
  others: ChartVersion[];
  /** Databases the lab creates before installing (the rest are created by the chart's jobs). */
  databases: string[];
  /** Install with post-install hooks and no --wait (the hooks migrate before pods can be ready). */
  hooksMigrate: boolean;
  /** Secrets (name → string data) the chart expects in its namespace. */
  secrets(pg: PostgresServer): Record<string, Record<string, string>>;
  /** Deployments to wait for after install. */
  deployments: string[];
  /** Service name → env variable carrying its proxy URL (`rbx lab env`). */
  serviceEnv: Record<string, string>;
  /** Database name → env variable carrying its URL (`rbx lab env`). */
  databaseEnv: Record<string, string>;
}

/** Every sample product, in install order. */
export const labSamples: readonly LabSample[] = [
  {
    name: "kryton",
    release: "kryton",
    namespace: "kryton",
    chart: "kryton",
    old: { chart: "4.6.4", app: "4.6.4" },
    next: { chart: "4.6.5", app: "4.6.5" },
    others: [
      { chart: "4.7.0", app: "4.7.0" },
      { chart: "4.6.6-broken-migration", app: "4.6.6-broken-migration" },
    ],
    databases: ["kryton"],
    hooksMigrate: false,
    secrets: (pg) => ({ "kryton-postgres": { url: pg.url("kryton") } }),
    deployments: ["kryton"],
    serviceEnv: { kryton: "KRYTON_URL" },
    databaseEnv: { kryton: "KRYTON_POSTGRES_URL" },
  },
  {
    name: "scrydon",
    release: "scrydon",
    namespace: "scrydon-platform",
    chart: "scrydon",
    old: { chart: "2.4.0", app: "2.4.0" },
    next: { chart: "2.5.0", app: "2.5.0" },
    others: [{ chart: "2.5.1-broken-migration", app: "2.5.1-broken-migration" }],
    databases: [],
    hooksMigrate: true,
    secrets: (pg) => ({
      "scrydon-postgres": {
        "admin-url": pg.url(),
        "auth-url": pg.url("auth"),
        "agentic-url": pg.url("agentic"),
        "analytics-url": pg.url("analytics"),
      },
      "scrydon-admin": { password: randomBytes(12).toString("hex") },
    }),
    deployments: ["api-platform", "agentic", "analytics"],
    serviceEnv: {
      "api-platform": "SCRYDON_URL",
      agentic: "SCRYDON_AGENTIC_URL",
      analytics: "SCRYDON_ANALYTICS_URL",
    },
    databaseEnv: {
      auth: "SCRYDON_AUTH_DATABASE_URL",
      agentic: "SCRYDON_AGENTIC_DATABASE_URL",
      analytics: "SCRYDON_ANALYTICS_DATABASE_URL",
    },
  },
  {
    name: "alexandria",
    release: "alexandria-ee",
    namespace: "alexandria",
    chart: "alexandria-ee",
    old: { chart: "1.2.3", app: "v1.2.3" },
    next: { chart: "1.3.0", app: "v1.3.0" },
    others: [{ chart: "1.3.1-broken-migration", app: "v1.3.1-broken-migration" }],
    databases: ["alexandria"],
    hooksMigrate: false,
    secrets: (pg) => ({ "alexandria-ee-dsn": { dsn: pg.url("alexandria") } }),
    deployments: ["alexandria-ee", "alexandria-ee-orchestrator", "alexandria-ee-dashboard"],
    serviceEnv: {
      "alexandria-ee": "ALEXANDRIA_URL",
      "alexandria-ee-orchestrator": "ALEXANDRIA_ORCHESTRATOR_URL",
      "alexandria-ee-dashboard": "ALEXANDRIA_DASHBOARD_URL",
    },
    databaseEnv: { alexandria: "ALEXANDRIA_DSN" },
  },
];

/** Find samples by name; unknown names are reported, not ignored. */
export function pickSamples(names: readonly string[]): { samples: LabSample[]; unknown: string[] } {
  const unknown = names.filter((n) => !labSamples.some((s) => s.name === n));
  return { samples: labSamples.filter((s) => names.includes(s.name)), unknown };
}
