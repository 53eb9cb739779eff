// What the operating system said, in words an operator acts on: "the disk is full (ENOSPC)", never a stack trace.

/** Words for the error codes a file or directory operation gives; the code itself follows in parentheses. */
const REASONS: Record<string, string> = {
  ENOSPC: "no space is left on the device",
  EDQUOT: "the disk quota is exhausted",
  EROFS: "the file system is read-only",
  EACCES: "permission denied",
  EPERM: "the operation is not permitted",
  ENOENT: "it does not exist",
  ENOTDIR: "a part of the path is a file, not a directory",
  EISDIR: "it is a directory",
  EEXIST: "it already exists",
  EMFILE: "too many files are open",
  ENFILE: "too many files are open on the system",
  ENAMETOOLONG: "the path is too long",
  ELOOP: "the path has too many symbolic links (a loop?)",
  EIO: "an input/output error (the disk or the terminal)",
  EBUSY: "it is busy",
  ETXTBSY: "it is busy",
  EFBIG: "the file is too large",
  EINVAL: "the operation is not valid for it",
};

/** An error the operating system gave for a path (it has a string `code` such as ENOSPC). */
export function isSystemError(err: unknown): err is NodeJS.ErrnoException & { code: string } {
  const code = err instanceof Error ? (err as NodeJS.ErrnoException).code : undefined;
  return typeof code === "string" && /^E[A-Z]+$/.test(code);
}

/** "no space is left on the device (ENOSPC)"; the error's own message for a code not listed. */
export function systemReason(err: unknown): string {
  if (!isSystemError(err)) return err instanceof Error ? err.message : String(err);
  const words = REASONS[err.code];
  return words ? `${words} (${err.code})` : `${err.message.replace(/^[A-Z]+: /, "")}`;
}

/** "cannot write /x/runs/1.jsonl: no space is left on the device (ENOSPC)", naming the path the error names. */
export function describeSystemError(err: unknown, doing?: string): string {
  if (!isSystemError(err)) return err instanceof Error ? err.message : String(err);
  const verb = doing ?? verbOf(err.syscall);
  const path = err.path ?? "";
  return `cannot ${verb}${path ? ` ${path}` : ""}: ${systemReason(err)}`;
}

function verbOf(syscall: string | undefined): string {
  switch (syscall) {
    case "open":
      return "open";
    case "read":
    case "stat":
    case "fstat":
    case "lstat":
    case "scandir":
      return "read";
    case "mkdir":
      return "create the directory";
    case "rename":
    case "unlink":
    case "rmdir":
    case "copyfile":
    case "write":
    case "fsync":
    case "ftruncate":
      return "write";
    default:
      return syscall ? `${syscall}` : "use";
  }
}
