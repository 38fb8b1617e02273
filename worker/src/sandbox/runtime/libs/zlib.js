// zlib: @jspm/core's browser port as it is.
import * as ns from '@jspm/core/nodelibs/zlib';

export default ns.default ?? ns;
