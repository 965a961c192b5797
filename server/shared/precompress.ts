/**
 * Precompresses the built console once, at build time (`npm run build`, `scripts/precompress.ts`):
 * next to every text file worth it (`main-….js`, `styles-….css`, `index.html`…) it writes `x.br`
 * (brotli, best quality) and `x.gz` (gzip, best level). Call control then sends whichever the
 * browser accepts (`console.ts`, @fastify/static `preCompressed`) without compressing per request.
 * Files already compressed (images, audio, woff2) and tiny ones are left alone, and so is an
 * encoding that would not make the file smaller; the plain file is then served.
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);

/** Text formats that compress well; everything else the build emits is compressed already. */
const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|webmanifest|txt|xml|map|ico)$/i;
/** Below this a compressed reply saves less than its own overhead. */
const MIN_BYTES = 1024;

export interface PrecompressResult {
  files: number;
  bytes: number;
  brotliBytes: number;
  gzipBytes: number;
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

/** Writes `.br` and `.gz` siblings for the compressible files under `dir` (replacing old ones). */
export async function precompressConsole(dir: string): Promise<PrecompressResult> {
  const result: PrecompressResult = { files: 0, bytes: 0, brotliBytes: 0, gzipBytes: 0 };
  for await (const file of filesUnder(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const plain = await readFile(file);
    // A sibling left by an earlier run must not outlive a file that is no longer worth it.
    await rm(`${file}.br`, { force: true });
    await rm(`${file}.gz`, { force: true });
    if (plain.length < MIN_BYTES) continue;
    const [br, gz] = await Promise.all([
      brotli(plain, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
          [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
          [constants.BROTLI_PARAM_SIZE_HINT]: plain.length,
        },
      }),
      gzipAsync(plain, { level: constants.Z_BEST_COMPRESSION }),
    ]);
    result.files += 1;
    result.bytes += plain.length;
    if (br.length < plain.length) {
      await writeFile(`${file}.br`, br);
      result.brotliBytes += br.length;
    } else result.brotliBytes += plain.length;
    if (gz.length < plain.length) {
      await writeFile(`${file}.gz`, gz);
      result.gzipBytes += gz.length;
    } else result.gzipBytes += plain.length;
  }
  return result;
}
