// Dependencies the app bundle carries trimmed instead of loading them whole from node_modules.
// Why: start-up time is mostly module loading (docs/performance.md). class-validator's CommonJS entry loads
// every validator (with validator.js and libphonenumber-js: ~320 files, ~140 ms) and class-transformer 34
// files, while the app uses a handful of names. Our TypeScript is compiled to CommonJS (build-node-app.mjs),
// and a CommonJS `require` keeps a whole module, so each package resolves to a module built separately from
// its ES build, re-exporting only the names the sources import (plus `keep`); esbuild drops the rest.
// Code that hands these packages to a library (the ValidationPipe) must pass the bundled copy explicitly.
import { build } from 'esbuild';
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

export const TRIMMED_PACKAGES = {
  'class-validator': {
    esm: 'node_modules/class-validator/esm2015/index.js',
    keep: ['validate', 'getMetadataStorage'],
  },
  'class-transformer': {
    esm: 'node_modules/class-transformer/esm2015/index.js',
    keep: ['plainToInstance', 'classToPlain'],
  },
  // Only for prom-client (below): its CPU metric imports the whole API for exemplars (51 files).
  '@opentelemetry/api': { esm: 'node_modules/@opentelemetry/api/dist/index.mjs', keep: ['trace', 'context'] },
};

/**
 * CommonJS packages whose index only re-exports `exports.Name = require('./lib/file')`: the sources' names
 * are taken straight from their files and bundled. prom-client's index also loads the push gateway
 * (http, https, zlib), cluster aggregation and summaries, none of which the app uses.
 */
const CJS_SUBSET_PACKAGES = { 'prom-client': 'node_modules/prom-client/index.js' };

const SOURCE_DIRS = ['apps', 'libs'];

/**
 * @nestjs/swagger: controllers and DTOs use only its decorators, which record metadata. The bundle carries
 * those (CommonJS, so the directory is bundled as is) and the full package is loaded on the first /docs-json
 * request by the one file below, whose require is left alone. Its explorer reads the same metadata keys.
 */
const SWAGGER_DECORATORS = 'node_modules/@nestjs/swagger/dist/decorators/index.js';
const SWAGGER_LAZY_LOADER = /libs\/platform\/src\/lib\/http-app\/openapi-docs\.ts$/;

/** The sources (tests excluded); each build reads them once, however many trimmed packages scan them. */
async function readSources(root) {
  const files = [];
  for (const dir of SOURCE_DIRS) {
    for (const file of await readdir(resolve(root, dir), { recursive: true })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts')) continue;
      files.push({ path: `${dir}/${file}`, source: await readFile(resolve(root, dir, file), 'utf8') });
    }
  }
  return files;
}

/**
 * Value names imported from `pkg` in the sources (tests and type-only imports excluded), e.g.
 * `import { IsInt } from 'pkg'`; files matching `skip` are left out.
 */
async function namesImportedFrom(sources, pkg, skip) {
  const names = new Set();
  const quoted = `['"]${pkg.replace('/', '\\/')}['"]`;
  const pattern = new RegExp(`import\\s+(?:[\\w$]+\\s*,\\s*)?\\{([^}]*)\\}\\s*from\\s*${quoted}`, 'g');
  // A namespace or default import would need the whole package: refuse it rather than ship a module without it.
  const whole = new RegExp(`import\\s+(?:\\*\\s+as\\s+[\\w$]+|[\\w$]+)\\s+from\\s*${quoted}`);
  for (const { path, source } of await sources()) {
    if (skip?.test(path)) continue;
    if (whole.test(source)) {
      throw new Error(`${path}: import named exports from ${pkg} (the bundle carries a trimmed copy)`);
    }
    for (const m of source.matchAll(pattern)) {
      for (const part of m[1].split(',')) {
        const name = part.trim().split(/\s+as\s+/)[0];
        if (name && !name.startsWith('type ')) names.add(name);
      }
    }
  }
  return names;
}

/** `lodash_1.pickBy(…)` → pickBy: the lodash functions compiled CommonJS in `dir` calls. */
async function lodashFunctionsUsedBy(dir) {
  const used = new Set();
  for (const file of await readdir(dir, { recursive: true })) {
    if (!file.endsWith('.js')) continue;
    const source = await readFile(resolve(dir, file), 'utf8');
    if (!source.includes('require("lodash")')) continue;
    for (const m of source.matchAll(/lodash_1\.([A-Za-z]+)/g)) used.add(m[1]);
  }
  return [...used].sort();
}

/** `exports.Registry = require('./lib/registry');` → { Registry: { file, member } } */
async function cjsReExports(indexFile) {
  const map = {};
  const source = await readFile(indexFile, 'utf8');
  for (const m of source.matchAll(/exports\.(\w+)\s*=\s*require\('(\.[^']+)'\)(?:\.(\w+))?;/g)) {
    map[m[1]] = { file: resolve(dirname(indexFile), m[2]), member: m[3] };
  }
  return map;
}

export function trimmedPackagesPlugin(root) {
  let read;
  const sources = () => (read ??= readSources(root));
  const filter = new RegExp(`^(${Object.keys(TRIMMED_PACKAGES).join('|')})$`);
  return {
    name: 'trimmed-packages',
    setup(b) {
      b.onResolve({ filter: /^@nestjs\/swagger$/ }, (args) =>
        SWAGGER_LAZY_LOADER.test(args.importer)
          ? undefined
          : { path: '@nestjs/swagger', namespace: 'swagger-decorators' },
      );
      b.onLoad({ filter: /.*/, namespace: 'swagger-decorators' }, async () => {
        const decorators = resolve(root, SWAGGER_DECORATORS);
        const available = new Set(Object.keys(createRequire(import.meta.url)(decorators)));
        const missing = [
          ...(await namesImportedFrom(sources, '@nestjs/swagger', SWAGGER_LAZY_LOADER)),
        ].filter((n) => !available.has(n));
        if (missing.length) {
          return {
            errors: [
              {
                text: `${missing.join(', ')} from @nestjs/swagger: only decorators may be imported at the top level; load the rest in openapi-docs.ts`,
              },
            ],
          };
        }
        return {
          contents: `module.exports = require(${JSON.stringify(decorators)});`,
          resolveDir: root,
          loader: 'js',
        };
      });
      // The bundled decorators use eight lodash functions; the full lodash.js is 540 kB to compile at boot.
      b.onResolve({ filter: /^lodash$/ }, (args) =>
        args.importer.includes('/node_modules/@nestjs/swagger/dist/')
          ? { path: 'lodash', namespace: 'lodash-subset' }
          : undefined,
      );
      b.onLoad({ filter: /.*/, namespace: 'lodash-subset' }, async () => {
        const used = await lodashFunctionsUsedBy(resolve(root, SWAGGER_DECORATORS, '..'));
        const entries = used.map(
          (fn) => `  ${fn}: require(${JSON.stringify(resolve(root, 'node_modules/lodash', `${fn}.js`))}),`,
        );
        return { contents: `module.exports = {\n${entries.join('\n')}\n};`, resolveDir: root, loader: 'js' };
      });
      const cjsFilter = new RegExp(`^(${Object.keys(CJS_SUBSET_PACKAGES).join('|')})$`);
      b.onResolve({ filter: cjsFilter }, (args) =>
        args.importer.includes('/node_modules/') ? undefined : { path: args.path, namespace: 'cjs-subset' },
      );
      b.onLoad({ filter: /.*/, namespace: 'cjs-subset' }, async (args) => {
        const available = await cjsReExports(resolve(root, CJS_SUBSET_PACKAGES[args.path]));
        const names = [...(await namesImportedFrom(sources, args.path))];
        const missing = names.filter((n) => !available[n]);
        if (missing.length)
          return { errors: [{ text: `${missing.join(', ')}: not a plain re-export of ${args.path}` }] };
        const lines = names.map((n) => {
          const { file, member } = available[n];
          return `exports.${n} = require(${JSON.stringify(file)})${member ? `.${member}` : ''};`;
        });
        return { contents: lines.join('\n'), resolveDir: root, loader: 'js' };
      });
      b.onResolve({ filter }, (args) => ({ path: args.path, namespace: 'trimmed' }));
      // A separate build: inside the app bundle the module would be reached through a CommonJS require and
      // kept whole; built on its own from an ES entry, everything not re-exported is dropped.
      b.onLoad({ filter: /.*/, namespace: 'trimmed' }, async (args) => {
        const { esm, keep } = TRIMMED_PACKAGES[args.path];
        const names = new Set([...keep, ...(await namesImportedFrom(sources, args.path))]);
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
