// Durability of names, not only of contents: a file created or renamed survives a power loss only once the
// directory holding its name is fsync'd too.
import { closeSync, fsyncSync, openSync } from "node:fs";
import { dirname } from "node:path";

/** fsync a directory, so the names created, renamed or removed in it are on disk. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** After `mkdir -p dir`: fsync it and its parent, so the new directory itself is on disk. */
export function fsyncNewDir(dir: string): void {
  fsyncDir(dir);
  fsyncDir(dirname(dir));
}
