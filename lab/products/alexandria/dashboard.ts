// The Alexandria dashboard: static UI shell, ready as soon as it listens.
import { runService } from "../common/lifecycle.js";
import { serviceEnv } from "../common/service-env.js";
import { probeRoutes, quietProbePaths } from "./probe-routes.js";

const env = serviceEnv("alexandria", "dashboard");

await runService(env, {
  quietPaths: quietProbePaths,
  routes: [
    ...probeRoutes(env, async () => undefined),
    {
      method: "GET",
      path: "/",
      handle: () => ({ status: 200, body: `Alexandria EE dashboard ${env.version}\n` }),
    },
  ],
});
