import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Tests talk to real servers and binaries; give them room, but keep every loop bounded inside the tests.
export default defineConfig({
  // Example packages import rbx by its public name (rbx-runbooks), as a team's package does; here that is this checkout's build,
  // the file package.json's "exports" names (the tests that run the CLI build it first).
  resolve: {
    alias: [
      { find: /^rbx-runbooks$/, replacement: fileURLToPath(new URL("./dist/src/index.js", import.meta.url)) },
    ],
  },
  test: {
    // The example action packages test themselves here too, each under examples/<name>/test/.
    include: ["test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    globalSetup: ["test/support/postgres-global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Most suites wait on real processes (helm, the lab, PostgreSQL) rather than compute: run more files than cores so
    // their waits overlap (vitest's default, cores - 1, is one file at a time on a 2-core CI machine).
    maxWorkers: Math.max(3, availableParallelism()),
    reporters: ["default"],
  },
});
