// PostgreSQL's own parser (libpg_query compiled to WebAssembly), loaded once, only when a runbook has SQL.
//
// libpg-query's module initialises asynchronously; `lintSource` awaits `loadSqlParser()` before the rules run
// whenever the runbook holds SQL, and the rules parse synchronously. Parsing before it is loaded throws (a caller
// that skipped the load would otherwise get silently fewer findings).

/** A parsed statement: its node (`{ IndexStmt: {...} }`) and where it is, in UTF-16 offsets of the text. */
export interface ParsedStatement {
  node: Record<string, unknown>;
  start: number;
  end: number;
}

/** A token of the text, in UTF-16 offsets, with its text as written. */
export interface SqlToken {
  start: number;
  end: number;
  text: string;
}

/**
 * The outcome of parsing one SQL string. Its tokens are scanned on first use: a rule asks for them only to place a
 * finding, and scanning costs as much again as parsing.
 */
export type SqlParse =
  | { ok: true; statements: ParsedStatement[]; tokens: () => SqlToken[]; offset: (byte: number) => number }
  | { ok: false; message: string };

interface LibPgQuery {
  loadModule(): Promise<void>;
  parseSync(sql: string): { stmts?: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[] };
  scanSync(sql: string): { tokens: { start: number; end: number }[] };
}

let parser: LibPgQuery | undefined;
let loading: Promise<void> | undefined;

/** Load the parser (about 20 ms the first time; later calls return at once). */
export function loadSqlParser(): Promise<void> {
  loading ??= import("libpg-query").then(async (m) => {
    await m.loadModule();
    parser = m as unknown as LibPgQuery;
  });
  return loading;
}

/** Byte offsets (what libpg_query reports) to UTF-16 offsets of `text`. */
function byteToChar(text: string): (byte: number) => number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII range test, the common case.
  if (/^[\u0000-\u007f]*$/.test(text)) return (b) => b;
  const map: number[] = [];
  let i = 0;
  for (const ch of text) {
    const bytes = Buffer.byteLength(ch, "utf8");
    for (let k = 0; k < bytes; k++) map.push(i);
    i += ch.length;
  }
  map.push(i);
  return (b) => map[Math.max(0, Math.min(b, map.length - 1))] ?? i;
}

/** Parse one SQL string into statements and tokens (positions in UTF-16 offsets of `text`). */
export function parseSql(text: string): SqlParse {
  if (!parser) throw new Error("the SQL parser is not loaded: await loadSqlParser() before linting SQL");
  const pg = parser;
  let stmts: { stmt?: unknown; stmt_location?: number; stmt_len?: number }[];
  try {
    stmts = pg.parseSync(text).stmts ?? [];
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
  const offset = byteToChar(text);
  const byteLength = Buffer.byteLength(text, "utf8");
  const statements = stmts.map((s) => {
    const from = s.stmt_location ?? 0;
    const to = s.stmt_len ? from + s.stmt_len : byteLength;
    return { node: (s.stmt ?? {}) as Record<string, unknown>, start: offset(from), end: offset(to) };
  });
  let tokens: SqlToken[] | undefined;
  const scan = (): SqlToken[] => {
    if (tokens) return tokens;
    let scanned: { start: number; end: number }[] = [];
    try {
      scanned = pg.scanSync(text).tokens;
    } catch {
      // The scanner reads what the parser accepted: a failure here leaves the finding at the statement's start.
    }
    tokens = scanned.map((t) => {
      const start = offset(t.start);
      const end = offset(t.end);
      return { start, end, text: text.slice(start, end) };
    });
    return tokens;
  };
  return { ok: true, statements, tokens: scan, offset };
}
