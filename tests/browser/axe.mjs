// axe-core on pages opened from disk, in light and dark colour schemes.
// usage: node axe.mjs NODE_MODULES CHROMIUM PAGE.html[?QUERY]...
// A page with a query (search.html?q=rare) is checked once its results are shown.
// prints {pages: [{page, scheme, violations: [{id, impact, help, targets}]}], external, errors, dialogs}
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [nodeModules, chromiumPath, ...files] = process.argv.slice(2);
const axeSource = join(resolve(nodeModules), "axe-core", "axe.min.js");
const pages = [];
const report = await withBrowser(nodeModules, chromiumPath, async (context) => {
  const page = context.pages()[0] || (await context.newPage());
  for (const file of files) {
    for (const scheme of ["light", "dark"]) {
      await page.emulateMedia({ colorScheme: scheme });
      const [path, query] = file.split("?");
      const url = pathToFileURL(path).href + (query ? "?" + query : "");
      await page.goto(url, { waitUntil: "load" });
      if (query) {
        await page.waitForSelector("#search-results[data-state]", { state: "attached", timeout: 20000 });
      }
      await page.addScriptTag({ path: axeSource });
      const violations = await page.evaluate(async () => {
        // No preload: it fetches stylesheets with XHR, which file:// refuses.
        const r = await window.axe.run(document, { resultTypes: ["violations"], preload: false });
        return r.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          targets: v.nodes.map((n) => n.target.join(" ")).slice(0, 5),
        }));
      });
      pages.push({ page: file, scheme, violations });
    }
  }
});
console.log(JSON.stringify({ pages, ...report }));
