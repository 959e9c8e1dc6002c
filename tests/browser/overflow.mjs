// Opens pages from disk at a phone's width and reports how wide each one's content is.
// usage: node overflow.mjs NODE_MODULES CHROMIUM WIDTH PAGE.html...
// prints {pages: [{page, scrollWidth, clientWidth}], external, errors, dialogs}
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
    }));
    pages.push({ page: path, ...size });
  }
});
console.log(JSON.stringify({ pages, ...report }));
