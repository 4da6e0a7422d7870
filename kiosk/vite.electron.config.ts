// Builds the Electron kiosk's renderer (src/electron-renderer) into dist/electron/renderer, served by
// main over app://mypass. Same UI as the web host; only the entry differs (bridge Transport).
import { fileURLToPath } from 'node:url';
import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}src/electron-renderer`,
  base: '/',
  plugins: [react()],
  resolve: { conditions: ['development', ...defaultClientConditions] },
  build: {
    outDir: `${here}dist/electron/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: false,
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
});
