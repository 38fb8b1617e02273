import assert from 'assert';
import * as util from 'node:util';
import os, { EOL } from 'os';

assert.strictEqual(1, 1);
console.log(typeof util.inspect, typeof util.default.format, EOL === os.EOL, util.inspect(new Set([1, 2])));
