// The console's build: hashed assets under dist/assets, served by clue-router at /console/.
// Nothing inline: the service's Content-Security-Policy forbids inline script and style.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/console/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No data: URIs for fonts or scripts, and no inline module-preload polyfill script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    sourcemap: false,
    target: 'es2020',
  },
  server: {
    // `npm run dev` beside a running service (scripts/demo): the API on the same origin.
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
  preview: {
    proxy: { '/v1': 'http://127.0.0.1:8080' },
  },
});
