// A store URL as people may see it: never its password (nor a token in its query).

/** Is this a PostgreSQL store URL? */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/** The URL as people may see it: the password never appears (also not in errors, logs or journals). */
export function safeLocation(url: string): string {
  try {
    const u = new URL(url);
    u.password = "";
    for (const key of [...u.searchParams.keys()]) {
      if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, "***");
    }
    return u.toString();
  } catch {
    return "postgres://(unparsable URL)";
  }
}

/** The secrets of a store URL (its password, a token in its query), to mask wherever text might echo them. */
export function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const out = [u.password, decodeURIComponent(u.password)].filter((s) => s.length > 0);
    for (const [k, v] of u.searchParams) if (/pass|secret|key|token/i.test(k) && v) out.push(v);
    return out;
  } catch {
    return [url];
  }
}
