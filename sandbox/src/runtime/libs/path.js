// path: @jspm/core's browser port, plus toNamespacedPath (identity on POSIX).
import * as ns from '@jspm/core/nodelibs/path';

const path = ns.default ?? ns;
const identity = (p) => p;
if (path.toNamespacedPath === undefined) path.toNamespacedPath = identity;
if (path.posix && path.posix.toNamespacedPath === undefined) path.posix.toNamespacedPath = identity;

export default path;
