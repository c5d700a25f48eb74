import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a running `perfgate serve` (PERFGATE_API, default :8080).
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    assetsInlineLimit: 4096,
    chunkSizeWarningLimit: 200,
  },
  server: {
    proxy: {
      '/api': process.env.PERFGATE_API ?? 'http://127.0.0.1:8080',
      '/healthz': process.env.PERFGATE_API ?? 'http://127.0.0.1:8080',
    },
  },
});
