// stream: readable-stream 3 as @jspm/core ships it, with stream/promises attached the
// way Node attaches it.
import * as ns from '@jspm/core/nodelibs/stream';
import * as promises from '@jspm/core/nodelibs/stream/promises';

const Stream = ns.default;
if (Stream.promises === undefined) Stream.promises = { pipeline: promises.pipeline, finished: promises.finished };
export default Stream;
