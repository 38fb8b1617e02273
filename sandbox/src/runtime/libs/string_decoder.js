// string_decoder: @jspm/core's browser port as it is.
import * as ns from '@jspm/core/nodelibs/string_decoder';

export default ns.default ?? ns;
