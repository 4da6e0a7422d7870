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
        if (response.request().resourceType() !== 'script') return;
        loaded.push(
          response.body().then((body) => ({
            url: new URL(response.url()).pathname,
            gzipBytes: gzipSync(body, { level: 9 }).length,
            rawBytes: body.length,
          })),
        );
      });
      await page.goto(origin + '/');
      await page.waitForSelector('html[data-ready="true"]');
      const mark = await page.evaluate(
        () => performance.getEntriesByName('mypass-first-render')[0]?.startTime ?? Number.NaN,
      );
      times.push(mark);
      if (i === 0) scripts = await Promise.all(loaded);
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
