import { startServer, launch, openPage } from './harness.mjs';
const server = await startServer();
const browser = await launch();
try {
  for (const width of [1280, 1400]) {
    const { page, context } = await openPage(browser, server.origin, { viewport: { width, height: 900 } });
    const buttons = await page.$$eval('#example-buttons button', (b) => b.map((x) => x.textContent));
    for (const title of buttons) {
      await page.getByRole('button', { name: title }).click();
      await page.waitForSelector('#report:not([hidden])');
      const m = await page.evaluate(() => {
        const wrap = document.querySelector('.matrix-wrap');
        const w = wrap.getBoundingClientRect();
        const ths = [...document.querySelectorAll('#matrix thead th')];
        const clipped = ths.filter((t) => t.getBoundingClientRect().right > w.right + 0.5).length;
        return { cols: ths.length, wrapW: Math.round(w.width), scrollW: wrap.scrollWidth, clientW: wrap.clientWidth, clipped };
      });
      console.log(width, title, JSON.stringify(m));
    }
    await context.close();
  }
} finally { await browser.close(); await server.close(); }
