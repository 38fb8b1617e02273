// `process` for a program in the playground: Node's shape with fixed, plausible values
// (no host facts leak in except the Node version the sandbox itself runs, which the
// snapshot build passes in). Written for the sandbox rather than taken from a browser
// shim: the shims say `browser`/`v16`, queue nextTick on a timer (the wrong order) and
// cannot end a run.
import { codedError, die, hooks, internals, nowMs, write } from './internals.js';
import { lazyModule } from './registry.js';

const EXEC_PATH = '/usr/local/bin/node';
const MAIN = '/main.js';

// ---- nextTick: a FIFO drained after the main script and after every macrotask --------
let tickQueue = [];
let tickHead = 0;
const runTicks = () => {
  if (tickHead >= tickQueue.length) return false;
  while (tickHead < tickQueue.length) {
    const entry = tickQueue[tickHead];
    tickQueue[tickHead++] = undefined;
    try {
      Reflect.apply(entry.callback, undefined, entry.args);
    } catch (e) {
      die(e, 'exception');
      tickQueue = [];
      tickHead = 0;
      return true;
    }
    if (internals.isHalted()) break;
  }
  tickQueue = [];
  tickHead = 0;
  return true;
};
hooks.runTicks = runTicks;

function nextTick(callback, ...args) {
  if (typeof callback !== 'function') {
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "callback" argument must be of type function. Received ${describe(callback)}`);
  }
  tickQueue.push({ callback, args });
}

const describe = (v) => {
  if (v == null) return `${v}`;
  if (typeof v === 'object') return `an instance of ${v.constructor?.name ?? 'Object'}`;
  if (typeof v === 'string') return `type string ('${v.length > 25 ? `${v.slice(0, 25)}...` : v}')`;
  return `type ${typeof v} (${String(v)})`;
};

// ---- the process's own events (exit, beforeExit, warning): an EventEmitter made on
// first use, so a program that never listens does not pay for the events module.
let emitter = null;
const events = () => {
  if (emitter === null) {
    const { EventEmitter } = lazyModule('events');
    emitter = new EventEmitter();
  }
  return emitter;
};
const listening = (name) => emitter !== null && emitter.listenerCount(name) > 0;

// ---- exit ----------------------------------------------------------------------------
let exiting = false;
let exitCode;
const validCode = (code) => {
  if (code === undefined || code === null) return undefined;
  const n = typeof code === 'string' && /^\s*-?\d+\s*$/.test(code) ? Number(code) : code;
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "code" argument must be of type number. Received ${describe(code)}`);
  }
  return n;
};
const emitExit = (code) => {
  if (exiting) return;
  exiting = true;
  if (listening('exit')) {
    try { events().emit('exit', code); } catch (e) { die(e, 'exception'); }
  }
};
const exit = (code) => {
  if (code !== undefined) process.exitCode = code;
  const final = (exitCode ?? 0) & 0xff;
  emitExit(final);
  internals.exitNow((exitCode ?? 0) & 0xff);
  // The host disposes the isolate during exitNow; this only runs in tests without one.
  throw new Error('process.exit');
};
hooks.exitCode = () => (exitCode === undefined ? undefined : exitCode & 0xff);
hooks.onFatal = () => emitExit(1);
// An uncaught exception goes to 'uncaughtException' listeners when there are any, and the
// program goes on, as in Node. An error thrown by a listener ends the run.
let inUncaught = false;
hooks.onUncaught = (error, kind) => {
  if (kind !== 'exception' || inUncaught || exiting || !listening('uncaughtException')) return false;
  inUncaught = true;
  try {
    events().emit('uncaughtException', error, 'uncaughtException');
    return true;
  } catch (e) {
    die(e, 'exception'); // still inUncaught: this one ends the run
    return true;
  } finally {
    inUncaught = false;
  }
};
// An unhandled rejection goes to 'unhandledRejection' listeners, or else, as Node's
// default mode does, to 'uncaughtException' listeners with the origin 'unhandledRejection'.
// With neither, it ends the run. A listener that throws ends it too.
hooks.onRejection = (reason, promise) => {
  if (inUncaught || exiting) return false;
  const name = listening('unhandledRejection') ? 'unhandledRejection' : listening('uncaughtException') ? 'uncaughtException' : null;
  if (name === null) return false;
  inUncaught = true;
  try {
    if (name === 'unhandledRejection') events().emit(name, reason, promise);
    else events().emit(name, reason, 'unhandledRejection');
  } catch (e) {
    die(e, 'exception');
  } finally {
    inUncaught = false;
  }
  return true;
};
hooks.onIdle = (hasWork) => {
  if (exiting) return;
  if (listening('beforeExit')) {
    try { events().emit('beforeExit', exitCode ?? 0); } catch (e) { die(e, 'exception'); return; }
    if (hasWork() || tickHead < tickQueue.length) return;
  }
  emitExit(exitCode ?? 0);
};

// ---- stdout / stderr -------------------------------------------------------------------
const toText = (chunk, encoding) => {
  if (typeof chunk === 'string') {
    // write('68690a', 'hex') writes the decoded bytes, as Node's streams do.
    if (typeof encoding !== 'string' || /^utf-?8$/i.test(encoding)) return chunk;
    return lazyModule('buffer').Buffer.from(chunk, encoding).toString('utf8');
  }
  if (chunk instanceof Uint8Array) {
    const { Buffer } = lazyModule('buffer');
    return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
  }
  throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "chunk" argument must be of type string or an instance of Buffer, TypedArray, or DataView. Received ${describe(chunk)}`);
};
const outputStream = (fd) => {
  const stream = {
    fd,
    // Like a pipe in Node: not a terminal, so no isTTY and no columns.
    writable: true,
    write(chunk, encoding, callback) {
      write(fd, toText(chunk, encoding));
      const cb = typeof encoding === 'function' ? encoding : callback;
      if (typeof cb === 'function') nextTick(cb);
      return true;
    },
    end(chunk, encoding, callback) {
      if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') stream.write(chunk, encoding);
      const cb = [chunk, encoding, callback].find((x) => typeof x === 'function');
      if (cb) nextTick(cb);
      return stream;
    },
    // Enough of a stream for pipe() and `console.Console`-style use.
    on() { return stream; },
    once() { return stream; },
    off() { return stream; },
    removeListener() { return stream; },
    emit() { return false; },
    cork() {},
    uncork() {},
    setDefaultEncoding() { return stream; },
    getColorDepth() { return 1; },
    hasColors() { return false; },
    get writableLength() { return 0; },
    get writableHighWaterMark() { return 16384; },
  };
  return stream;
};
const stdout = outputStream(1);
const stderr = outputStream(2);

// stdin: a Readable that yields the run's stdin once; built on first use (stream is big).
let stdin = null;
const makeStdin = () => {
  const { Readable } = lazyModule('stream');
  const { Buffer } = lazyModule('buffer');
  const text = internals.readAllStdin();
  let sent = false;
  const readable = new Readable({
    read() {
      if (sent) return;
      sent = true;
      if (text.length === 0) { this.push(null); return; }
      this.push(Buffer.from(text, 'utf8'));
      // As from a pipe in Node, the end of input arrives in a later turn of the loop than
      // the data, so promise continuations of the last lines run before 'end'.
      internals.timers.setImmediate(() => this.push(null));
    },
  });
  readable.fd = 0;
  return readable;
};

// ---- warnings ------------------------------------------------------------------------
let warnedOnce = false;
function emitWarning(warning, type, code) {
  let name = 'Warning';
  let text;
  if (type !== null && typeof type === 'object') {
    code = type.code;
    name = type.type ?? name;
    type = undefined;
  } else if (typeof type === 'string') {
    name = type;
  }
  if (warning instanceof Error) {
    name = warning.name;
    text = warning.message;
  } else if (typeof warning === 'string') {
    text = warning;
  } else {
    throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "warning" argument must be of type string or an instance of Error. Received ${describe(warning)}`);
  }
  if (name === 'DeprecationWarning' && process.noDeprecation) return;
  const error = warning instanceof Error ? warning : Object.assign(new Error(text), { name });
  if (code !== undefined) error.code = code;
  nextTick(() => {
    if (listening('warning')) events().emit('warning', error);
    let line = `(node:${process.pid}) ${code !== undefined ? `[${code}] ` : ''}${name}: ${text}\n`;
    if (!warnedOnce) {
      warnedOnce = true;
      const flag = name === 'DeprecationWarning' ? 'deprecation' : 'warnings';
      line += `(Use \`node --trace-${flag} ...\` to show where the warning was created)\n`;
    }
    write(2, line);
  });
}

// ---- clocks and resources (coarse on purpose: whole milliseconds) ----------------------
function hrtime(previous) {
  const ms = nowMs();
  let seconds = Math.floor(ms / 1000);
  let nanos = (ms % 1000) * 1e6;
  if (previous !== undefined) {
    if (!Array.isArray(previous) || previous.length !== 2) {
      throw codedError(TypeError, 'ERR_INVALID_ARG_TYPE', `The "time" argument must be an instance of Array. Received ${describe(previous)}`);
    }
    seconds -= previous[0];
    nanos -= previous[1];
    if (nanos < 0) { seconds--; nanos += 1e9; }
  }
  return [seconds, nanos];
}
hrtime.bigint = () => BigInt(nowMs()) * 1_000_000n;

const memoryUsage = () => ({ rss: 41_943_040, heapTotal: 6_291_456, heapUsed: 4_194_304, external: 1_048_576, arrayBuffers: 16_384 });
memoryUsage.rss = () => 41_943_040;

const unavailable = (what, instead) => () => {
  throw codedError(Error, 'ERR_PLAYGROUND_UNAVAILABLE', `${what} is not available in the playground${instead ? `: ${instead}` : ''}.`);
};

export const process = {
  title: 'node',
  version: 'v24.0.0',
  versions: {},
  arch: 'x64',
  platform: 'linux',
  release: { name: 'node' },
  argv: [EXEC_PATH, MAIN],
  execArgv: [],
  argv0: 'node',
  execPath: EXEC_PATH,
  env: {},
  pid: 1,
  ppid: 0,
  debugPort: 9229,
  features: { inspector: false, ipv6: true, tls: false, typescript: false },
  config: { variables: {} },
  noDeprecation: false,
  throwDeprecation: false,
  get exitCode() { return exitCode; },
  set exitCode(code) { exitCode = validCode(code); },
  exit,
  abort: () => exit(134),
  reallyExit: exit,
  kill: unavailable('process.kill', 'a program cannot signal processes'),
  nextTick,
  emitWarning,
  hrtime,
  uptime: () => nowMs() / 1000,
  cpuUsage: () => ({ user: nowMs() * 1000, system: 0 }),
  resourceUsage: unavailable('process.resourceUsage'),
  memoryUsage,
  constrainedMemory: () => 67_108_864,
  availableMemory: () => 67_108_864,
  cwd: () => '/',
  chdir: unavailable('process.chdir', 'there is no file system'),
  umask: () => 0o22,
  getuid: () => 1000,
  geteuid: () => 1000,
  getgid: () => 1000,
  getegid: () => 1000,
  getgroups: () => [1000],
  binding: unavailable('process.binding', 'a program cannot reach Node\'s internals'),
  _linkedBinding: unavailable('process._linkedBinding', 'a program cannot reach Node\'s internals'),
  dlopen: unavailable('process.dlopen', 'a program cannot load native code'),
  getBuiltinModule: (name) => {
    try { return lazyModule(String(name).replace(/^node:/, '')); } catch { return undefined; }
  },
  stdout,
  stderr,
  get stdin() {
    if (stdin === null) stdin = makeStdin();
    return stdin;
  },
  // EventEmitter's interface, delegated to an emitter made on first use.
  on(name, listener) { events().on(name, listener); return process; },
  addListener(name, listener) { events().on(name, listener); return process; },
  prependListener(name, listener) { events().prependListener(name, listener); return process; },
  once(name, listener) { events().once(name, listener); return process; },
  off(name, listener) { events().off(name, listener); return process; },
  removeListener(name, listener) { events().removeListener(name, listener); return process; },
  removeAllListeners(name) { if (emitter !== null) emitter.removeAllListeners(...(name === undefined ? [] : [name])); return process; },
  emit(name, ...args) { return emitter === null ? false : emitter.emit(name, ...args); },
  listeners(name) { return emitter === null ? [] : emitter.listeners(name); },
  listenerCount(name) { return emitter === null ? 0 : emitter.listenerCount(name); },
  eventNames() { return emitter === null ? [] : emitter.eventNames(); },
  setMaxListeners(n) { events().setMaxListeners(n); return process; },
  getMaxListeners() { return emitter === null ? 10 : emitter.getMaxListeners(); },
  [Symbol.toStringTag]: 'process',
};

// Versions are the host Node's (the same engine runs the program), passed in at snapshot build.
const versions = internals.nodeVersions;
if (versions && typeof versions.node === 'string') {
  process.version = `v${versions.node}`;
  process.versions = { ...versions };
}

