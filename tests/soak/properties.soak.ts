/**
 * The property-based tests of tests/properties.test.ts with five times the cases: too
 * long for `npm test`, run with the soak (`npm run test:soak`). A failure prints its seed;
 * a failing case becomes a regular test in tests/properties.test.ts.
 */
process.env.PROPERTY_SCALE = '5';
await import('../properties.test.ts');
