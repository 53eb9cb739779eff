// Scrydon's per-service databases: which service owns which, and where each one's URL comes from.

/** A database with its own drizzle ledger, and the env variable that carries its URL. */
export interface ScrydonDatabase {
  name: "auth" | "agentic" | "analytics" | "cortex" | "ontology";
  urlEnv: string;
}

/** The schema owners of doc 001 (platform owns auth, api-ontology owns ontology) and cortex, named by 000. */
export const scrydonDatabases: readonly ScrydonDatabase[] = [
  { name: "auth", urlEnv: "AUTH_DATABASE_URL" },
  { name: "agentic", urlEnv: "AGENTIC_DATABASE_URL" },
  { name: "analytics", urlEnv: "ANALYTICS_DATABASE_URL" },
  { name: "cortex", urlEnv: "CORTEX_DATABASE_URL" },
  { name: "ontology", urlEnv: "ONTOLOGY_DATABASE_URL" },
];

/** The database each service reads at runtime. */
export const serviceDatabase: Readonly<Record<string, ScrydonDatabase["name"]>> = {
  "api-platform": "auth",
  agentic: "agentic",
  analytics: "analytics",
  cortex: "cortex",
  "api-ontology": "ontology",
};
