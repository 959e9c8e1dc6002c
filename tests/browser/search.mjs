// Opens a site's overview from disk, types a query into the header's search box,
// submits, and reports what the search page found; saves a screenshot.
// usage: node search.mjs NODE_MODULES CHROMIUM SITE/index.html QUERY SCREENSHOT.png
// prints {url, status, results: [{href, text, hits: [text]}], external, errors, dialogs}
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [nodeModules, chromiumPath, index, query, screenshot] = process.argv.slice(2);
let found = {};
const report = await withBrowser(nodeModules, chromiumPath, async (context) => {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(pathToFileURL(index).href, { waitUntil: "load" });
  await page.fill("#site-q", query);
  await Promise.all([page.waitForURL(/search\.html\?q=/), page.press("#site-q", "Enter")]);
  await page.waitForSelector("#search-results[data-state]", { state: "attached", timeout: 20000 });
  found = await page.evaluate(() => ({
    url: location.href,
    state: document.getElementById("search-results").getAttribute("data-state"),
    status: document.getElementById("search-status").textContent,
    results: Array.from(document.querySelectorAll("#search-results > li")).map((li) => {
      const a = li.querySelector("a.result-title");
      return {
        href: a ? a.href : null,
        text: a ? a.textContent : "",
        hits: Array.from(li.querySelectorAll(".result-hits a")).map((h) => ({ href: h.href, text: h.textContent })),
      };
    }),
  }));
  await page.screenshot({ path: screenshot, fullPage: true });
});
console.log(JSON.stringify({ ...found, ...report }));
