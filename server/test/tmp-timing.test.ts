import { test } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { readFile } from 'node:fs/promises';
import { migrate } from '../db/migrations.ts';
test('t', async () => {
  const dist = new URL('../../node_modules/@electric-sql/pglite/dist/', import.meta.url);
  let t = performance.now();
  const [pgliteWasmModule, initdbWasmModule] = await Promise.all([
    WebAssembly.compile(await readFile(new URL('pglite.wasm', dist))),
    WebAssembly.compile(await readFile(new URL('initdb.wasm', dist))),
  ]);
  console.log('compile', performance.now() - t); t = performance.now();
  const p = await PGlite.create('memory://', { pgliteWasmModule, initdbWasmModule } as any);
  console.log('create with modules', performance.now() - t); t = performance.now();
  await migrate({ query: async (s: string, a: any[] = []) => (await p.query(s, a)).rows, transaction: (w: any) => p.transaction((tx) => w({ query: async (s: string, a: any[] = []) => (await tx.query(s, a)).rows })) } as any);
  console.log('migrate', performance.now() - t); t = performance.now();
  const blob = await p.dumpDataDir('none');
  console.log('dump', performance.now() - t, blob.size); t = performance.now();
  const q = await PGlite.create('memory://', { pgliteWasmModule, initdbWasmModule, loadDataDir: blob } as any);
  console.log('create from dump', performance.now() - t); t = performance.now();
  console.log((await q.query('select count(*) from users')).rows);
  const r = await PGlite.create('memory://', { pgliteWasmModule, initdbWasmModule } as any);
  console.log('create with modules again', performance.now() - t); t = performance.now();
});
