// Opens a site's overview from disk, types a query into the header's search box,
// submits, and reports what the search page found; saves a screenshot.
// Then clicks "Show more" MORE times (default 0), waiting for each page of results.
// With THEN, the search page instead submits QUERY and THEN at once from its own form
// (the first search made stale by the second before its results arrive), and reports
// once THEN's results are shown.
// usage: node search.mjs NODE_MODULES CHROMIUM SITE/index.html QUERY SCREENSHOT.png [MORE [THEN]]
// prints {url, state, status, results: [{href, text, hits: [text]}], loaded, more,
// external, errors, dialogs}; `loaded` lists the search files loaded, relative to
// search/, in the order loaded; `more` whether "Show more" is offered at the end.
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [nodeModules, chromiumPath, index, query, screenshot, more = "0", then] = process.argv.slice(2);
let found = {};
const report = await withBrowser(nodeModules, chromiumPath, async (context) => {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(pathToFileURL(index).href, { waitUntil: "load" });
  await page.fill("#site-q", query);
  await Promise.all([page.waitForURL(/search\.html\?q=/), page.press("#site-q", "Enter")]);
  if (then) {
    await page.evaluate(([a, b]) => {
      const input = document.getElementById("q");
      input.value = a;
      input.form.requestSubmit();
      input.value = b;
      input.form.requestSubmit();
    }, [query, then]);
    await page.waitForFunction(
      (b) => document.getElementById("search-status").textContent.includes("“" + b + "”") &&
        document.getElementById("search-results").hasAttribute("data-state"),
      then, { timeout: 20000 });
    // Time for a stale search's results to arrive, if it were to add them.
    await page.waitForTimeout(500);
  }
  await page.waitForSelector("#search-results[data-state]", { state: "attached", timeout: 20000 });
  for (let i = 0; i < Number(more) && (await page.isVisible("#search-more")); i++) {
    await page.click("#search-more");
    await page.waitForSelector("#search-results[data-state]", { state: "attached", timeout: 20000 });
  }
  found = await page.evaluate(() => ({
    url: location.href,
    state: document.getElementById("search-results").getAttribute("data-state"),
    status: document.getElementById("search-status").textContent,
    loaded: Array.from(document.querySelectorAll("script[src]"))
      .map((s) => s.getAttribute("src"))
      .filter((src) => src.startsWith("search/"))
      .map((src) => src.slice("search/".length)),
    more: !document.getElementById("search-more").hidden,
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
