// Reading a file a person names (runbook, params, variables, lint config): regular files only, bounded in size.
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { systemReason } from "./system-error.js";

/**
 * The most rbx reads of a runbook, a params or variables file or a lint config: 4 MiB. The largest runbook
 * in runbooks/ is about 30 KB; a file this large is a mistake (a log, a dump, a device), and reading it whole
 * would hold the process (and Ctrl-C) for as long as it takes.
 */
export const MAX_SOURCE_BYTES = 4 * 1024 * 1024;

/** A file's text, or why it was not read (in words, for "cannot read PATH: …"). */
export type SourceText = { ok: true; text: string } | { ok: false; reason: string };

/** "4 MiB", "310 KiB", "12 bytes". */
export function byteSize(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MiB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KiB`;
  return `${n} bytes`;
}

/**
 * Read `path` as UTF-8 text if it is a regular file of at most `limit` bytes. A device (`/dev/zero`), a pipe
 * or a directory is refused without reading: it is opened non-blocking, so a FIFO with no writer cannot hold
 * the process, and checked with fstat on the open descriptor. At most `limit + 1` bytes are ever read, so a
 * file that grows while it is read is refused too.
 */
export function readSourceText(path: string, limit = MAX_SOURCE_BYTES): SourceText {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { ok: false, reason: systemReason(err) };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { ok: false, reason: "it is a directory; give a file" };
    if (!st.isFile())
      return { ok: false, reason: "it is not a regular file (a device, a pipe or a socket); give a file" };
    const tooLarge = {
      ok: false as const,
      reason: `it is larger than the ${byteSize(limit)} rbx reads; is it the right file?`,
    };
    if (st.size > limit) return tooLarge;
    // Sized by fstat, grown if the file grows meanwhile, never past limit + 1 bytes.
    let buf = Buffer.allocUnsafe(Math.min(limit + 1, st.size + 1));
    let length = 0;
    for (;;) {
      if (length === buf.length) {
        if (length > limit) return tooLarge;
        const bigger = Buffer.allocUnsafe(Math.min(limit + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, length);
        buf = bigger;
      }
      const n = readSync(fd, buf, length, buf.length - length, null);
      if (n === 0) break;
      length += n;
    }
    return { ok: true, text: buf.toString("utf8", 0, length) };
  } catch (err) {
    return { ok: false, reason: systemReason(err) };
  } finally {
    closeSync(fd);
  }
}

/** `readSourceText` for callers that catch: the text, or an Error whose message is the reason. */
export function readSourceOrThrow(path: string): string {
  const read = readSourceText(path);
  if (!read.ok) throw new Error(read.reason);
  return read.text;
}
