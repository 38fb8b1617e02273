// punycode: @jspm/core's browser port as it is.
import * as ns from '@jspm/core/nodelibs/punycode';

export default ns.default ?? ns;
