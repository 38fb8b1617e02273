// Headers, Request and Response as Node's (undici's) for what a program can do without a
// network: build them, read bodies with text()/json()/arrayBuffer()/bytes()/blob(),
// clone, Response.json/error/redirect. fetch() checks its arguments as Node does, then
// rejects: the playground has no network. Written here rather than bundled: undici's
// classes need Node internals (node:stream, node:util, ...), whatwg-fetch's Body reads
// through FileReader and XMLHttpRequest, and headers-polyfill covers Headers alone and
// iterates in another order than Node. Bodies are bytes held here (no ReadableStream in
// the playground, so `body` is null or throws saying so); every read hands out a copy.
import { codedError, primordials, viewBytes } from './internals.js';
import { Blob } from './blob.js';
import { AbortController, AbortSignal } from './web-events.js';

const {
  PromiseResolve, PromiseReject, Uint8ArrayCtor, TypedArraySlice, TypedArrayBuffer, TextEncoderCtor, TextEncoderEncode,
  TextDecoderCtor, TextDecoderDecode, StringToLowerCase, StringToUpperCase, ArrayPush, TypeErrorCtor, RangeErrorCtor,
  JSONParse, JSONStringify, MapCtor, MapGet, MapSet, MapHas, MapDelete, URLCtor, URLSearchParamsCtor, RegExpTest,
  StringTrimHttp, ObjectKeys, ObjectDefineProperty, SymbolIterator, MapForEach, ObjectGetOwnPropertyNames, ReflectApply, NumberCtor,
} = primordials;
const kInspect = Symbol.for('nodejs.util.inspect.custom');
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const BAD_VALUE = /[\0\n\r]/;
let encoder = null;
const utf8 = (s) => {
  if (encoder === null) encoder = new TextEncoderCtor();
  return TextEncoderEncode(encoder, s);
};
const nested = (options) => ({ ...options, depth: options.depth == null ? null : options.depth - 1 });
const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function');

// ---- Headers -----------------------------------------------------------------------------
class Headers {
  // lower-case name -> { name: as first given, values: [] }; insertion order (inspect's).
  #map = new MapCtor();
  #guard = 'none';

  constructor(init = undefined) {
    if (init === undefined) return;
    if (!isObject(init)) throw new TypeErrorCtor("Headers constructor: Expected init to be an object.");
    if (typeof init[SymbolIterator] === 'function') {
      for (const pair of init) {
        const list = [];
        if (isObject(pair)) for (const x of pair) ArrayPush(list, x);
        if (list.length !== 2) throw new TypeErrorCtor(`Headers constructor: expected name/value pair to be length 2, found ${list.length}.`);
        this.#append(list[0], list[1], 'append');
      }
      return;
    }
    const keys = ObjectKeys(init);
    for (let i = 0; i < keys.length; i++) this.#append(keys[i], init[keys[i]], 'append');
  }

  #check(name, value, method) {
    const n = `${name}`;
    if (!RegExpTest(TOKEN, n)) throw new TypeErrorCtor(`Headers.${method}: "${n}" is an invalid header name.`);
    if (value === undefined) return [n, undefined];
    const v = StringTrimHttp(`${value}`);
    if (RegExpTest(BAD_VALUE, v)) throw new TypeErrorCtor(`Headers.${method}: "${v}" is an invalid header value.`);
    return [n, v];
  }

  #mutable() {
    if (this.#guard === 'immutable') throw new TypeErrorCtor('immutable');
  }

  #append(name, value, method) {
    const [n, v] = this.#check(name, value, method);
    this.#mutable();
    const key = StringToLowerCase(n);
    const entry = MapGet(this.#map, key);
    if (entry === undefined) MapSet(this.#map, key, { name: n, values: [v] });
    else ArrayPush(entry.values, v);
  }

  append(name, value) {
    if (arguments.length < 2) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'Headers.append: 2 arguments required, but only ' + arguments.length + ' present.');
    this.#append(name, value, 'append');
  }

  set(name, value) {
    if (arguments.length < 2) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'Headers.set: 2 arguments required, but only ' + arguments.length + ' present.');
    const [n, v] = this.#check(name, value, 'set');
    this.#mutable();
    const key = StringToLowerCase(n);
    const entry = MapGet(this.#map, key);
    if (entry === undefined) MapSet(this.#map, key, { name: n, values: [v] });
    else entry.values = [v];
  }

  get(name) {
    const [n] = this.#check(name, undefined, 'get');
    const entry = MapGet(this.#map, StringToLowerCase(n));
    return entry === undefined ? null : join(entry.values);
  }

  has(name) {
    const [n] = this.#check(name, undefined, 'has');
    return MapHas(this.#map, StringToLowerCase(n));
  }

  delete(name) {
    const [n] = this.#check(name, undefined, 'delete');
    this.#mutable();
    MapDelete(this.#map, StringToLowerCase(n));
  }

  getSetCookie() {
    const entry = MapGet(this.#map, 'set-cookie');
    const out = [];
    if (entry !== undefined) for (let i = 0; i < entry.values.length; i++) ArrayPush(out, entry.values[i]);
    return out;
  }

  /** [name, value] pairs as Node iterates them: names lower-cased and sorted, set-cookie one by one. */
  #sorted() {
    const names = [];
    MapForEach(this.#map, (entry, key) => { ArrayPush(names, key); });
    for (let i = 1; i < names.length; i++) {
      const k = names[i];
      let j = i - 1;
      while (j >= 0 && names[j] > k) { names[j + 1] = names[j]; j--; }
      names[j + 1] = k;
    }
    const pairs = [];
    for (let i = 0; i < names.length; i++) {
      const values = MapGet(this.#map, names[i]).values;
      if (names[i] === 'set-cookie') for (let v = 0; v < values.length; v++) ArrayPush(pairs, [names[i], values[v]]);
      else ArrayPush(pairs, [names[i], join(values)]);
    }
    return pairs;
  }

  *entries() { const pairs = this.#sorted(); for (let i = 0; i < pairs.length; i++) yield pairs[i]; }
  *keys() { const pairs = this.#sorted(); for (let i = 0; i < pairs.length; i++) yield pairs[i][0]; }
  *values() { const pairs = this.#sorted(); for (let i = 0; i < pairs.length; i++) yield pairs[i][1]; }
  forEach(callback, thisArg) {
    if (typeof callback !== 'function') throw new TypeErrorCtor("Headers.forEach: Expected callback to be a function.");
    const pairs = this.#sorted();
    for (let i = 0; i < pairs.length; i++) ReflectApply(callback, thisArg, [pairs[i][1], pairs[i][0], this]);
  }

  [kInspect](depth, options, inspect) {
    const shown = {};
    MapForEach(this.#map, (entry) => { shown[entry.name] = join(entry.values); });
    return `Headers ${inspect(shown, nested(options))}`;
  }

  static _freeze(headers) { headers.#guard = 'immutable'; return headers; }
}
const join = (values) => {
  let out = '';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ', ') + values[i];
  return out;
};
ObjectDefineProperty(Headers.prototype, SymbolIterator, { value: Headers.prototype.entries, writable: true, configurable: true });
ObjectDefineProperty(Headers.prototype, Symbol.toStringTag, { value: 'Headers', configurable: true });

// ---- bodies ------------------------------------------------------------------------------
/** A body init as bytes and the content type it implies (the fetch spec's "extract"). */
const extract = (body) => {
  const blobBytes = Blob._bytesOf(body);
  if (blobBytes !== null) return { bytes: TypedArraySlice(blobBytes), type: body.type || null };
  if (body instanceof URLSearchParamsCtor) return { bytes: utf8(`${body}`), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  const view = viewBytes(body);
  if (view !== null) return { bytes: TypedArraySlice(view), type: null };
  return { bytes: utf8(`${body}`), type: 'text/plain;charset=UTF-8' };
};

const unusable = () => new TypeErrorCtor('Body is unusable: Body has already been read');
const NO_STREAM = 'is a ReadableStream, which the playground does not have: read the body with text(), json(), arrayBuffer(), bytes() or blob()';

/** The body methods Request and Response share; `state` is { bytes | null, used }. */
const bodyMethods = (Class, stateOf) => {
  const consume = (self, convert) => {
    let state;
    try { state = stateOf(self); } catch (e) { return PromiseReject(e); }
    if (state.used) return PromiseReject(unusable());
    state.used = state.bytes !== null;
    const bytes = state.bytes === null ? new Uint8ArrayCtor(0) : state.bytes;
    state.bytes = state.bytes === null ? null : new Uint8ArrayCtor(0);
    try { return PromiseResolve(convert(bytes, self)); } catch (e) { return PromiseReject(e); }
  };
  const methods = {
    text() { return consume(this, (b) => TextDecoderDecode(new TextDecoderCtor(), b)); },
    json() { return consume(this, (b) => JSONParse(TextDecoderDecode(new TextDecoderCtor(), b))); },
    arrayBuffer() { return consume(this, (b) => TypedArrayBuffer(b)); },
    bytes() { return consume(this, (b) => b); },
    blob() { return consume(this, (b, self) => new Blob([b], { type: self.headers.get('content-type') ?? '' })); },
    formData() { return PromiseReject(new TypeErrorCtor(`${Class.name}.formData() is not available in the playground (there is no FormData): read the body with text() and parse it, e.g. with URLSearchParams.`)); },
  };
  for (const name of ObjectKeys(methods)) ObjectDefineProperty(Class.prototype, name, { value: methods[name], writable: true, enumerable: true, configurable: true });
  ObjectDefineProperty(Class.prototype, 'bodyUsed', { enumerable: true, configurable: true, get() { return stateOf(this).used; } });
  ObjectDefineProperty(Class.prototype, 'body', {
    enumerable: true,
    configurable: true,
    get() {
      if (stateOf(this).bytes === null) return null;
      throw new TypeErrorCtor(`${Class.name}.body ${NO_STREAM}`);
    },
  });
};

// ---- Response ----------------------------------------------------------------------------
const NULL_BODY = [101, 103, 204, 205, 304];
const REDIRECT = [301, 302, 303, 307, 308];
const includes = (list, x) => { for (let i = 0; i < list.length; i++) if (list[i] === x) return true; return false; };
let constructingError = false;

class Response {
  #state = { bytes: null, used: false };
  #status = 200;
  #statusText = '';
  #headers;
  #type = 'default';

  constructor(body = null, init = undefined) {
    const options = init === undefined || init === null ? {} : init;
    const status = options.status === undefined ? 200 : NumberCtor(options.status);
    if (!constructingError && !(status >= 200 && status <= 599)) throw new RangeErrorCtor('init["status"] must be in the range of 200 to 599, inclusive.');
    this.#status = status;
    this.#statusText = options.statusText === undefined ? '' : `${options.statusText}`;
    this.#headers = new Headers(options.headers);
    if (body !== null && body !== undefined) {
      if (includes(NULL_BODY, status)) throw new TypeErrorCtor(`Response constructor: Invalid response status code ${status}`);
      const { bytes, type } = extract(body);
      this.#state.bytes = bytes;
      if (type !== null && !this.#headers.has('content-type')) this.#headers.append('content-type', type);
    }
  }

  static #of(self) {
    if (!isObject(self) || !(#state in self)) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type Response');
    return self.#state;
  }

  get status() { Response.#of(this); return this.#status; }
  get ok() { Response.#of(this); return this.#status >= 200 && this.#status <= 299; }
  get statusText() { Response.#of(this); return this.#statusText; }
  get headers() { Response.#of(this); return this.#headers; }
  get type() { Response.#of(this); return this.#type; }
  get url() { Response.#of(this); return ''; }
  get redirected() { Response.#of(this); return false; }

  clone() {
    const state = Response.#of(this);
    if (state.used) throw new TypeErrorCtor('Response.clone: Body has already been consumed.');
    const copy = new Response(null, { status: this.#status >= 200 ? this.#status : 200, statusText: this.#statusText, headers: this.#headers });
    copy.#status = this.#status;
    copy.#type = this.#type;
    copy.#state.bytes = state.bytes === null ? null : TypedArraySlice(state.bytes);
    return copy;
  }

  static json(data, init = undefined) {
    const text = JSONStringify(data);
    if (text === undefined) throw new TypeErrorCtor('Value is not JSON serializable');
    const response = new Response(null, init);
    response.#state.bytes = utf8(text);
    if (!response.#headers.has('content-type')) response.#headers.append('content-type', 'application/json');
    return response;
  }

  static error() {
    constructingError = true;
    let response;
    try { response = new Response(null, { status: 0 }); } finally { constructingError = false; }
    response.#type = 'error';
    Headers._freeze(response.#headers);
    return response;
  }

  static redirect(url, status = 302) {
    let href;
    try { href = new URLCtor(`${url}`).href; } catch (cause) {
      const e = new TypeErrorCtor(`Failed to parse URL from ${url}`);
      e.cause = cause;
      throw e;
    }
    if (!includes(REDIRECT, status)) throw new RangeErrorCtor(`Invalid status code ${status}`);
    const response = new Response(null, { status, headers: { location: href } });
    Headers._freeze(response.#headers);
    return response;
  }

  [kInspect](depth, options, inspect) {
    const fields = { status: this.#status, statusText: this.#statusText, headers: this.#headers, body: this.#state.bytes === null ? null : `<${this.#state.bytes.length} bytes>`, bodyUsed: this.#state.used, ok: this.ok, redirected: false, type: this.#type, url: '' };
    return `Response ${inspect(fields, nested(options))}`;
  }

  static _stateOf(self) { return Response.#of(self); }
}
bodyMethods(Response, (self) => Response._stateOf(self));

// ---- Request -----------------------------------------------------------------------------
const NORMALIZED = ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'];
const FORBIDDEN = ['CONNECT', 'TRACE', 'TRACK'];

class Request {
  #state = { bytes: null, used: false };
  #method = 'GET';
  #url;
  #headers;
  #signal;
  #options;

  constructor(input, init = undefined) {
    if (arguments.length < 1) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'Request constructor: 1 argument required, but only 0 present.');
    const options = init === undefined || init === null ? {} : init;
    let base = null;
    if (isObject(input) && #state in input) base = input;
    if (base === null) {
      try { this.#url = new URLCtor(`${input}`).href; } catch (cause) {
        const e = new TypeErrorCtor(`Failed to parse URL from ${input}`);
        e.cause = cause;
        throw e;
      }
    } else {
      this.#url = base.#url;
      this.#method = base.#method;
    }
    const pick = (name, fallback) => (options[name] !== undefined ? `${options[name]}` : base !== null ? base.#options[name] : fallback);
    this.#options = {
      mode: pick('mode', 'cors'), credentials: pick('credentials', 'same-origin'), cache: pick('cache', 'default'),
      redirect: pick('redirect', 'follow'), referrerPolicy: pick('referrerPolicy', ''), integrity: pick('integrity', ''),
    };
    if (options.method !== undefined) {
      const m = `${options.method}`;
      if (!RegExpTest(TOKEN, m)) throw new TypeErrorCtor(`'${m}' is not a valid HTTP method.`);
      const upper = StringToUpperCase(m);
      if (includes(FORBIDDEN, upper)) throw new TypeErrorCtor(`'${m}' HTTP method is unsupported.`);
      this.#method = includes(NORMALIZED, upper) ? upper : m;
    }
    this.#headers = new Headers(options.headers !== undefined ? options.headers : base !== null ? base.#headers : undefined);
    // The request's own signal follows the one it was given, as Node's does.
    const controller = new AbortController();
    const given = options.signal !== undefined ? options.signal : base !== null ? base.#signal : null;
    if (given !== null && given !== undefined) {
      if (!(given instanceof AbortSignal)) throw new TypeErrorCtor("Request constructor: Expected signal (\"" + given + "\") to be an instance of AbortSignal.");
      if (given.aborted) controller.abort(given.reason);
      else given.addEventListener('abort', () => controller.abort(given.reason), { once: true });
    }
    this.#signal = controller.signal;
    const body = options.body !== undefined ? options.body : null;
    if (body !== null || (base !== null && base.#state.bytes !== null)) {
      if (this.#method === 'GET' || this.#method === 'HEAD') throw new TypeErrorCtor('Request with GET/HEAD method cannot have body.');
    }
    if (body !== null) {
      const { bytes, type } = extract(body);
      this.#state.bytes = bytes;
      if (type !== null && !this.#headers.has('content-type')) this.#headers.append('content-type', type);
    } else if (base !== null && base.#state.bytes !== null) {
      if (base.#state.used) throw new TypeErrorCtor('Cannot construct a Request with a Request object that has already been used.');
      this.#state.bytes = base.#state.bytes;
      base.#state.used = true;
    }
  }

  static #of(self) {
    if (!isObject(self) || !(#state in self)) throw codedError(TypeErrorCtor, 'ERR_INVALID_THIS', 'Value of "this" must be of type Request');
    return self.#state;
  }

  get method() { Request.#of(this); return this.#method; }
  get url() { Request.#of(this); return this.#url; }
  get headers() { Request.#of(this); return this.#headers; }
  get signal() { Request.#of(this); return this.#signal; }
  get mode() { Request.#of(this); return this.#options.mode; }
  get credentials() { Request.#of(this); return this.#options.credentials; }
  get cache() { Request.#of(this); return this.#options.cache; }
  get redirect() { Request.#of(this); return this.#options.redirect; }
  get referrerPolicy() { Request.#of(this); return this.#options.referrerPolicy; }
  get integrity() { Request.#of(this); return this.#options.integrity; }
  get referrer() { Request.#of(this); return 'about:client'; }
  get destination() { Request.#of(this); return ''; }
  get keepalive() { Request.#of(this); return false; }
  get duplex() { Request.#of(this); return 'half'; }

  clone() {
    const state = Request.#of(this);
    if (state.used) throw new TypeErrorCtor('Request.clone: Body has already been consumed.');
    const copy = new Request(this.#url, { method: this.#method, headers: this.#headers, signal: this.#signal, ...this.#options });
    copy.#state.bytes = state.bytes === null ? null : TypedArraySlice(state.bytes);
    return copy;
  }

  [kInspect](depth, options, inspect) {
    const fields = { method: this.#method, url: this.#url, headers: this.#headers, destination: '', referrer: 'about:client', ...this.#options, keepalive: false, signal: this.#signal };
    return `Request ${inspect(fields, nested(options))}`;
  }

  static _stateOf(self) { return Request.#of(self); }
}
bodyMethods(Request, (self) => Request._stateOf(self));

for (const C of [Headers, Request, Response]) {
  ObjectDefineProperty(C.prototype, Symbol.toStringTag, { value: C.name, configurable: true });
  for (const name of ObjectGetOwnPropertyNames(C.prototype)) {
    if (name !== 'constructor') ObjectDefineProperty(C.prototype, name, { enumerable: true });
  }
}

// ---- fetch -------------------------------------------------------------------------------
export const NO_NETWORK = 'the playground has no network access, so a program cannot download anything. Put the data in the program itself (a string, or new Response(text) to keep fetch-style code), or pass it as stdin and read it with process.stdin, readline or the stdin global.';

function fetch(input, init = undefined) {
  try {
    if (arguments.length < 1) throw codedError(TypeErrorCtor, 'ERR_MISSING_ARGS', 'fetch: 1 argument required, but only 0 present.');
    // Node checks the request first; a malformed one fails the same way here.
    const request = new Request(input, init);
    if (request.signal.aborted) return PromiseReject(request.signal.reason);
    const e = codedError(TypeErrorCtor, 'ERR_PLAYGROUND_UNAVAILABLE', `fetch failed: ${request.url}: ${NO_NETWORK}`);
    return PromiseReject(e);
  } catch (e) {
    return PromiseReject(e);
  }
}

export { Headers, Request, Response, fetch };
