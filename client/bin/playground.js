#!/usr/bin/env node
// The built CLI (`npm run build -w @playground/client`, and in a published package);
// inside the repository without a build, the source, which Node 22.18+ runs as it is.
let cli;
try {
  cli = await import('../dist/cli.js');
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND' || !String(err.message).includes('dist')) throw err;
  cli = await import('../src/cli.ts');
}
process.exitCode = await cli.main(process.argv.slice(2));
