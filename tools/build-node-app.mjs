// Bundles a Node app's own code (apps + libs, path aliases resolved) into one file; node_modules stay
// external. esbuild does the bundling; @swc/core compiles TypeScript first because esbuild cannot emit
// the decorator metadata NestJS dependency injection needs.
//   CLI:    node tools/build-node-app.mjs <entry.ts> <outfile.js>
//   import: import { bundleNodeApp } from '../../tools/build-node-app.mjs'   (benches)
import { transform } from '@swc/core';
import { build } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * class-validator is bundled from its ES module build instead of loaded from node_modules: its CommonJS entry
 * loads every validator (with validator.js and libphonenumber-js: ~320 files, ~140 ms of start-up) while the
 * app uses a handful. Our TypeScript is compiled to CommonJS (see above), and a CommonJS `require` keeps a whole
 * module, so 'class-validator' resolves to a small ES module re-exporting only the names the sources import;
 * esbuild then drops the rest. The pipe's `validate` and `getMetadataStorage` are always kept.
 */
const CLASS_VALIDATOR_ESM = resolve(root, 'node_modules/class-validator/esm2015/index.js');

async function namesImportedFrom(pkg, dirs) {
  const names = new Set(['validate', 'getMetadataStorage']);
  const pattern = new RegExp(`import\\s*(?:type\\s*)?\\{([^}]*)\\}\\s*from\\s*'${pkg}'`, 'g');
  for (const dir of dirs) {
    for (const file of await readdir(resolve(root, dir), { recursive: true })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      const source = await readFile(resolve(root, dir, file), 'utf8');
      for (const m of source.matchAll(pattern)) {
        for (const n of m[1].split(',')) {
          const name = n
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0];
          if (name) names.add(name);
        }
      }
    }
  }
  return [...names];
}

const classValidatorPlugin = {
  name: 'class-validator-esm',
  setup(b) {
    b.onResolve({ filter: /^class-validator$/ }, () => ({ path: 'class-validator', namespace: 'cv-esm' }));
    // A separate build: inside the app bundle the module would be reached through a CommonJS require and
    // wrapped whole; built on its own from an ES entry, the unused validators are dropped.
    b.onLoad({ filter: /.*/, namespace: 'cv-esm' }, async () => {
      const names = await namesImportedFrom('class-validator', ['apps', 'libs']);
      const out = await build({
        stdin: {
          contents: `export { ${names.join(', ')} } from ${JSON.stringify(CLASS_VALIDATOR_ESM)};`,
          resolveDir: root,
          loader: 'js',
        },
        bundle: true,
        platform: 'node',
        target: 'node20',
        format: 'cjs',
        packages: 'external',
        write: false,
        logLevel: 'warning',
      });
      return { contents: out.outputFiles[0].text, resolveDir: root, loader: 'js' };
    });
  },
};

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
    plugins: [classValidatorPlugin, swcPlugin(swcrc)],
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
