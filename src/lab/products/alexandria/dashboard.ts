// The Alexandria dashboard: static UI shell, ready as soon as it listens.
import { readinessRoute, runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";

const env = serviceEnv("alexandria", "dashboard");

await runService(env, {
  quietPaths: ["/ready", "/healthz"],
  routes: [
    { method: "GET", path: "/healthz", handle: () => ({ status: 200, body: "OK" }) },
    readinessRoute(env, "/ready", async () => undefined),
    {
      method: "GET",
      path: "/version",
      handle: () => ({ status: 200, body: { version: env.version, commit: env.commit } }),
    },
    {
      method: "GET",
      path: "/",
      handle: () => ({ status: 200, body: `Alexandria EE dashboard ${env.version}\n` }),
    },
  ],
});
