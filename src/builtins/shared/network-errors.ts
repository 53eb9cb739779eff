// Why a target could not be reached, from a socket error or a tool's words: the codes every built-in uses.
// (Whether each code may be retried and whether it means "unreachable" is decided once, in contract/failure.ts.)

/** The network failure codes: the target did not answer, or the connection could not be made or trusted. */
export type NetworkCode = "connection-refused" | "dns" | "connection-reset" | "tls" | "no-answer";

const TLS_ERRNO = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_|HOSTNAME|ALTNAME/;

function byErrno(errno: string): NetworkCode | undefined {
  if (errno === "ECONNREFUSED") return "connection-refused";
  if (errno === "ENOTFOUND" || errno === "EAI_AGAIN" || errno === "EAI_NONAME") return "dns";
  if (
    errno === "ECONNRESET" ||
    errno === "EPIPE" ||
    errno === "ECONNABORTED" ||
    errno === "EHOSTUNREACH" ||
    errno === "ENETUNREACH" ||
    errno === "UND_ERR_SOCKET" ||
    errno === "UND_ERR_CLOSED"
  )
    return "connection-reset";
  if (
    errno === "ETIMEDOUT" ||
    errno === "UND_ERR_CONNECT_TIMEOUT" ||
    errno === "UND_ERR_HEADERS_TIMEOUT" ||
    errno === "UND_ERR_BODY_TIMEOUT"
  )
    return "no-answer";
  if (TLS_ERRNO.test(errno)) return "tls";
  return undefined;
}

/** The errno-like code of an error or of any error in its `cause` chain (fetch wraps the socket's). */
export function errnoOf(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[A-Z][A-Z0-9_]+$/.test(code)) return code;
    const errors = (e as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length > 0) e = errors[0];
    else e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The network code of a thrown error (its own code or its cause's), or undefined when it is not one. */
export function networkCode(error: unknown): NetworkCode | undefined {
  // An abandoned request (its lifetime ran out) is one the target never answered.
  if ((error as { name?: unknown } | undefined)?.name === "TimeoutError") return "no-answer";
  const errno = errnoOf(error);
  if (errno) {
    const code = byErrno(errno);
    if (code) return code;
  }
  const text = error instanceof Error ? error.message : String(error ?? "");
  return /socket hang up|other side closed|terminated unexpectedly|Connection terminated/i.test(text)
    ? "connection-reset"
    : undefined;
}

/** Codes of the failures a tool (helm, kubectl, pg_dump) reports in words on stderr. */
export type ToolCauseCode = NetworkCode | "unauthenticated" | "forbidden";

const TOOL_CAUSES: readonly [RegExp, ToolCauseCode][] = [
  [
    /\b(Unauthorized|You must be logged in|password authentication failed|authentication failed)\b|asked for the client to provide credentials/i,
    "unauthenticated",
  ],
  [/\b(is forbidden|Forbidden|permission denied for|must be owner of)\b/, "forbidden"],
  [/x509:|certificate (is not valid|signed by unknown|has expired)|tls: |SSL error|SSL SYSCALL/i, "tls"],
  [/connection refused|ECONNREFUSED|Is the server running/i, "connection-refused"],
  [/no such host|could not translate host name|Name or service not known|ENOTFOUND/i, "dns"],
  [
    /i\/o timeout|Client\.Timeout exceeded|TLS handshake timeout|timeout expired|context deadline exceeded \(Client\.Timeout/i,
    "no-answer",
  ],
  [
    /connection reset by peer|broken pipe|unexpected EOF|server closed the connection unexpectedly|terminating connection due to administrator command|the database system is (shutting down|starting up)/i,
    "connection-reset",
  ],
];

/** What a tool's error text says went wrong with the target, when it says so recognisably. */
export function toolCause(text: string): ToolCauseCode | undefined {
  for (const [pattern, code] of TOOL_CAUSES) if (pattern.test(text)) return code;
  return undefined;
}

/** A short phrase for a network code, for messages ("connection refused"). */
export function networkPhrase(code: string): string {
  switch (code) {
    case "connection-refused":
      return "connection refused";
    case "connection-reset":
      return "connection lost";
    case "dns":
      return "host name does not resolve";
    case "tls":
      return "TLS failed";
    case "no-answer":
      return "no answer";
    case "unauthenticated":
      return "credentials rejected";
    case "forbidden":
      return "permission denied";
    default:
      return code;
  }
}
