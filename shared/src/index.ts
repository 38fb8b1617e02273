/**
 * `@playground/shared`: what a browser may import, so nothing reachable from here may
 * import `@aws-sdk/*` or `node:*` (browser-entry.test.ts bundles it for a browser to
 * prove it). Ids, configuration, resource definitions, scaling and the AWS adapters
 * have entries of their own (`@playground/shared/executions` and so on, package.json).
 */
export * from './limits.ts';
export * from './errors.ts';
export * from './protocol.ts';
export * from './packages.ts';
