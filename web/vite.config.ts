import { fileURLToPath } from 'node:url';
import { sveltekit } from '@sveltejs/kit/vite';
import adapter from '@sveltejs/adapter-static';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';
import { npmTypes } from './npm-types.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
// Vitest runs this project from the repository root, where SvelteKit (which reads
// routes relative to the working directory) would find no app; tests need only the
// Svelte compiler for components and `.svelte.ts` state classes.
const testing = Boolean(process.env.VITEST);

export default defineConfig({
  root,
  plugins: testing
    ? [svelte({ configFile: false })]
    : [
        // Monaco's extraLibs: the npm packages' and Node's declarations (virtual:npm-types).
        npmTypes(),
        sveltekit({
          // One static build serves every path: `/s/<id>` share links fall back to index.html.
          adapter: adapter({ fallback: 'index.html' }),
          // A strict policy in the page itself, so it holds on any static host: scripts and
          // workers only from this origin (Monaco is bundled, never fetched from a CDN);
          // the socket may be another host (API Gateway), so any ws/wss origin may connect.
          // Monaco positions its widgets with style attributes, hence inline styles.
          csp: {
            mode: 'hash',
            directives: {
              'default-src': ['self'],
              'script-src': ['self'],
              'worker-src': ['self'],
              'style-src': ['self', 'unsafe-inline'],
              'img-src': ['self', 'data:'],
              'font-src': ['self', 'data:'],
              'connect-src': ['self', 'ws:', 'wss:'],
              'object-src': ['none'],
              'base-uri': ['self'],
            },
          },
        }),
      ],
  // The client-side Svelte runtime, so that `$state` is reactive in component tests.
  resolve: testing ? { conditions: ['browser'] } : {},
  build: {
    // Monaco is one large module graph; splitting it keeps the warning quiet and lets the
    // browser fetch the language service only when it is needed.
    chunkSizeWarningLimit: 5000,
  },
  worker: { format: 'es' },
  test: {
    name: 'web',
    root,
    include: ['src/**/*.test.ts', 'e2e/**/*.test.ts'],
    environment: 'happy-dom',
    testTimeout: 10_000,
    hookTimeout: 120_000,
  },
});
