// Bundles a Node app's own code (apps + libs, path aliases resolved) into one file; node_modules stay
// external. esbuild does the bundling; @swc/core compiles TypeScript first because esbuild cannot emit
// the decorator metadata NestJS dependency injection needs.
import { build } from 'esbuild';
import { transform } from '@swc/core';
import { readFile } from 'node:fs/promises';

const [entry, outfile] = process.argv.slice(2);
if (!entry || !outfile) {
  console.error('usage: node tools/build-node-app.mjs <entry.ts> <outfile.js>');
  process.exit(2);
}
const swcrc = JSON.parse(await readFile(new URL('../.swcrc', import.meta.url), 'utf8'));

const swcPlugin = {
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
};

const started = Date.now();
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: true,
  tsconfig: 'tsconfig.base.json',
  plugins: [swcPlugin],
  logLevel: 'warning',
});
console.log(`built ${outfile} in ${Date.now() - started} ms`);
