// Stands in for @jspm/core's browser `process` chunks, so the core modules see the
// runtime's process (its nextTick runs in Node's order; the shim's runs on a timer).
import { process } from './process.js';

export { process as p, process };
export default process;
