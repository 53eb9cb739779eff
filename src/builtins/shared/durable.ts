// Making a finished artifact (a snapshot) survive a power loss: its files' contents, then the names that hold them.
import { open, readdir } from "node:fs/promises";
import { join } from "node:path";

async function fsyncPath(path: string): Promise<void> {
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync every file under `dir` (recursively), then each directory, `dir` last. */
export async function fsyncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) await fsyncTree(p);
    else if (entry.isFile()) await fsyncPath(p);
  }
  await fsyncPath(dir);
}

/** fsync a directory, so a name created or renamed in it is on disk. */
export function fsyncDirectory(dir: string): Promise<void> {
  return fsyncPath(dir);
}
