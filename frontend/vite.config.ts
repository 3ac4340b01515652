import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

/** The Nest server that `npm run dev` proxies `/api` to. */
const API_TARGET = process.env.API_TARGET ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/api': { target: API_TARGET, changeOrigin: false } },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    restoreMocks: true,
    // The JSON report feeds the CI totals (scripts/test-totals.mjs).
    reporters: ['default', 'json'],
    outputFile: { json: '../test-results/vitest.json' },
  },
});
