// zlib: @jspm/core's browser port (pako inside), plus zlib.constants, which Node has and
// the port only spreads over the module object.
import * as ns from '@jspm/core/nodelibs/zlib';

const zlib = ns.default ?? ns;
if (zlib.constants === undefined) {
  const constants = {};
  for (const key of Object.keys(zlib)) {
    if (/^(Z_|DEFLATE$|INFLATE$|GZIP$|GUNZIP$|UNZIP$|DEFLATERAW$|INFLATERAW$|BROTLI_)/.test(key) && typeof zlib[key] === 'number') constants[key] = zlib[key];
  }
  zlib.constants = Object.freeze(constants);
}

export default zlib;
