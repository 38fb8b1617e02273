export * from './limits.ts';
export * from './errors.ts';
export * from './protocol.ts';
export * from './resources.ts';
export * from './ids.ts';
export * from './config.ts';
export * from './scaling.ts';
