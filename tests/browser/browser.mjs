// Shared by the browser checks: starts Debian's Chromium through playwright-core (never
// a downloaded browser) with a fresh profile, and lets pages load local files only.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

// `nodeModules`: the folder holding playwright-core and axe-core.
export function requireFrom(nodeModules) {
  return createRequire(join(resolve(nodeModules), "gazette-resolve.js"));
}

// Opens a browser; `run(context, report)` drives it. Requests for anything but
// file:// URLs are refused and listed in report.external; page errors, console errors
// and dialogs (alert()) are listed too.
export async function withBrowser(nodeModules, chromiumPath, run) {
  const { chromium } = requireFrom(nodeModules)("playwright-core");
  const profile = mkdtempSync(join(tmpdir(), "gazette-chromium-"));
  const report = { external: [], errors: [], dialogs: [] };
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    args: FLAGS,
    viewport: { width: 1100, height: 900 },
  });
  try {
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:")) { return route.continue(); }
      report.external.push(url);
      return route.abort();
    });
    context.on("page", (page) => watch(page, report));
    for (const page of context.pages()) { watch(page, report); }
    await run(context, report);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
  return report;
}

function watch(page, report) {
  page.on("pageerror", (e) => report.errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") { report.errors.push(m.text()); } });
  page.on("dialog", (d) => { report.dialogs.push(d.message()); d.dismiss().catch(() => {}); });
}
