// vitest globalSetup: one private PostgreSQL server for the whole test run; each test makes fresh databases on it.
import type { TestProject } from "vitest/node";
import { type PostgresServer, startPostgres } from "../../lab/postgres.js";

let server: PostgresServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startPostgres();
  const { port, password, pid, binDir, dataDir } = server;
  project.provide("postgres", { port, password, pid, binDir, dataDir });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    postgres: { port: number; password: string; pid: number; binDir: string; dataDir: string };
  }
}
