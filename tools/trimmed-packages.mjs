// Dependencies the app bundle carries trimmed instead of loading them whole from node_modules.
// Why: start-up time is mostly module loading (docs/performance.md). class-validator's CommonJS entry loads
// every validator (with validator.js and libphonenumber-js: ~320 files, ~140 ms) and class-transformer 34
// files, while the app uses a handful of names. Our TypeScript is compiled to CommonJS (build-node-app.mjs),
// and a CommonJS `require` keeps a whole module, so each package resolves to a module built separately from
// its ES build, re-exporting only the names the sources import (plus `keep`); esbuild drops the rest.
// Code that hands these packages to a library (the ValidationPipe) must pass the bundled copy explicitly.
import { build } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

export const TRIMMED_PACKAGES = {
  'class-validator': {
    esm: 'node_modules/class-validator/esm2015/index.js',
    keep: ['validate', 'getMetadataStorage'],
  },
  'class-transformer': {
    esm: 'node_modules/class-transformer/esm2015/index.js',
    keep: ['plainToInstance', 'classToPlain'],
  },
};

const SOURCE_DIRS = ['apps', 'libs'];

/** Names imported from `pkg` anywhere in the sources (tests excluded), e.g. `import { IsInt } from 'pkg'`. */
async function namesImportedFrom(root, pkg) {
  const names = new Set();
  const pattern = new RegExp(`import\\s*(?:type\\s*)?\\{([^}]*)\\}\\s*from\\s*'${pkg}'`, 'g');
  for (const dir of SOURCE_DIRS) {
    for (const file of await readdir(resolve(root, dir), { recursive: true })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      const source = await readFile(resolve(root, dir, file), 'utf8');
      for (const m of source.matchAll(pattern)) {
        for (const part of m[1].split(',')) {
          const name = part
            .trim()
            .replace(/^type\s+/, '')
            .split(/\s+as\s+/)[0];
          if (name) names.add(name);
        }
      }
    }
  }
  return names;
}

export function trimmedPackagesPlugin(root) {
  const filter = new RegExp(`^(${Object.keys(TRIMMED_PACKAGES).join('|')})$`);
  return {
    name: 'trimmed-packages',
    setup(b) {
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'trimmed' }));
      // A separate build: inside the app bundle the module would be reached through a CommonJS require and
      // kept whole; built on its own from an ES entry, everything not re-exported is dropped.
      b.onLoad({ filter: /.*/, namespace: 'trimmed' }, async (args) => {
        const { esm, keep } = TRIMMED_PACKAGES[args.path];
        const names = new Set([...keep, ...(await namesImportedFrom(root, args.path))]);
        const out = await build({
          stdin: {
            contents: `export { ${[...names].join(', ')} } from ${JSON.stringify(resolve(root, esm))};`,
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
}
