/**
 * `npm run build`'s last step: writes `.br` and `.gz` next to the built console's text files
 * (server/shared/precompress.ts), so call control sends them compressed without compressing per
 * request. Usage: `tsx scripts/precompress.ts [dir]` (default: CONSOLE_DIR or
 * dist/switchboard/browser).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { precompressConsole } from '../server/shared/precompress.ts';

const dir = resolve(process.argv[2] || process.env.CONSOLE_DIR || 'dist/switchboard/browser');
if (!existsSync(resolve(dir, 'index.html'))) {
  console.error(`precompress: no built console at ${dir} (run ng build first)`);
  process.exit(1);
}
const started = performance.now();
const { files, bytes, brotliBytes, gzipBytes } = await precompressConsole(dir);
const kb = (n: number) => `${Math.round(n / 1024)} KB`;
console.log(
  `precompress: ${files} files in ${dir}: ${kb(bytes)} → brotli ${kb(brotliBytes)}, gzip ${kb(gzipBytes)} (${Math.round(performance.now() - started)} ms)`,
);
