// Opens pages from disk at a phone's width and reports how wide each one's content is,
// and which one-word buttons and table headers are broken across lines.
// usage: node overflow.mjs NODE_MODULES CHROMIUM WIDTH PAGE.html...
// prints {pages: [{page, scrollWidth, clientWidth, broken: [text]}], external, errors, dialogs}
import { pathToFileURL } from "node:url";
import { withBrowser } from "./browser.mjs";

const [nodeModules, chromiumPath, width, ...paths] = process.argv.slice(2);
const pages = [];
const report = await withBrowser(nodeModules, chromiumPath, async (context) => {
  const page = context.pages()[0] || (await context.newPage());
  await page.setViewportSize({ width: Number(width), height: 800 });
  for (const path of paths) {
    await page.goto(pathToFileURL(path).href, { waitUntil: "load" });
    const size = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      clientWidth: document.documentElement.clientWidth,
      broken: [...document.querySelectorAll("button, th")]
        .filter((e) => /^\S+$/.test(e.textContent.trim()))
        .filter((e) => {
          const range = document.createRange();
          range.selectNodeContents(e);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          return tops.size > 1;
        })
        .map((e) => e.textContent.trim()),
    }));
    pages.push({ page: path, ...size });
  }
});
console.log(JSON.stringify({ pages, ...report }));
