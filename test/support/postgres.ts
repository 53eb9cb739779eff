// The run's shared PostgreSQL server, borrowed by a test file; its `stop()` leaves the server to the global teardown.
import { inject } from "vitest";
import { type PostgresServer, postgresHandle } from "../../lab/postgres.js";

/** The shared server of this test run (started once by test/support/postgres-global.ts). */
export async function testPostgres(): Promise<PostgresServer> {
  return postgresHandle(inject("postgres"), async () => {});
}
