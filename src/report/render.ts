// One entry for `rbx report`: the report in the format asked for.
import { renderHtml } from "./html.js";
import { renderMarkdown } from "./markdown.js";
import type { RunReport } from "./model.js";

/** The formats `rbx report` writes. */
export const reportFormats = ["md", "html", "json"] as const;
export type ReportFormat = (typeof reportFormats)[number];

/** Render a report; json carries a format version so tools can rely on its shape. */
export function renderReport(report: RunReport, format: ReportFormat): string {
  if (format === "html") return renderHtml(report);
  if (format === "md") return renderMarkdown(report);
  return `${JSON.stringify({ reportVersion: 1, ...report }, null, 2)}\n`;
}
