// A fleet's final status as the exit code of `rbx fleet run|resume`.
import { EXIT_CODES } from "../../../run/model/exit-codes.js";

export function exitFor(status: string): number {
  switch (status) {
    case "completed":
      return EXIT_CODES.completed;
    case "completed-with-errors":
      return EXIT_CODES.failed;
    case "interrupted":
      return EXIT_CODES.interrupted;
    default:
      return EXIT_CODES.halted;
  }
}
