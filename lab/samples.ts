// The sample products as the lab installs them: release, namespace, chart versions, and the Secrets they need.
import { randomBytes } from "node:crypto";
import type { PostgresServer } from "./postgres.js";

/** Names of the sample products (`kryton-compose` is Kryton run by Docker Compose instead of Helm). */
export type SampleName = "kryton" | "kryton-compose" | "scrydon" | "alexandria";

/** A chart version the lab packages (chart version, the appVersion it carries, and subchart versions it pins). */
export interface ChartVersion {
  chart: string;
  app: string;
  /** Subchart name → the version this chart version vendors (a dependency bump, e.g. postgresql 16 → 17). */
  subcharts?: Record<string, string>;
}

/** What the lab knows once a sample's Secrets exist, for the values it exports (`rbx lab env`). */
export interface SampleContext {
  /** The lab directory. */
  dir: string;
  /** The Secrets created for the sample (name → string data). */
  secrets: Record<string, Record<string, string>>;
}

/** How the lab installs one sample product. */
export interface LabSample {
  name: SampleName;
  /** helm: installed from its chart; compose: a Compose project on the lab's Compose host. */
  install: "helm" | "compose";
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
  /** Databases the lab creates before installing (a real cluster's database server already has them). */
  databases: string[];
  /** Install with post-install hooks and no --wait (the hooks migrate before pods can be ready). */
  hooksMigrate: boolean;
  /** Secrets (name → string data) the chart expects in its namespace. */
  secrets(pg: PostgresServer): Record<string, Record<string, string>>;
  /** `--set` values the lab installs with (paths inside the lab directory). */
  installSet?(dir: string): Record<string, string>;
  /** Deployments to wait for after install. */
  deployments: string[];
  /** Service name → env variable carrying its proxy URL (`rbx lab env`). */
  serviceEnv: Record<string, string>;
  /** Database name → env variable carrying its URL (`rbx lab env`). */
  databaseEnv: Record<string, string>;
  /** Further `rbx lab env` values (a password the lab generated, a data directory). */
  exports?(ctx: SampleContext): Record<string, string>;
}

const KRYTON_VERSIONS = {
  old: { chart: "4.6.4", app: "4.6.4", subcharts: { postgresql: "16.4.5" } },
  next: { chart: "4.6.5", app: "4.6.5", subcharts: { postgresql: "16.4.5" } },
  others: [
    { chart: "4.7.0", app: "4.7.0", subcharts: { postgresql: "17.0.0" } },
    { chart: "4.6.6-broken-migration", app: "4.6.6-broken-migration", subcharts: { postgresql: "16.4.5" } },
  ],
};

/** Where the lab keeps Kryton's notes data (the chart-managed PVC / the Compose volume). */
export function krytonNotesDir(dir: string, sample: "kryton" | "kryton-compose"): string {
  return `${dir}/data/${sample}`;
}

/** Every sample product, in install order. */
export const labSamples: readonly LabSample[] = [
  {
    name: "kryton",
    install: "helm",
    release: "kryton",
    namespace: "kryton",
    chart: "kryton",
    ...KRYTON_VERSIONS,
    databases: ["kryton"],
    hooksMigrate: false,
    secrets: (pg) => ({ "kryton-postgres": { url: pg.url("kryton") } }),
    installSet: (dir) => ({ "persistence.hostPath": krytonNotesDir(dir, "kryton") }),
    deployments: ["kryton"],
    serviceEnv: { kryton: "KRYTON_URL" },
    databaseEnv: { kryton: "KRYTON_POSTGRES_URL" },
    exports: ({ dir }) => ({ KRYTON_NOTES_DIR: krytonNotesDir(dir, "kryton") }),
  },
  {
    name: "kryton-compose",
    install: "compose",
    release: "kryton",
    namespace: "compose-kryton",
    chart: "kryton",
    ...KRYTON_VERSIONS,
    databases: ["kryton"],
    hooksMigrate: false,
    secrets: () => ({}),
    deployments: [],
    serviceEnv: {},
    databaseEnv: { kryton: "KRYTON_POSTGRES_URL" },
  },
  {
    name: "scrydon",
    install: "helm",
    release: "scrydon",
    namespace: "scrydon-platform",
    chart: "scrydon",
    old: { chart: "2.4.0", app: "2.4.0" },
    next: { chart: "2.5.0", app: "2.5.0" },
    others: [
      { chart: "2.5.1-broken-migration", app: "2.5.1-broken-migration" },
      { chart: "2.5.2-broken-cortex", app: "2.5.2-broken-cortex" },
    ],
    // The cluster's PostgreSQL (001's `deploy/db`) holds every service database before the chart is installed.
    databases: ["auth", "agentic", "analytics", "cortex", "ontology"],
    hooksMigrate: true,
    secrets: (pg) => ({
      "scrydon-postgres": {
        "admin-url": pg.url(),
        "auth-url": pg.url("auth"),
        "agentic-url": pg.url("agentic"),
        "analytics-url": pg.url("analytics"),
        "cortex-url": pg.url("cortex"),
        "ontology-url": pg.url("ontology"),
      },
      "scrydon-admin": { password: randomBytes(12).toString("hex") },
    }),
    deployments: ["api-platform", "agentic", "analytics", "cortex", "api-ontology"],
    serviceEnv: {
      "api-platform": "SCRYDON_URL",
      agentic: "SCRYDON_AGENTIC_URL",
      analytics: "SCRYDON_ANALYTICS_URL",
      cortex: "SCRYDON_CORTEX_URL",
      "api-ontology": "SCRYDON_ONTOLOGY_URL",
    },
    databaseEnv: {
      auth: "SCRYDON_AUTH_DATABASE_URL",
      agentic: "SCRYDON_AGENTIC_DATABASE_URL",
      analytics: "SCRYDON_ANALYTICS_DATABASE_URL",
      cortex: "SCRYDON_CORTEX_DATABASE_URL",
      ontology: "SCRYDON_ONTOLOGY_DATABASE_URL",
    },
    exports: ({ secrets }) => ({ SCRYDON_ADMIN_PASSWORD: secrets["scrydon-admin"]?.password ?? "" }),
  },
  {
    name: "alexandria",
    install: "helm",
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

/** Samples that cannot share one lab (they export the same variables). */
const exclusive: readonly (readonly SampleName[])[] = [["kryton", "kryton-compose"]];

/** Find samples by name; unknown names and samples that cannot run together are reported, not ignored. */
export function pickSamples(names: readonly string[]): {
  samples: LabSample[];
  unknown: string[];
  conflicting: string[];
} {
  const unknown = names.filter((n) => !labSamples.some((s) => s.name === n));
  const conflicting = exclusive.find((group) => group.every((g) => names.includes(g))) ?? [];
  return {
    samples: labSamples.filter((s) => names.includes(s.name)),
    unknown,
    conflicting: [...conflicting],
  };
}
