// Is the Kubernetes API answering right now? Asked after a tool (helm) failed, to tell "the change failed" from
// "the cluster could not be reached" — a failure of the second kind must not start a rollback into the outage.
import type { ActionContext } from "../../contract/action.js";
import { classifyCode } from "../../contract/failure.js";
import { ActionError } from "../shared/action-error.js";
import { kubeClients } from "./kube-client.js";
import { kubeError } from "./kube-errors.js";
import { answerWithin } from "./poll.js";

/** The unreachable-cause code (`connection-refused`, `no-answer`…) when the API does not answer now; else undefined. */
export async function apiUnreachable(
  ctx: ActionContext,
  args: { connection?: string; namespace?: string },
  withinMs = 5_000,
): Promise<string | undefined> {
  let c: Awaited<ReturnType<typeof kubeClients>> | undefined;
  try {
    c = await kubeClients(ctx, args);
    const { VersionApi } = await import("@kubernetes/client-node");
    const version = c.api(VersionApi);
    await answerWithin(
      version.getCode().catch((error: unknown) => {
        throw kubeError(error, "GET /version");
      }),
      withinMs,
      "the Kubernetes API",
    );
    return undefined;
  } catch (error) {
    const code = error instanceof ActionError ? error.code : undefined;
    return code && classifyCode(code).category === "unreachable" ? code : undefined;
  } finally {
    c?.close();
  }
}
