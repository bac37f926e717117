// Bundles a Node app's own code (apps + libs, path aliases resolved) into one file; node_modules stay
// external (except the trimmed ones, see trimmed-packages.mjs). esbuild does the bundling; @swc/core compiles TypeScript first because esbuild cannot emit
// the decorator metadata NestJS dependency injection needs.
//   CLI:    node tools/build-node-app.mjs <entry.ts> <outfile.js>
//   import: import { bundleNodeApp } from '../../tools/build-node-app.mjs'   (benches)
import { transform } from '@swc/core';
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trimmedPackagesPlugin } from './trimmed-packages.mjs';

const root = resolve(import.meta.dirname, '..');

const swcPlugin = (swcrc) => ({
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const out = await transform(source, {
        ...swcrc,
        filename: args.path,
        swcrc: false,
        // CommonJS, as under jest: decorator metadata may name an interface imported from another file;
        // in ESM output that import would be a hard error, in CommonJS it is just undefined.
        module: { type: 'commonjs' },
        sourceMaps: 'inline',
      });
      return { contents: out.code, loader: 'js' };
    });
  },
});

export async function bundleNodeApp({ entry, outfile, sourcemap = true }) {
  const swcrc = JSON.parse(await readFile(resolve(root, '.swcrc'), 'utf8'));
  await build({
    entryPoints: [resolve(root, entry)],
    outfile: resolve(root, outfile),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap,
    tsconfig: resolve(root, 'tsconfig.base.json'),
    plugins: [trimmedPackagesPlugin(root), swcPlugin(swcrc)],
    logLevel: 'warning',
  });
  return resolve(root, outfile);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [entry, outfile] = process.argv.slice(2);
  if (!entry || !outfile) {
    console.error('usage: node tools/build-node-app.mjs <entry.ts> <outfile.js>');
    process.exit(2);
  }
  const started = Date.now();
  await bundleNodeApp({ entry, outfile });
  console.log(`built ${outfile} in ${Date.now() - started} ms`);
}
