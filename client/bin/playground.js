#!/usr/bin/env node
// The built CLI when there is one (`npm run build -w @playground/client`); inside the
// repository without a build, the source, which Node 22.18+ runs as it is.
try {
  await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  await import('../src/bin.ts');
}
