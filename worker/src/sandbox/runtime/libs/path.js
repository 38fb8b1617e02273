// path: @jspm/core's browser port as it is.
import * as ns from '@jspm/core/nodelibs/path';

export default ns.default ?? ns;
