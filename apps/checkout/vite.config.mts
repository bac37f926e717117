/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The API URL is fixed at build time (VITE_API_URL); the checkout is a static site. appType 'spa' (the
// default) makes dev and preview answer /c/<token> with index.html.
export default defineConfig({
  root: import.meta.dirname,
  cacheDir: '../../node_modules/.vite/apps/checkout',
  appType: 'spa',
  plugins: [react()],
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
