// Builds the web host (src/web) into dist/web: hashed assets, English in the main bundle,
// every other language a lazy chunk (the dynamic imports in @mypass/locales).
import { fileURLToPath } from 'node:url';
import { defineConfig, defaultClientConditions } from 'vite';
import react from '@vitejs/plugin-react';

const here = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: `${here}src/web`,
  base: '/',
  plugins: [react()],
  // The workspaces' `development` condition points at their TypeScript sources.
  resolve: { conditions: ['development', ...defaultClientConditions] },
  build: {
    outDir: `${here}dist/web`,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // The polyfill would be an extra script; every browser we support has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // The common-password dictionaries (about 1.7 MB) are one chunk, loaded on the password screen only.
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      output: {
        // ui.da-<hash>.js rather than ui-<hash>.js: each language's chunk is recognisable.
        chunkFileNames: (chunk) => {
          const lang = /locales\/([^/]+)\/ui\.json$/.exec(chunk.facadeModuleId ?? '')?.[1];
          return lang ? `assets/ui.${lang}-[hash].js` : 'assets/[name]-[hash].js';
        },
      },
      onwarn(warning, warn) {
        // zod's sources carry comments Rollup cannot place; harmless, and not ours to change.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
