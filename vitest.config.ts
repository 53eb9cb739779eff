import { defineConfig } from "vitest/config";

// Tests talk to real servers and binaries; give them room, but keep every loop bounded inside the tests.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/postgres-global.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
