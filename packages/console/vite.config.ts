import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The server serves `dist/` at `/` and falls back to index.html for console routes.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // xterm alone is ~300 kB; one chunk is fine for an internal console.
    chunkSizeWarningLimit: 1000,
    rollupOptions: {
      // The download service worker is served at a fixed URL, from the root (its scope).
      input: {
        main: fileURLToPath(new URL('index.html', import.meta.url)),
        'download-worker': fileURLToPath(
          new URL('src/features/files/download-worker.ts', import.meta.url),
        ),
      },
      output: {
        entryFileNames: (chunk) =>
          chunk.name === 'download-worker' ? 'download-worker.js' : 'assets/[name]-[hash].js',
      },
      onwarn(warning, warn) {
        // zod ships comments Rollup cannot place; they are harmless and drown real warnings.
        if (warning.code === 'INVALID_ANNOTATION' && warning.id?.includes('node_modules')) return;
        warn(warning);
      },
    },
  },
});
