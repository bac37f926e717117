/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { existsSync, readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { checkoutHeaderOptionsFromEnv, checkoutSecurityHeaders } from './security-headers.mjs';

/** Written next to index.html by every build: the headers for the API URL that build was made with. */
const HEADERS_FILE = 'security-headers.json';

/**
 * The page's security headers (security-headers.mjs) on `vite preview` and `vite` (dev). A build writes them
 * to HEADERS_FILE, computed from the same environment as the bundle (VITE_API_URL…), and preview serves that
 * file's headers: preview is often started without the build's environment (npm start, the e2e stack), and
 * must not describe another API than the one the bundle calls. Dev serves inline scripts (React refresh) and
 * an HMR socket, so there the policy is Content-Security-Policy-Report-Only. Render serves render.yaml's copy.
 */
function securityHeaders(): Plugin {
  let headers: Record<string, string> = {};
  const serve =
    (values: Record<string, string>) => (_req: unknown, res: ServerResponse, next: () => void) => {
      for (const [name, value] of Object.entries(values)) res.setHeader(name, value);
      next();
    };
  return {
    name: 'checkout-security-headers',
    configResolved(config) {
      headers = checkoutSecurityHeaders(checkoutHeaderOptionsFromEnv({ ...process.env, ...config.env }));
    },
    generateBundle() {
      this.emitFile({
        type: 'asset',
        fileName: HEADERS_FILE,
        source: `${JSON.stringify(headers, null, 2)}\n`,
      });
    },
    configurePreviewServer(server) {
      const file = resolve(server.config.root, server.config.build.outDir, HEADERS_FILE);
      const built: Record<string, string> = existsSync(file)
        ? JSON.parse(readFileSync(file, 'utf8'))
        : headers;
      server.middlewares.use(serve(built));
    },
    configureServer(server) {
      const { 'Content-Security-Policy': csp, ...rest } = headers;
      server.middlewares.use(serve({ ...rest, 'Content-Security-Policy-Report-Only': csp }));
    },
  };
}

// The API URL is fixed at build time (VITE_API_URL); the checkout is a static site. appType 'spa' (the
// default) makes dev and preview answer /c/<token> with index.html.
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/checkout',
  appType: 'spa',
  plugins: [react(), securityHeaders()],
  resolve: {
    alias: { '@aia/contracts': `${import.meta.dirname}/../../libs/contracts/src/index.ts` },
  },
  server: { port: 4200, strictPort: true, host: 'localhost' },
  preview: { port: 4200, strictPort: true, host: 'localhost' },
  build: { outDir: '../../dist/apps/checkout', emptyOutDir: true, reportCompressedSize: false },
  test: {
    environment: 'jsdom',
    globals: true,
    include: ['src/**/*.spec.{ts,tsx}'],
    setupFiles: ['src/test-setup.ts'],
  },
});
