// assert: the browser port of Node's assert (@jspm/core). Its failure messages use an
// older diff layout than Node 24 (listed in docs/runtime.md).
import * as ns from '@jspm/core/nodelibs/assert';

export default ns.default;
