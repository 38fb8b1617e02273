// querystring: @jspm/core's port, with what Node 24 adds: results of parse have a null
// prototype (so `__proto__=x` in a query is just a key), and escape/unescape exist.
import * as ns from '@jspm/core/nodelibs/querystring';

const port = ns.default ?? ns;
const nullProto = (obj) => Object.assign(Object.create(null), obj);

const parse = (str, sep, eq, options) => nullProto(port.parse(str, sep, eq, options));
const escape = (str) => encodeURIComponent(str);
const unescape = (str) => { try { return decodeURIComponent(str); } catch { return str; } };

export default {
  ...port,
  parse,
  decode: parse,
  stringify: port.stringify,
  encode: port.stringify,
  escape,
  unescape,
  unescapeBuffer: (s) => Buffer.from(unescape(String(s))),
};
