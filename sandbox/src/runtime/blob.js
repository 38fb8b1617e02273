// Blob and File, as Node's (node:internal/blob): immutable bytes with a MIME type,
// read with text(), arrayBuffer() and bytes(). Written here rather than bundled: the
// usual package (fetch-blob) starts by loading a streams shim that requires
// node:process and node:stream/web, which a bare isolate does not have, and what is
// left of it is byte concatenation. Node keeps a Blob's bytes outside the heap; here
// they are one Uint8Array, copied on construction, slice() and every read, so neither
// side can change the other's bytes. There is no ReadableStream in the playground, so
// no stream() either.
import { codedError, primordials, viewBytes } from './internals.js';

const {
  PromiseResolve, PromiseReject, Uint8ArrayCtor, TypedArraySlice, TypedArraySet, TypedArrayByteLength, TypedArrayBuffer,
  TextEncoderCtor, TextEncoderEncode, TextDecoderCtor, TextDecoderDecode, StringToLowerCase, ArrayPush, TypeErrorCtor,
  DateNow, NumberCtor, MathMax, MathMin, MathTrunc, SymbolIterator, ObjectDefineProperty,
} = primordials;
const kInspect = Symbol.for('nodejs.util.inspect.custom');
let encoder = null;

const invalidThis = () => codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type Blob');

/** Web IDL's DOMString-to-MIME rule: printable ASCII is lowercased, anything else gives ''. */
const normalizeType = (type) => {
  const s = `${type}`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) return '';
  }
  return StringToLowerCase(s);
};

/** A relative index as slice() takes it (negative from the end), clamped to [0, size]. */
const relative = (value, size, fallback) => {
  if (value === undefined) return fallback;
  let n = NumberCtor(value);
  n = n !== n ? 0 : MathTrunc(n);
  return n < 0 ? MathMax(size + n, 0) : MathMin(n, size);
};

class Blob {
  #bytes;
  #type;

  constructor(sources = [], options) {
    if (sources === null || typeof sources !== 'object' || typeof sources[SymbolIterator] !== 'function') {
      throw codedError(TypeErrorCtor, 'ERR_INVALID_ARG_TYPE', 'Value cannot be converted to sequence.');
    }
    const chunks = [];
    let total = 0;
    // The program's iterable, walked once as Node does; each part is copied now.
    for (const part of sources) {
      let bytes;
      if (part !== null && typeof part === 'object' && #bytes in part) bytes = part.#bytes;
      else {
        const view = viewBytes(part);
        if (view !== null) bytes = TypedArraySlice(view);
        else {
          if (encoder === null) encoder = new TextEncoderCtor();
          bytes = TextEncoderEncode(encoder, `${part}`);
        }
      }
      ArrayPush(chunks, bytes);
      total += TypedArrayByteLength(bytes);
    }
    const out = new Uint8ArrayCtor(total);
    let at = 0;
    for (let i = 0; i < chunks.length; i++) {
      TypedArraySet(out, chunks[i], at);
      at += TypedArrayByteLength(chunks[i]);
    }
    this.#bytes = out;
    const type = options === undefined || options === null ? undefined : options.type;
    this.#type = type === undefined ? '' : normalizeType(type);
  }

  get size() {
    if (!(#bytes in this)) throw invalidThis();
    return TypedArrayByteLength(this.#bytes);
  }

  get type() {
    if (!(#bytes in this)) throw invalidThis();
    return this.#type;
  }

  slice(start, end, contentType) {
    if (!(#bytes in this)) throw invalidThis();
    const size = TypedArrayByteLength(this.#bytes);
    const from = relative(start, size, 0);
    const to = relative(end, size, size);
    const blob = new Blob();
    blob.#bytes = TypedArraySlice(this.#bytes, from, MathMax(from, to));
    blob.#type = contentType === undefined ? '' : normalizeType(contentType);
    return blob;
  }

  arrayBuffer() {
    if (!(this !== null && typeof this === 'object' && #bytes in this)) return PromiseReject(invalidThis());
    return PromiseResolve(TypedArrayBuffer(TypedArraySlice(this.#bytes)));
  }

  text() {
    if (!(this !== null && typeof this === 'object' && #bytes in this)) return PromiseReject(invalidThis());
    return PromiseResolve(TextDecoderDecode(new TextDecoderCtor(), this.#bytes));
  }

  bytes() {
    if (!(this !== null && typeof this === 'object' && #bytes in this)) return PromiseReject(invalidThis());
    return PromiseResolve(TypedArraySlice(this.#bytes));
  }

  [kInspect](depth, options, inspect) {
    if (depth < 0) return this;
    const fields = { size: TypedArrayByteLength(this.#bytes), type: this.#type };
    return `Blob ${inspect(fields, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }

  /** The bytes themselves, for the runtime's own readers (fetch's Response body): no copy. */
  static _bytesOf(blob) { return blob !== null && typeof blob === 'object' && #bytes in blob ? blob.#bytes : null; }
}
ObjectDefineProperty(Blob.prototype, Symbol.toStringTag, { value: 'Blob', configurable: true });

class File extends Blob {
  #name;
  #lastModified;

  constructor(fileBits, fileName, options) {
    if (arguments.length < 2) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'The "fileBits" and "fileName" arguments must be specified');
    super(fileBits, options);
    this.#name = `${fileName}`;
    const lastModified = options === undefined || options === null ? undefined : options.lastModified;
    this.#lastModified = lastModified === undefined ? DateNow() : NumberCtor(lastModified);
  }

  get name() {
    if (!(#name in this)) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type File');
    return this.#name;
  }

  get lastModified() {
    if (!(#name in this)) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type File');
    return this.#lastModified;
  }

  [kInspect](depth, options, inspect) {
    if (depth < 0) return this;
    const fields = { size: this.size, type: this.type, name: this.#name, lastModified: this.#lastModified };
    return `File ${inspect(fields, { ...options, depth: options.depth == null ? null : options.depth - 1 })}`;
  }
}
ObjectDefineProperty(File.prototype, Symbol.toStringTag, { value: 'File', configurable: true });

// Node's accessors and methods are enumerable, as Web IDL makes them.
for (const [C, names] of [[Blob, ['size', 'type', 'slice', 'arrayBuffer', 'text', 'bytes']], [File, ['name', 'lastModified']]]) {
  for (const name of names) ObjectDefineProperty(C.prototype, name, { enumerable: true });
}

export { Blob, File };
