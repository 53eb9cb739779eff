// The HTML report rendered by a real headless Chromium: the timeline's bars carry the right step names.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { type BrowserContext, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { foldReport } from "../../src/report/fold.js";
import { renderHtml } from "../../src/report/html.js";
import { haltedRun, rolledBackRun, tempStateDir, writeJournal } from "./journals.js";

const dir = tempStateDir();
const profile = mkdtempSync(join(tmpdir(), "rbx-chromium-"));
const artifacts = resolve("test-artifacts");
let browser: BrowserContext;

beforeAll(async () => {
  mkdirSync(artifacts, { recursive: true });
  // A fresh user-data dir per run: nothing from another profile leaks into the rendering.
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    viewport: { width: 1100, height: 900 },
    javaScriptEnabled: false,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
});

async function open(html: string, name: string) {
  const file = join(dir, `${name}.html`);
  writeFileSync(file, html);
  const requests: string[] = [];
  const page = await browser.newPage();
  page.on("request", (r) => {
    if (!r.url().startsWith("file:")) requests.push(r.url());
  });
  await page.goto(pathToFileURL(file).href);
  return { page, requests };
}

describe("HTML report in Chromium", () => {
  it("draws a bar per phase and step, rollback bars apart, with no external request", async () => {
    const html = renderHtml(foldReport(writeJournal(dir, "html1", rolledBackRun("html1"))));
    expect(html).not.toMatch(/<script|<link|src=|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    const { page, requests } = await open(html, "rolled-back");
    try {
      const steps = await page.$$eval("svg.timeline rect.bar.step", (els) =>
        els.map((e) => e.getAttribute("data-step")),
      );
      expect(steps).toEqual(["before", "history", "upgrade", "migrations"]);
      const phases = await page.$$eval("svg.timeline rect.bar.phase", (els) =>
        els.map((e) => e.getAttribute("data-phase")),
      );
      expect(phases).toEqual(["precheck", "upgrade"]);
      const rollback = await page.$$eval("svg.timeline rect.bar.rollback-step", (els) =>
        els.map((e) => e.getAttribute("data-step")),
      );
      expect(rollback).toEqual([
        "rollback:upgrade/0",
        "rollback:upgrade/1",
        "rollback:upgrade/2:check:healthy-on-previous/ready",
      ]);
      const labels = await page.$$eval("svg.timeline text.label", (els) => els.map((e) => e.textContent));
      expect(labels).toContain("migrations");
      expect(labels).toContain("rollback upgrade");
      // Bars have real width in layout, and a later step starts to the right of an earlier one.
      const box = async (sel: string) => (await page.locator(sel).boundingBox())!;
      const upgrade = await box('rect.bar.step[data-step="upgrade"]');
      const migrations = await box('rect.bar.step[data-step="migrations"]');
      expect(upgrade.width).toBeGreaterThan(50);
      expect(migrations.x).toBeGreaterThan(upgrade.x + upgrade.width - 1);
      // Rollback is drawn distinctly: a different fill from forward steps.
      const fill = (sel: string) =>
        page.locator(sel).evaluate((e) => e.ownerDocument.defaultView?.getComputedStyle(e).fill);
      expect(await fill('rect.bar.rollback-step[data-step="rollback:upgrade/0"]')).not.toBe(
        await fill('rect.bar.step[data-step="upgrade"]'),
      );
      expect(await page.locator("rect.attempt.failed").count()).toBe(2);
      await page.screenshot({ path: join(artifacts, "report-rolled-back.png"), fullPage: true });
      expect(requests).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it("shows a halted run's recovery commands and its open timeline", async () => {
    const html = renderHtml(foldReport(writeJournal(dir, "html2", haltedRun("html2"))));
    const { page } = await open(html, "halted");
    try {
      const commands = await page.$$eval("ul.recovery pre", (els) => els.map((e) => e.textContent));
      expect(commands).toEqual([
        "rbx resume html2",
        "rbx skip html2 migrations --reason '<why it is already done>'",
        "rbx rollback html2",
      ]);
      expect(await page.locator('rect.bar.step.failed[data-step="migrations"]').count()).toBe(1);
      await page.screenshot({ path: join(artifacts, "report-halted.png"), fullPage: true });
    } finally {
      await page.close();
    }
  });
});
