#!/usr/bin/env node
// The nginx server block that serves the built checkout (and ops) page in Docker, with the page's security
// headers: the ones the build wrote to dist/apps/checkout/security-headers.json (apps/checkout/vite.config.mts,
// computed by apps/checkout/security-headers.mjs from the build's VITE_API_URL…), exactly what `vite preview`
// serves. Used by the Dockerfile's checkout stage; apps/api/src/deploy-files.spec.ts checks the output.
//   node tools/checkout-nginx-conf.mjs dist/apps/checkout/security-headers.json > default.conf
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/**
 * @param {Record<string, string>} headers
 * @param {{ port?: number, root?: string }} [options]
 * @returns {string}
 */
export function checkoutNginxConf(headers, { port = 4200, root = '/usr/share/nginx/html' } = {}) {
  const lines = Object.entries(headers).map(([name, value]) => {
    if (!/^[A-Za-z0-9-]+$/.test(name)) throw new Error(`bad header name ${name}`);
    if (/["\\\n\r$]/.test(value)) throw new Error(`header ${name} has a character nginx would misread`);
    // `always`: on error answers (404…) too. Declared at server level and never in a location, so every
    // location inherits them (nginx: add_header is inherited only when a level defines none).
    return `  add_header ${name} "${value}" always;`;
  });
  return [
    'server {',
    `  listen ${port};`,
    `  root ${root};`,
    '  server_tokens off;',
    ...lines,
    '  # Every path is the single-page app (/c/<token>, /ops), as on Render (render.yaml routes).',
    '  location / {',
    '    try_files $uri /index.html;',
    '  }',
    '}',
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: checkout-nginx-conf.mjs <security-headers.json>\n');
    process.exit(2);
  }
  process.stdout.write(checkoutNginxConf(JSON.parse(readFileSync(file, 'utf8'))));
}
