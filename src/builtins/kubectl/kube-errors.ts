// Kubernetes API failures as ActionErrors: not-found, unauthenticated, forbidden, conflict, connection-refused, ...
import { ActionError, messageOf } from "../shared/action-error.js";
import { errnoOf, networkCode, networkPhrase } from "../shared/network-errors.js";

const BY_STATUS: Record<number, string> = {
  400: "invalid",
  401: "unauthenticated",
  403: "forbidden",
  404: "not-found",
  409: "conflict",
  415: "unsupported-media-type",
  422: "invalid",
  429: "throttled",
  503: "api-unavailable",
};

const HINT: Record<string, string> = {
  unauthenticated: " — the API rejects the kubeconfig's credentials (expired or wrong token?)",
  forbidden: " — the credentials are valid but lack the permission (RBAC)",
};

function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.slice(0, 300) || undefined;
    }
  }
  const m = (parsed as { message?: unknown } | undefined)?.message;
  return typeof m === "string" ? m : undefined;
}

/** The error for a failed API call about `what` (e.g. "deployment apps/api"). */
export function kubeError(error: unknown, what: string): ActionError {
  if (error instanceof ActionError) return error;
  const status = (error as { code?: unknown }).code;
  if (typeof status === "number") {
    const kind = BY_STATUS[status] ?? "api-error";
    const detail = statusMessage((error as { body?: unknown }).body) ?? messageOf(error);
    return new ActionError(kind, `${what}: ${detail} (HTTP ${status})${HINT[kind] ?? ""}`, {
      cause: error,
      details: { httpStatus: status },
    });
  }
  const kind = networkCode(error) ?? "api-error";
  const errno = errnoOf(error);
  const why = kind === "api-error" ? messageOf(error) : `${networkPhrase(kind)}${errno ? `, ${errno}` : ""}`;
  return new ActionError(kind, `${what}: cannot reach the Kubernetes API (${why})`, { cause: error });
}

/** True when the error is an API 404. */
export function isNotFound(error: unknown): boolean {
  return (
    (error as { code?: unknown }).code === 404 || (error instanceof ActionError && error.code === "not-found")
  );
}
