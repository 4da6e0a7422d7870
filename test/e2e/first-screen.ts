// Bench piece (issue 4, deliverable 6): the first screen's JavaScript size (gzip) and its time to
// first render in Chromium. `npm run bench` prints the result; nothing here asserts a target.
import { gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { registerWebUi } from '@mypass/server/http/web-ui';
import { chromiumAvailable, launchChromium } from './chromium.js';
import { ensureWebBuild } from './web-build.js';

export interface FirstScreenMeasurement {
  /** Gzip size (level 9) of every script the first screen loads, in bytes. */
  readonly jsGzipBytes: number;
  readonly jsRawBytes: number;
  readonly scripts: readonly { url: string; gzipBytes: number }[];
  /** Median over the runs of the `mypass-first-render` mark (ms since navigation start). */
  readonly firstRenderMs: number;
  readonly runs: readonly number[];
}

/** Builds the UI if needed, serves it on 127.0.0.1, and loads the first screen `runs` times in fresh contexts. */
export async function measureFirstScreen(runs = 5): Promise<FirstScreenMeasurement | undefined> {
  if (!chromiumAvailable()) return undefined;
  const dir = ensureWebBuild();
  const app = Fastify();
  registerWebUi(app, { dir });
  const origin = await app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launchChromium();
  try {
    const times: number[] = [];
    let scripts: { url: string; gzipBytes: number; rawBytes: number }[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ locale: 'en-US' });
      const page = await context.newPage();
      const loaded: Promise<{ url: string; gzipBytes: number; rawBytes: number }>[] = [];
      page.on('response', (response) => {
        if (i > 0 || response.request().resourceType() !== 'script') return;
        const url = new URL(response.url()).pathname;
        loaded.push(
          response.body().then(
            (body) => ({ url, gzipBytes: gzipSync(body, { level: 9 }).length, rawBytes: body.length }),
            // A chunk prefetched after the first render may still be loading when the context closes.
            () => ({ url, gzipBytes: 0, rawBytes: 0 }),
          ),
        );
      });
      await page.goto(origin + '/');
      await page.waitForSelector('html[data-ready="true"]');
      const { mark, early } = await page.evaluate(() => {
        const at = performance.getEntriesByName('mypass-first-render')[0]?.startTime ?? Number.NaN;
        // Scripts requested before the first render are the first screen's; the flow chunk is
        // prefetched afterwards and does not count.
        const before = performance
          .getEntriesByType('resource')
          .filter((e) => e.startTime <= at && new URL(e.name).pathname.endsWith('.js'))
          .map((e) => new URL(e.name).pathname);
        return { mark: at, early: before };
      });
      times.push(mark);
      if (i === 0) scripts = (await Promise.all(loaded)).filter((s) => early.includes(s.url));
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    return {
      jsGzipBytes: scripts.reduce((sum, s) => sum + s.gzipBytes, 0),
      jsRawBytes: scripts.reduce((sum, s) => sum + s.rawBytes, 0),
      scripts: scripts.map(({ url, gzipBytes }) => ({ url, gzipBytes })),
      firstRenderMs: Math.round((sorted[Math.floor(sorted.length / 2)] ?? Number.NaN) * 10) / 10,
      runs: times.map((t) => Math.round(t * 10) / 10),
    };
  } finally {
    await browser.close();
    await app.close();
  }
}
