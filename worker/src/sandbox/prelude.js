// The runtime every program sees. It is evaluated once per sandbox child into a V8 startup
// snapshot (after node-inspect-extracted), so a fresh isolate starts with it already built.
//
// Rules for this file:
// - It runs inside the isolate, next to hostile code. Everything it needs from the
//   language is captured here, before user code runs, so that a program that replaces
//   Array.prototype.push or JSON.stringify only breaks its own output, never the runtime's
//   bookkeeping.
// - It talks to the host only through the functions handed to `__playground.attach`
//   (ivm Callbacks: arguments and results are copies) and through the primitive return
//   values of `start`/`tick`/`report`. Nothing here holds a host object.
// - Behaviour follows Node's: console methods, timer phases, error texts. It is a
//   re-implementation from observed behaviour, not a copy of Node's source.
(function (global) {
  'use strict';

  const util = global.__playgroundInspect;
  delete global.__playgroundInspect;
  const { inspect, formatWithOptions } = util;

  // ---- primordials -------------------------------------------------------------------
  const indirectEval = global.eval;
  const { apply: ReflectApply, ownKeys: ReflectOwnKeys, defineProperty: ReflectDefineProperty } = Reflect;
  const {
    keys: ObjectKeys, defineProperty: ObjectDefineProperty, freeze: ObjectFreeze,
    getPrototypeOf: ObjectGetPrototypeOf, create: ObjectCreate, assign: ObjectAssign,
    getOwnPropertyDescriptor: ObjectGetOwnPropertyDescriptor,
  } = Object;
  const ObjectPrototypeToString = Function.prototype.call.bind(Object.prototype.toString);
  const hasOwn = Object.hasOwn;
  const JSONStringify = JSON.stringify;
  const StringCtor = String;
  const NumberCtor = Number;
  const MathMax = Math.max;
  const MathFloor = Math.floor;
  const MathMin = Math.min;
  const DateNow = Date.now;
  const PromiseCtor = Promise;
  const PromiseResolve = Promise.resolve.bind(Promise);
  const PromisePrototypeThen = Function.prototype.call.bind(Promise.prototype.then);
  const MapCtor = Map;
  const SetCtor = Set;
  const MapGet = Function.prototype.call.bind(Map.prototype.get);
  const MapSet = Function.prototype.call.bind(Map.prototype.set);
  const MapHas = Function.prototype.call.bind(Map.prototype.has);
  const MapDelete = Function.prototype.call.bind(Map.prototype.delete);
  const MapValues = Function.prototype.call.bind(Map.prototype.values);
  const MapIteratorNext = Function.prototype.call.bind(Object.getPrototypeOf(new Map().values()).next);
  const MapSize = Function.prototype.call.bind(Object.getOwnPropertyDescriptor(Map.prototype, 'size').get);
  const IsMap = (v) => { try { MapSize(v); return true; } catch { return false; } };
  const SetSize = Function.prototype.call.bind(Object.getOwnPropertyDescriptor(Set.prototype, 'size').get);
  const IsSet = (v) => { try { SetSize(v); return true; } catch { return false; } };
  const ArrayIsArray = Array.isArray;
  const ArrayPush = Function.prototype.call.bind(Array.prototype.push);
  const ArrayJoin = Function.prototype.call.bind(Array.prototype.join);
  const ArrayShift = Function.prototype.call.bind(Array.prototype.shift);
  const ArraySplice = Function.prototype.call.bind(Array.prototype.splice);
  const ArrayUnshift = Function.prototype.call.bind(Array.prototype.unshift);
  const ArrayFilter = Function.prototype.call.bind(Array.prototype.filter);
  const StringSlice = Function.prototype.call.bind(String.prototype.slice);
  const StringSplit = Function.prototype.call.bind(String.prototype.split);
  const StringIncludes = Function.prototype.call.bind(String.prototype.includes);
  const StringIndexOf = Function.prototype.call.bind(String.prototype.indexOf);
  const StringRepeat = Function.prototype.call.bind(String.prototype.repeat);
  const StringCharCodeAt = Function.prototype.call.bind(String.prototype.charCodeAt);
  const StringCodePointAt = Function.prototype.call.bind(String.prototype.codePointAt);
  const StringFromCharCode = String.fromCharCode;
  const StringReplace = Function.prototype.call.bind(String.prototype.replace);
  const RegExpExec = Function.prototype.call.bind(RegExp.prototype.exec);
  const NumberToFixed = Function.prototype.call.bind(Number.prototype.toFixed);
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const RangeErrorCtor = RangeError;
  const SyntaxErrorCtor = SyntaxError;
  const ErrorCaptureStackTrace = Error.captureStackTrace;
  const Uint8ArrayCtor = Uint8Array;
  const TypedArrayProto = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayLength = Function.prototype.call.bind(Object.getOwnPropertyDescriptor(TypedArrayProto, 'length').get);
  const TypedArrayTag = Function.prototype.call.bind(Object.getOwnPropertyDescriptor(TypedArrayProto, Symbol.toStringTag).get);
  const SymbolFor = Symbol.for;
  const SymbolToPrimitive = Symbol.toPrimitive;
  const SymbolToStringTag = Symbol.toStringTag;
  const AsyncFunction = ObjectGetPrototypeOf(async function () {}).constructor;

  // Values too dangerous or too costly to offer: shared memory enables Atomics.wait (an
  // uninterruptible block) and WebAssembly memories reserve gigabytes of address space
  // outside the isolate's heap limit.
  delete global.SharedArrayBuffer;
  delete global.WebAssembly;

  // ---- per-execution state (reset by attach; every isolate serves one execution) ---
  let hostWrite = null;       // (fd: 1|2, text: string) => void, an ignored ivm Callback
  let hostRandom = null;      // (n: number) => Uint8Array, a sync ivm Callback
  let halted = false;         // after an uncaught error nothing more is printed or run
  let fatal = null;           // description of the error that ends the run
  let completion = undefined; // formatted completion value of the main script
  let mainPending = false;    // a top-level await that has not settled yet
  let mainWrapped = false;    // main runs as an async function body (positions on line 1 shift)
  let maxTimers = 10000;
  let stdinText = '';
  let stdinPos = 0;
  let timeOrigin = 0;
  let loopNow = 0;

  // The host counts bytes and stops the run at its cap. Counting UTF-16 units here (never
  // more than the UTF-8 bytes) keeps a single huge string from being copied out whole.
  let outputBudget = Infinity;
  const write = (fd, text) => {
    if (halted || hostWrite === null || outputBudget < 0) return;
    if (text.length > outputBudget) text = StringSlice(text, 0, outputBudget + 1);
    outputBudget -= text.length;
    hostWrite(fd, text);
  };

  // ---- errors --------------------------------------------------------------------------
  const RUNTIME_FRAME = /^\s+at .*(?:playground:|<isolated-vm|\(<anonymous>\)$|^\s+at <anonymous>$)/;

  // Runtime frames are noise for the user; the program's own frames stay.
  const trimStack = (stack) => {
    const lines = StringSplit(stack, '\n');
    const kept = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (RegExpExec(RUNTIME_FRAME, line) !== null) continue;
      // Top-level code run through eval is named "eval"; Node names it by its file.
      ArrayPush(kept, StringReplace(line, /^(\s+at )eval \((main\.[jt]s:\d+:\d+)\)$/, '$1$2'));
    }
    return ArrayJoin(kept, '\n');
  };

  const safeString = (get, fallback) => {
    try {
      const v = get();
      return typeof v === 'string' ? v : v === undefined ? fallback : StringCtor(v);
    } catch {
      return fallback;
    }
  };

  const isErrorLike = (e) => {
    if (e === null || (typeof e !== 'object' && typeof e !== 'function')) return false;
    try { return e instanceof ErrorCtor || ObjectPrototypeToString(e) === '[object Error]'; } catch { return false; }
  };

  // Plain strings only: this is what leaves the isolate when a run fails.
  const describeError = (e, kind) => {
    if (isErrorLike(e)) {
      const name = safeString(() => e.name, 'Error');
      const message = safeString(() => e.message, '');
      const stack = safeString(() => e.stack, `${name}: ${message}`);
      return { name, message, stack: trimStack(stack) };
    }
    let shown;
    try { shown = inspect(e); } catch { shown = '[unprintable value]'; }
    if (kind === 'rejection') {
      return {
        name: 'UnhandledPromiseRejection',
        message: `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${shown}".`,
      };
    }
    return { name: 'Uncaught', message: shown };
  };

  const die = (e, kind) => {
    if (fatal === null) fatal = describeError(e, kind);
    halted = true;
  };

  // ---- console -------------------------------------------------------------------------
  const kNoColor = {};
  let groupIndent = '';
  const counts = new MapCtor();
  const timers = new MapCtor(); // console.time labels

  const writeLine = (fd, text) => {
    if (groupIndent.length !== 0) {
      if (StringIncludes(text, '\n')) text = StringReplace(text, /\n/g, `\n${groupIndent}`);
      text = groupIndent + text;
    }
    write(fd, `${text}\n`);
  };
  const format = (args) => ReflectApply(formatWithOptions, undefined, [kNoColor, ...args]);
  const warning = (text) => write(2, `(node) Warning: ${text}\n`);

  const formatTime = (ms) => {
    let hours = 0;
    let minutes = 0;
    let seconds = 0;
    if (ms >= 1000) {
      if (ms >= 60000) {
        if (ms >= 3600000) {
          hours = MathFloor(ms / 3600000);
          ms %= 3600000;
        }
        minutes = MathFloor(ms / 60000);
        ms %= 60000;
      }
      seconds = ms / 1000;
    }
    if (hours !== 0 || minutes !== 0) {
      const parts = StringSplit(NumberToFixed(seconds, 3), '.');
      const pad = (n) => (StringCtor(n).length < 2 ? `0${n}` : StringCtor(n));
      const head = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
      return `${head}:${pad(parts[0])}.${parts[1]} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
    }
    if (seconds !== 0) return `${NumberToFixed(seconds, 3)}s`;
    return `${NumberCtor(NumberToFixed(ms, 3))}ms`;
  };

  // Display width of a string in a terminal: wide East Asian characters take two
  // columns, combining marks none. Enough for console.table to line up like Node's.
  const isFullWidth = (cp) => cp >= 0x1100 && (
    cp <= 0x115f || cp === 0x2329 || cp === 0x232a ||
    (cp >= 0x2e80 && cp <= 0x3247 && cp !== 0x303f) || (cp >= 0x3250 && cp <= 0x4dbf) ||
    (cp >= 0x4e00 && cp <= 0xa4c6) || (cp >= 0xa960 && cp <= 0xa97c) || (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) || (cp >= 0xfe10 && cp <= 0xfe19) || (cp >= 0xfe30 && cp <= 0xfe6b) ||
    (cp >= 0xff01 && cp <= 0xff60) || (cp >= 0xffe0 && cp <= 0xffe6) || (cp >= 0x1b000 && cp <= 0x1b001) ||
    (cp >= 0x1f200 && cp <= 0x1f251) || (cp >= 0x1f300 && cp <= 0x1f64f) || (cp >= 0x20000 && cp <= 0x3fffd));
  const isZeroWidth = (cp) => cp <= 0x1f || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x300 && cp <= 0x36f) ||
    (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x20d0 && cp <= 0x20ff) || (cp >= 0xfe00 && cp <= 0xfe0f) ||
    (cp >= 0xfe20 && cp <= 0xfe2f) || (cp >= 0xe0100 && cp <= 0xe01ef);
  const stringWidth = (s) => {
    let width = 0;
    for (let i = 0; i < s.length; i++) {
      const cp = StringCodePointAt(s, i);
      if (cp > 0xffff) i++;
      if (isFullWidth(cp)) width += 2;
      else if (!isZeroWidth(cp)) width += 1;
    }
    return width;
  };

  const renderTable = (head, columns) => {
    const widths = [];
    for (let i = 0; i < head.length; i++) ArrayPush(widths, stringWidth(head[i]));
    let longest = 0;
    for (let i = 0; i < columns.length; i++) longest = MathMax(longest, columns[i].length);
    const rows = [];
    for (let i = 0; i < head.length; i++) {
      const column = columns[i];
      for (let j = 0; j < longest; j++) {
        if (rows[j] === undefined) rows[j] = [];
        const cell = hasOwn(column, j) ? column[j] : '';
        rows[j][i] = cell;
        widths[i] = MathMax(widths[i] || 0, stringWidth(cell));
      }
    }
    const row = (cells) => {
      let out = '│ ';
      for (let i = 0; i < cells.length; i++) {
        out += cells[i] + StringRepeat(' ', widths[i] - stringWidth(cells[i]));
        if (i !== cells.length - 1) out += ' │ ';
      }
      return `${out} │`;
    };
    const divider = [];
    for (let i = 0; i < widths.length; i++) ArrayPush(divider, StringRepeat('─', widths[i] + 2));
    let out = `┌${ArrayJoin(divider, '┬')}┐\n${row(head)}\n├${ArrayJoin(divider, '┼')}┤\n`;
    for (let i = 0; i < rows.length; i++) out += `${row(rows[i])}\n`;
    return `${out}└${ArrayJoin(divider, '┴')}┘`;
  };

  const tableCell = (v) => {
    const depth = v !== null && typeof v === 'object' && !ArrayIsArray(v) && ObjectKeys(v).length > 2 ? -1 : 0;
    return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity, colors: false });
  };

  const consoleTable = (data, properties) => {
    if (properties !== undefined && !ArrayIsArray(properties)) {
      const err = new TypeErrorCtor(`The "properties" argument must be an instance of Array. Received ${tableCell(properties)}`);
      err.code = 'ERR_INVALID_ARG_TYPE';
      throw err;
    }
    if (data === null || typeof data !== 'object') return console.log(data);
    const indexes = (n) => { const out = []; for (let i = 0; i < n; i++) ArrayPush(out, StringCtor(i)); return out; };
    if (IsMap(data)) {
      const keys = [];
      const values = [];
      for (const { 0: k, 1: v } of data) { ArrayPush(keys, tableCell(k)); ArrayPush(values, tableCell(v)); }
      return console.log(renderTable(['(iteration index)', 'Key', 'Values'], [indexes(keys.length), keys, values]));
    }
    if (IsSet(data)) {
      const values = [];
      for (const v of data) ArrayPush(values, tableCell(v));
      return console.log(renderTable(['(iteration index)', 'Values'], [indexes(values.length), values]));
    }
    const map = ObjectCreate(null);
    let hasPrimitives = false;
    const primitiveValues = [];
    const rowKeys = ObjectKeys(data);
    for (let i = 0; i < rowKeys.length; i++) {
      const item = data[rowKeys[i]];
      const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
      if (properties === undefined && primitive) {
        hasPrimitives = true;
        primitiveValues[i] = tableCell(item);
      } else {
        const keys = properties || ObjectKeys(item);
        for (let k = 0; k < keys.length; k++) {
          const key = keys[k];
          if (map[key] === undefined) map[key] = [];
          map[key][i] = (primitive && properties) || !hasOwn(item, key) ? '' : tableCell(item[key]);
        }
      }
    }
    const head = ObjectKeys(map);
    const columns = [];
    for (let i = 0; i < head.length; i++) ArrayPush(columns, map[head[i]]);
    if (hasPrimitives) { ArrayPush(head, 'Values'); ArrayPush(columns, primitiveValues); }
    ArrayUnshift(head, '(index)');
    ArrayUnshift(columns, rowKeys);
    return console.log(renderTable(head, columns));
  };

  const console = {
    log(...args) { writeLine(1, format(args)); },
    warn(...args) { writeLine(2, format(args)); },
    dir(object, options) {
      writeLine(1, inspect(object, { customInspect: false, ...(options !== null && typeof options === 'object' ? options : {}) }));
    },
    time(label = 'default') {
      label = `${label}`;
      if (MapHas(timers, label)) return warning(`Label '${label}' already exists for console.time()`);
      MapSet(timers, label, nowMs());
    },
    timeEnd(label = 'default') {
      label = `${label}`;
      if (!MapHas(timers, label)) return warning(`No such label '${label}' for console.timeEnd()`);
      const start = MapGet(timers, label);
      MapDelete(timers, label);
      console.log('%s: %s', label, formatTime(nowMs() - start));
    },
    timeLog(label = 'default', ...data) {
      label = `${label}`;
      if (!MapHas(timers, label)) return warning(`No such label '${label}' for console.timeLog()`);
      console.log('%s: %s', label, formatTime(nowMs() - MapGet(timers, label)), ...data);
    },
    trace: function trace(...args) {
      const err = { name: 'Trace', message: format(args) };
      ErrorCaptureStackTrace(err, trace);
      console.error(trimStack(err.stack));
    },
    assert(expression, ...args) {
      if (!expression) {
        if (args.length !== 0 && typeof args[0] === 'string') args[0] = `Assertion failed: ${args[0]}`;
        else ArrayUnshift(args, 'Assertion failed');
        ReflectApply(console.warn, console, args);
      }
    },
    clear() {},
    count(label = 'default') {
      label = `${label}`;
      const n = (MapHas(counts, label) ? MapGet(counts, label) : 0) + 1;
      MapSet(counts, label, n);
      console.log(`${label}: ${n}`);
    },
    countReset(label = 'default') {
      label = `${label}`;
      if (!MapHas(counts, label)) return warning(`Count for '${label}' does not exist`);
      MapDelete(counts, label);
    },
    group(...data) {
      if (data.length > 0) ReflectApply(console.log, console, data);
      groupIndent += '  ';
    },
    groupEnd() {
      groupIndent = StringSlice(groupIndent, 0, groupIndent.length - 2);
    },
    table: consoleTable,
  };
  console.info = console.log;
  console.debug = console.log;
  console.dirxml = console.log;
  console.error = console.warn;
  console.groupCollapsed = console.group;

  // ---- timers and the event loop --------------------------------------------------------
  // Phases follow libuv's: due timers (ordered by due time, then creation), then the
  // immediates queued before the check phase began. The host runs exactly one callback per
  // call (`tick`), because V8 drains microtasks only when a host call returns: that is
  // what makes `setTimeout(() => Promise.resolve().then(a)); setTimeout(b)` print a, b.
  const TIMEOUT_MAX = 2 ** 31 - 1;
  const nowMs = () => DateNow() - timeOrigin;
  const pendingTimers = new MapCtor(); // id -> Timeout
  let immediateQueue = [];
  let checkQueue = [];
  let nextTimerId = 1;
  let timerSeq = 0;
  let phase = 'start';
  let liveCount = 0; // timers + immediates not yet run or cleared

  const invalidCallback = (cb) => {
    const err = new TypeErrorCtor(`The "callback" argument must be of type function. Received ${describeType(cb)}`);
    err.code = 'ERR_INVALID_ARG_TYPE';
    return err;
  };
  const describeType = (v) => {
    if (v == null) return `${v}`;
    if (typeof v === 'function') return `function ${v.name}`;
    if (typeof v === 'object') return `an instance of ${safeString(() => v.constructor.name, 'Object')}`;
    let shown = inspect(v, { colors: false });
    if (shown.length > 28) shown = `${StringSlice(shown, 0, 25)}...`;
    return `type ${typeof v} (${shown})`;
  };
  const reserve = () => {
    if (liveCount >= maxTimers) {
      throw new RangeErrorCtor(`Too many pending timers and immediates: the playground allows ${maxTimers}.`);
    }
    liveCount++;
  };

  class Timeout {
    constructor(callback, after, args, repeat) {
      after *= 1;
      if (!(after >= 1 && after <= TIMEOUT_MAX)) after = 1;
      this._idleTimeout = after;
      this._onTimeout = callback;
      this._timerArgs = args;
      this._repeat = repeat ? after : null;
      this._destroyed = false;
      ObjectDefineProperty(this, kId, { value: nextTimerId++ });
      ObjectDefineProperty(this, kState, { value: { due: loopNow + after, seq: timerSeq++, refed: true }, writable: false });
    }
    ref() { this[kState].refed = true; return this; }
    unref() { this[kState].refed = false; return this; }
    hasRef() { return this[kState].refed; }
    refresh() {
      if (!this._destroyed) { this[kState].due = nowMs() + this._idleTimeout; this[kState].seq = timerSeq++; }
      return this;
    }
    close() { clearTimeout(this); return this; }
    [SymbolToPrimitive]() { return this[kId]; }
  }
  const kId = Symbol('timerId');
  const kState = Symbol('timerState');

  class Immediate {
    constructor(callback, args) {
      this._onImmediate = callback;
      this._argv = args;
      this._destroyed = false;
      ObjectDefineProperty(this, kState, { value: { refed: true } });
    }
    ref() { this[kState].refed = true; return this; }
    unref() { this[kState].refed = false; return this; }
    hasRef() { return this[kState].refed; }
  }

  const setTimeoutImpl = (callback, after, args, repeat) => {
    if (typeof callback !== 'function') throw invalidCallback(callback);
    reserve();
    const t = new Timeout(callback, after, args, repeat);
    MapSet(pendingTimers, t[kId], t);
    return t;
  };
  function setTimeout(callback, after, ...args) { return setTimeoutImpl(callback, after, args, false); }
  function setInterval(callback, repeat, ...args) { return setTimeoutImpl(callback, repeat, args, true); }
  function clearTimeout(timer) {
    let t = timer;
    if (typeof timer === 'number' || typeof timer === 'string') t = MapGet(pendingTimers, NumberCtor(timer));
    if (t instanceof Timeout && !t._destroyed) {
      t._destroyed = true;
      if (MapDelete(pendingTimers, t[kId])) liveCount--;
    }
  }
  function setImmediate(callback, ...args) {
    if (typeof callback !== 'function') throw invalidCallback(callback);
    reserve();
    const im = new Immediate(callback, args);
    ArrayPush(immediateQueue, im);
    return im;
  }
  function clearImmediate(im) {
    if (im instanceof Immediate && !im._destroyed) { im._destroyed = true; liveCount--; }
  }
  function queueMicrotask(callback) {
    if (typeof callback !== 'function') throw invalidCallback(callback);
    PromisePrototypeThen(PromiseResolve(), () => {
      try { callback(); } catch (e) { die(e, 'exception'); }
    });
  }

  const nextDueTimer = (now) => {
    let best = null;
    for (let it = MapValues(pendingTimers), r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) {
      const s = r.value[kState];
      if (s.due <= now && (best === null || s.due < best[kState].due || (s.due === best[kState].due && s.seq < best[kState].seq))) best = r.value;
    }
    return best;
  };
  const earliestRefedDue = () => {
    let due = Infinity;
    for (let it = MapValues(pendingTimers), r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) {
      const s = r.value[kState];
      if (s.refed && s.due < due) due = s.due;
    }
    return due;
  };
  const hasRefedImmediate = () => {
    for (let i = 0; i < immediateQueue.length; i++) {
      const im = immediateQueue[i];
      if (!im._destroyed && im[kState].refed) return true;
    }
    return false;
  };

  const runTimer = (t) => {
    if (t._repeat === null) {
      t._destroyed = true;
      MapDelete(pendingTimers, t[kId]);
      liveCount--;
    }
    try {
      ReflectApply(t._onTimeout, t, t._timerArgs);
    } catch (e) {
      die(e, 'exception');
    }
    if (t._repeat !== null && !t._destroyed) {
      t[kState].due = nowMs() + t._repeat;
      t[kState].seq = timerSeq++;
    }
  };

  // One step of the loop. Returns: 0 run again now, n > 0 wait n ms, -1 nothing left, -2 the
  // program died (see report).
  const tick = () => {
    for (;;) {
      if (halted) return -2;
      if (phase === 'start') {
        loopNow = nowMs();
        phase = 'timers';
      }
      if (phase === 'timers') {
        const t = nextDueTimer(loopNow);
        if (t !== null) {
          runTimer(t);
          return halted ? -2 : 0;
        }
        phase = 'check';
        checkQueue = immediateQueue;
        immediateQueue = [];
      }
      if (phase === 'check') {
        while (checkQueue.length !== 0) {
          const im = ArrayShift(checkQueue);
          if (im._destroyed) continue;
          im._destroyed = true;
          liveCount--;
          try { ReflectApply(im._onImmediate, im, im._argv); } catch (e) { die(e, 'exception'); }
          return halted ? -2 : 0;
        }
        phase = 'start';
      }
      if (hasRefedImmediate()) continue;
      const due = earliestRefedDue();
      if (due === Infinity) return -1;
      const wait = due - nowMs();
      if (wait > 0) return wait;
    }
  };

  // ---- stdin ---------------------------------------------------------------------------
  function readline() {
    if (stdinPos >= stdinText.length) return null;
    let end = StringIndexOf(stdinText, '\n', stdinPos);
    if (end === -1) end = stdinText.length;
    let line = StringSlice(stdinText, stdinPos, end);
    stdinPos = end + 1;
    if (line.length !== 0 && StringCharCodeAt(line, line.length - 1) === 13) line = StringSlice(line, 0, -1);
    return line;
  }

  // ---- globals -------------------------------------------------------------------------
  const define = (name, value) => ObjectDefineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
  define('console', console);
  define('setTimeout', setTimeout);
  define('setInterval', setInterval);
  define('setImmediate', setImmediate);
  define('clearTimeout', clearTimeout);
  define('clearInterval', clearTimeout);
  define('clearImmediate', clearImmediate);
  define('queueMicrotask', queueMicrotask);
  define('readline', readline);
  define('global', global);

  // ---- the host's handle ---------------------------------------------------------------
  const SOURCE_URL = (file) => `\n//# sourceURL=${file}`;

  // Runs the program. Classic scripts go through indirect eval, which yields the completion
  // value; code using top-level await is retried as the body of an async function (what
  // Node does when it detects module syntax), which has no completion value.
  const start = (code, file, stdin, timerLimit, outputLimit) => {
    stdinText = typeof stdin === 'string' ? stdin : '';
    maxTimers = typeof timerLimit === 'number' ? timerLimit : maxTimers;
    outputBudget = typeof outputLimit === 'number' ? outputLimit : Infinity;
    timeOrigin = DateNow();
    loopNow = 0;
    let value;
    try {
      value = indirectEval(code + SOURCE_URL(file));
      try { completion = inspect(value); } catch (e) { completion = undefined; }
    } catch (e) {
      if (!(e instanceof SyntaxErrorCtor) || !RegExpExec(/\bawait\b/, code)) {
        die(e, 'exception');
        return -2;
      }
      let body;
      try {
        // Same first line as the user's code, so only columns on line 1 shift.
        body = indirectEval(`(async function () {"use strict";${code}\n})${SOURCE_URL(file)}`);
      } catch {
        die(e, 'exception'); // report the original error: the retry was our idea
        return -2;
      }
      mainPending = true;
      mainWrapped = true;
      PromisePrototypeThen(body(), () => { mainPending = false; }, (err) => { mainPending = false; die(err, 'exception'); });
    }
    return halted ? -2 : 0;
  };

  const report = () => {
    if (fatal !== null) return JSONStringify({ error: fatal, wrapped: mainWrapped });
    if (mainPending) {
      return JSONStringify({ error: { name: 'Error', message: 'Detected unsettled top-level await: the program waited for a promise that nothing could settle.' } });
    }
    return JSONStringify(completion === undefined ? {} : { value: completion });
  };

  const formatForHost = (v) => { try { return inspect(v); } catch { return '[unprintable value]'; } };

  ObjectDefineProperty(global, '__playground', {
    configurable: true,
    value: {
      // Called by the host once per isolate, before user code; it removes this handle.
      attach(writeFn, randomFn) {
        hostWrite = writeFn;
        hostRandom = randomFn;
        delete global.__playground;
        return { start, tick, report, formatForHost };
      },
    },
  });
})(globalThis);
