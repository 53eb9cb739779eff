// Kubernetes Status errors: thrown inside the stand-in, written to clients as `kind: Status` bodies.
import type { ResourceType } from "./resources.js";

/** A failure the API answers with a Status object and an HTTP code. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The Status body sent to the client. */
  toStatus(): Record<string, unknown> {
    return {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message: this.message,
      reason: this.reason,
      details: this.details,
      code: this.code,
    };
  }
}

function what(t: ResourceType): string {
  return t.group ? `${t.plural}.${t.group}` : t.plural;
}

/** 404 NotFound for a named object. */
export function notFound(t: ResourceType, name: string): ApiError {
  return new ApiError(404, "NotFound", `${what(t)} "${name}" not found`, {
    name,
    group: t.group,
    kind: t.plural,
  });
}

/** 409 AlreadyExists on create. */
export function alreadyExists(t: ResourceType, name: string): ApiError {
  return new ApiError(409, "AlreadyExists", `${what(t)} "${name}" already exists`, {
    name,
    group: t.group,
    kind: t.plural,
  });
}

/** 409 Conflict on a stale resourceVersion. */
export function conflict(t: ResourceType, name: string): ApiError {
  return new ApiError(
    409,
    "Conflict",
    `Operation cannot be fulfilled on ${what(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
    { name, group: t.group, kind: t.plural },
  );
}

/** 422 Invalid with one cause. */
export function invalid(t: ResourceType, name: string, field: string, message: string): ApiError {
  return new ApiError(422, "Invalid", `${t.kind} "${name}" is invalid: ${field}: ${message}`, {
    name,
    group: t.group,
    kind: t.kind,
    causes: [{ reason: "FieldValueInvalid", message, field }],
  });
}

/** 400 BadRequest. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, "BadRequest", message);
}

/** 415 UnsupportedMediaType. */
export function unsupportedMedia(
  contentType: string,
  accepted = [
    "application/json-patch+json",
    "application/merge-patch+json",
    "application/apply-patch+yaml",
    "application/strategic-merge-patch+json",
  ],
): ApiError {
  return new ApiError(
    415,
    "UnsupportedMediaType",
    `the body of the request was in an unknown format - accepted media types include: ${accepted.join(", ")} (got ${contentType})`,
  );
}

/** 405 MethodNotAllowed. */
export function methodNotAllowed(method: string): ApiError {
  return new ApiError(
    405,
    "MethodNotAllowed",
    `the server does not allow this method on the requested resource (${method})`,
  );
}
