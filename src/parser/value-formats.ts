// Literal formats a param default or metadata field must match: semver, identifiers, URLs.

/** Semantic Versioning 2.0.0, with an optional leading `v` refused (tags differ; the version does not). */
export const semverPattern =
  "^(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*)(?:\\.(?:0|[1-9][0-9]*|[0-9]*[A-Za-z-][0-9A-Za-z-]*))*))?(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$";

const semverRe = new RegExp(semverPattern);

/** True for `1.2.3`, `1.2.3-rc.1`, `1.2.3+build.5`. */
export function isSemver(text: string): boolean {
  return semverRe.test(text);
}

/** Names read in expressions (`steps.<id>`, `params.<name>`): CEL identifiers. */
export const identifierPattern = "^[A-Za-z_][A-Za-z0-9_]*$";

/** Names only referred to by name (phases, check suites, connections): hyphens allowed. */
export const namePattern = "^[A-Za-z][A-Za-z0-9_-]*$";

/** Environment variable names. */
export const envNamePattern = "^[A-Za-z_][A-Za-z0-9_]*$";

/** Action names: dotted camelCase words (`helm.upgrade`, `kubectl.rolloutStatus`, `approve`). */
export const actionNamePattern = "^[a-z][a-zA-Z0-9-]*(?:\\.[a-z][a-zA-Z0-9-]*)*$";

/** True for an absolute http(s) URL. */
export function isHttpUrl(text: string): boolean {
  try {
    const u = new URL(text);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
