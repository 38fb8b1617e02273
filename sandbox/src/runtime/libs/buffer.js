// buffer: feross/buffer as @jspm/core ships it (prints and encodes as Node 24 does), with
// what it lacks next to Node 24: the base64url encoding, Node's `... N more bytes` when
// inspecting, and the module-level helpers Node added since.
import * as ns from '@jspm/core/nodelibs/buffer';

const mod = ns.default;
const { Buffer } = mod;
const proto = Buffer.prototype;

// base64url is base64 with `-_` for `+/` and no padding.
const isUrl = (encoding) => typeof encoding === 'string' && encoding.toLowerCase() === 'base64url';
const fromUrl = (s) => String(s).replace(/-/g, '+').replace(/_/g, '/');
const toUrl = (s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');

const { from, byteLength, isEncoding } = Buffer;
Buffer.from = function (value, encodingOrOffset, length) {
  if (typeof value === 'string' && isUrl(encodingOrOffset)) return Reflect.apply(from, this, [fromUrl(value), 'base64']);
  return Reflect.apply(from, this, [value, encodingOrOffset, length]);
};
Buffer.byteLength = function (value, encoding) {
  if (typeof value === 'string' && isUrl(encoding)) return Reflect.apply(byteLength, this, [fromUrl(value), 'base64']);
  return Reflect.apply(byteLength, this, [value, encoding]);
};
Buffer.isEncoding = (encoding) => isUrl(encoding) || isEncoding(encoding);
const { toString, write } = proto;
proto.toString = function (encoding, start, end) {
  if (isUrl(encoding)) return toUrl(Reflect.apply(toString, this, ['base64', start, end]));
  return Reflect.apply(toString, this, arguments);
};
proto.write = function (string, offset, length, encoding) {
  for (let i = 1; i < arguments.length; i++) {
    if (isUrl(arguments[i])) {
      const args = [...arguments];
      args[0] = fromUrl(string);
      args[i] = 'base64';
      return Reflect.apply(write, this, args);
    }
  }
  return Reflect.apply(write, this, arguments);
};

// Node: `<Buffer 61 62 ... 10 more bytes>`, limited by buffer.INSPECT_MAX_BYTES.
const customInspect = Symbol.for('nodejs.util.inspect.custom');
proto[customInspect] = function inspect() {
  const max = exports.INSPECT_MAX_BYTES;
  let hex = '';
  const shown = Math.min(max, this.length);
  for (let i = 0; i < shown; i++) hex += `${i === 0 ? '' : ' '}${this[i] < 16 ? '0' : ''}${this[i].toString(16)}`;
  const rest = this.length - max;
  if (rest > 0) hex += ` ... ${rest} more byte${rest > 1 ? 's' : ''}`;
  return `<${this.constructor.name} ${hex}>`.replace(' >', '>');
};

const decoder = () => new TextDecoder('utf-8', { fatal: true });
const exports = {
  ...mod,
  Buffer,
  SlowBuffer: mod.SlowBuffer,
  kMaxLength: mod.kMaxLength,
  kStringMaxLength: 536870888,
  constants: { MAX_LENGTH: mod.kMaxLength, MAX_STRING_LENGTH: 536870888 },
  INSPECT_MAX_BYTES: 50,
  atob: globalThis.atob,
  btoa: globalThis.btoa,
  isUtf8: (input) => { try { decoder().decode(input); return true; } catch { return false; } },
  isAscii: (input) => { const b = new Uint8Array(input.buffer ?? input, input.byteOffset ?? 0, input.byteLength); return b.every((x) => x < 0x80); },
};
export default exports;
