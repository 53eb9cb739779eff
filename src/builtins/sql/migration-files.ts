// A Drizzle migrations folder: files in journal order (meta/_journal.json) or lexical, with Drizzle's hashes.
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { ActionError } from "../shared/action-error.js";

/** One migration file. `hash` is Drizzle's (LF line ends); `rawHash` is of the bytes as they are on disk. */
export interface MigrationFile {
  name: string;
  hash: string;
  rawHash: string;
  /** The journal's `when` (ms since epoch); Drizzle stores it as created_at. 0 without a journal. */
  when: number;
  /** The file's SQL (what `verifyFromFiles` reads the created objects from). */
  sql: string;
}

/** The folder's migrations and how they were ordered. */
export interface MigrationFolder {
  ordering: "journal" | "lexical";
  files: MigrationFile[];
}

// crypto loads on the first hash, not with the catalog (`rbx validate` never hashes).
const sha256 = (text: string) =>
  process.getBuiltinModule("node:crypto").createHash("sha256").update(text).digest("hex");

/** Drizzle's hash of a migration's text: sha256 of the file with CRLF turned into LF. */
export function drizzleHash(text: string): string {
  return sha256(text.replace(/\r\n/g, "\n"));
}

interface JournalEntry {
  tag: string;
  when: number;
}

async function readJournal(path: string): Promise<JournalEntry[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, "utf8"));
  } catch (cause) {
    throw new ActionError(
      "invalid-migrations-folder",
      `Cannot read ${path}: it must be Drizzle's JSON journal`,
      { cause },
    );
  }
  const entries = (parsed as { entries?: unknown }).entries;
  if (!Array.isArray(entries) || entries.some((e) => typeof e?.tag !== "string")) {
    throw new ActionError("invalid-migrations-folder", `${path} has no entries[].tag list`);
  }
  return entries.map((e: { tag: string; when?: unknown }) => ({ tag: e.tag, when: Number(e.when ?? 0) }));
}

/** Read the folder; every journal entry must have its .sql file. */
export async function readMigrationFolder(dir: string): Promise<MigrationFolder> {
  if (!existsSync(dir))
    throw new ActionError("invalid-migrations-folder", `Migrations folder ${dir} does not exist`);
  const journalPath = join(dir, "meta", "_journal.json");
  const hasJournal = existsSync(journalPath);
  const entries: JournalEntry[] = hasJournal
    ? await readJournal(journalPath)
    : (await readdir(dir))
        .filter((f) => f.endsWith(".sql"))
        .sort()
        .map((f) => ({ tag: f.slice(0, -4), when: 0 }));
  const files: MigrationFile[] = [];
  for (const entry of entries) {
    let text: string;
    try {
      text = await readFile(join(dir, `${entry.tag}.sql`), "utf8");
    } catch (cause) {
      throw new ActionError(
        "invalid-migrations-folder",
        `The journal lists ${entry.tag} but ${entry.tag}.sql is missing`,
        {
          cause,
        },
      );
    }
    files.push({
      name: entry.tag,
      hash: drizzleHash(text),
      rawHash: sha256(text),
      when: entry.when,
      sql: text,
    });
  }
  return { ordering: hasJournal ? "journal" : "lexical", files };
}

/** The folder a ledger action compares with; `verifyFromFiles` without `migrationsDir` is refused. */
export async function migrationFolderOf(args: {
  migrationsDir?: string;
  verifyFromFiles?: boolean;
}): Promise<MigrationFolder | undefined> {
  if (args.verifyFromFiles && !args.migrationsDir)
    throw new ActionError(
      "invalid-arguments",
      "verifyFromFiles reads the objects from the migration files: give migrationsDir too",
    );
  return args.migrationsDir ? await readMigrationFolder(args.migrationsDir) : undefined;
}

/** The files whose SQL the desync check derives objects from (only with `verifyFromFiles`). */
export function derivedFrom(
  args: { verifyFromFiles?: boolean },
  folder: MigrationFolder | undefined,
): MigrationFile[] | undefined {
  return args.verifyFromFiles ? folder?.files : undefined;
}
