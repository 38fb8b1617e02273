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
  const inspectHooks = global.__playgroundInspectHooks;
  delete global.__playgroundInspectHooks;

  // ---- primordials -------------------------------------------------------------------
  const indirectEval = global.eval;
  const { apply: ReflectApply, construct: ReflectConstruct, ownKeys: ReflectOwnKeys, defineProperty: ReflectDefineProperty } = Reflect;
  const {
    keys: ObjectKeys, defineProperty: ObjectDefineProperty, freeze: ObjectFreeze,
    getPrototypeOf: ObjectGetPrototypeOf, create: ObjectCreate, assign: ObjectAssign,
    getOwnPropertyDescriptor: ObjectGetOwnPropertyDescriptor,
  } = Object;
  const ObjectPrototypeToString = Function.prototype.call.bind(Object.prototype.toString);
  const hasOwn = Object.hasOwn;
  const JSONStringify = JSON.stringify;
  const JSONParse = JSON.parse;
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

  // Shared memory is never offered: it enables Atomics.wait, an uninterruptible block.
  // WebAssembly stays only when the host says the child runs under an OS memory limit
  // (memory-limit.ts): a wasm memory lives outside the isolate's heap limit, so only the
  // kernel's limit and the host's watch on the child's memory bound it. V8 installs both
  // again in every new context, so this runs per context, in attach (which runs while the
  // isolate is made ahead of need: changing the global object during a run costs every
  // run ~0.2 ms of CPU).
  const removeUnsafeGlobals = (keepWebAssembly) => {
    delete global.SharedArrayBuffer;
    if (keepWebAssembly === true && global.WebAssembly !== undefined) trackWebAssembly(global.WebAssembly);
    else delete global.WebAssembly;
  };

  // ---- recent rejection reasons -----------------------------------------------------------
  // An unhandled rejection reaches the host (isolated-vm checks after every call) as a copy
  // of its reason; `rejection` below hands the program's listeners the original when it is
  // one of the last errors V8 formatted a stack for (isolated-vm reads the stack to copy
  // it) or the last values promises were seen rejecting with.
  const recentReasons = [];
  const rememberReason = (value) => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return;
    if (recentReasons.length === 16) ArrayShift(recentReasons);
    ArrayPush(recentReasons, value);
  };

  // ---- what inspect needs to know about promises and iterators -------------------------
  // Node's inspect asks V8 for a promise's state and an iterator's entries. JavaScript
  // cannot, so the runtime watches the ways a program makes them (executor.ts routes
  // inspect's questions here). What it learns is kept in private fields (invisible to the
  // program; a WeakMap made a chain of 1e5 `then`s 5x slower), and no reaction is added to
  // a promise the program did not chain: that would mark it handled and hide an unhandled
  // rejection.
  {
    // The base class returns the object it is given, so `new Note(o, x)` puts a private
    // field on any object.
    class Given { constructor(o) { return o; } }
    class Note extends Given {
      #note;
      constructor(o, note) { super(o); this.#note = note; }
      static of(o) { return o !== null && typeof o === 'object' && #note in o ? o.#note : undefined; }
    }
    const noteOf = Note.of;
    const replace = (target, original, wrapped) => {
      for (const key of ReflectOwnKeys(target)) {
        const d = ObjectGetOwnPropertyDescriptor(target, key);
        if (d.value === original) ReflectDefineProperty(target, key, { ...d, value: wrapped });
      }
    };

    // Map and Set iterators: where each came from, so inspect can list its entries. An
    // iterator already partly consumed still lists them all (its position is V8's).
    const MapEntries = Map.prototype.entries;
    const MapKeys = Map.prototype.keys;
    const MapValuesOf = Map.prototype.values;
    const SetValues = Set.prototype.values;
    const SetEntries = Set.prototype.entries;
    // Also Map.prototype[Symbol.iterator], Set.prototype.keys and Set.prototype[Symbol.iterator].
    replace(Map.prototype, MapEntries, { entries() { const it = ReflectApply(MapEntries, this, []); new Note(it, { source: this, kind: 0 }); return it; } }.entries);
    replace(Map.prototype, MapKeys, { keys() { const it = ReflectApply(MapKeys, this, []); new Note(it, { source: this, kind: 1 }); return it; } }.keys);
    replace(Map.prototype, MapValuesOf, { values() { const it = ReflectApply(MapValuesOf, this, []); new Note(it, { source: this, kind: 2 }); return it; } }.values);
    replace(Set.prototype, SetValues, { values() { const it = ReflectApply(SetValues, this, []); new Note(it, { source: this, kind: 2 }); return it; } }.values);
    replace(Set.prototype, SetEntries, { entries() { const it = ReflectApply(SetEntries, this, []); new Note(it, { source: this, kind: 0 }); return it; } }.entries);
    const MapForEach = Function.prototype.call.bind(Map.prototype.forEach);
    const SetForEach = Function.prototype.call.bind(Set.prototype.forEach);
    // [entries, isKeyValue] as V8's previewEntries gives them: pairs flattened.
    inspectHooks.entries = (iterator) => {
      const seen = noteOf(iterator);
      if (seen === undefined || seen.kind === undefined) return undefined;
      const out = [];
      const each = (value, key) => {
        if (seen.kind === 0) { ArrayPush(out, key); ArrayPush(out, value); }
        else ArrayPush(out, seen.kind === 1 ? key : value);
      };
      if (IsMap(seen.source)) MapForEach(seen.source, each); else SetForEach(seen.source, each);
      return [out, seen.kind === 0];
    };

    // Promises: [state, value] (1 fulfilled, 2 rejected) for those made by `new Promise`,
    // `Promise.resolve`/`reject` and `then`/`catch`/`finally`; an async function's promise
    // is V8's own, so it shows `<pending>`.
    const NativePromise = Promise;
    const nativeThen = NativePromise.prototype.then;
    const nativeResolve = NativePromise.resolve;
    const nativeReject = NativePromise.reject;
    // Whether V8 will follow `v` as a thenable, found without calling anything of the
    // program's (V8 reads `then` once; a getter must not run twice): 0 no, 1 yes,
    // 2 cannot tell (an accessor, or a proxy's trap threw).
    const thenKind = (v) => {
      if (v === null || (typeof v !== 'object' && typeof v !== 'function')) return 0;
      try {
        for (let o = v; o !== null; o = ObjectGetPrototypeOf(o)) {
          const d = ObjectGetOwnPropertyDescriptor(o, 'then');
          if (d !== undefined) return hasOwn(d, 'value') ? (typeof d.value === 'function' ? 1 : 0) : 2;
        }
        return 0;
      } catch {
        return 2;
      }
    };
    // What a promise resolved with `value` is now, in its cell.
    const settle = (cell, state, value) => {
      if (cell.done) return;
      cell.done = true;
      if (state === 2) rememberReason(value);
      const kind = state === 1 ? thenKind(value) : 0;
      if (kind === 2) return;
      if (kind === 1) {
        // It follows the thenable. A native promise is watched (V8 chains onto it a job
        // later anyway, so marking it handled changes nothing); any other thenable's then
        // is the program's, and is not called an extra time: it stays pending here.
        try {
          ReflectApply(nativeThen, value, [
            (v) => { cell.state = 1; cell.value = v; },
            (e) => { cell.state = 2; cell.value = e; },
          ]);
        } catch { /* not a native promise */ }
        return;
      }
      cell.state = state;
      cell.value = value;
    };
    const note = (p, state, value) => {
      const cell = { state, value, done: state !== 0 };
      if (p !== null && typeof p === 'object' && noteOf(p) === undefined) new Note(p, cell);
      return cell;
    };
    inspectHooks.promise = (p) => {
      const cell = noteOf(p);
      return cell === undefined || !(cell.state > 0) ? undefined : [cell.state, cell.value];
    };
    // `new Promise(executor)` goes through this proxy of the constructor (the global
    // `Promise`); promises keep V8's own constructor, so `await` and `instanceof` are as
    // before.
    const promiseProxy = new Proxy(NativePromise, {
      construct(target, args, newTarget) {
        const executor = args[0];
        if (typeof executor !== 'function') return ReflectConstruct(target, args, newTarget);
        const cell = { state: 0, value: undefined, done: false };
        const p = ReflectConstruct(target, [function (resolve, reject) {
          return ReflectApply(executor, this, [
            (value) => { settle(cell, 1, value); return resolve(value); },
            (reason) => { settle(cell, 2, reason); return reject(reason); },
          ]);
        }], newTarget);
        new Note(p, cell);
        return p;
      },
    });
    const receiver = (self) => (self === promiseProxy ? NativePromise : self);
    replace(NativePromise, nativeResolve, {
      resolve(value) {
        const p = ReflectApply(nativeResolve, receiver(this), [value]);
        if (p !== value) settle(note(p, 0), 1, value);
        return p;
      },
    }.resolve);
    replace(NativePromise, nativeReject, {
      reject(reason) {
        const p = ReflectApply(nativeReject, receiver(this), [reason]);
        note(p, 2, reason);
        rememberReason(reason);
        return p;
      },
    }.reject);
    replace(NativePromise.prototype, nativeThen, {
      then(onFulfilled, onRejected) {
        // The derived promise settles with what a handler returns or throws; without a
        // handler it passes the value or reason on, as these do.
        const cell = { state: 0, value: undefined, done: false };
        const derived = ReflectApply(nativeThen, this, [
          typeof onFulfilled === 'function'
            ? (v) => { let out; try { out = onFulfilled(v); } catch (e) { settle(cell, 2, e); throw e; } settle(cell, 1, out); return out; }
            : (v) => { settle(cell, 1, v); return v; },
          typeof onRejected === 'function'
            ? (e) => { let out; try { out = onRejected(e); } catch (e2) { settle(cell, 2, e2); throw e2; } settle(cell, 1, out); return out; }
            : (e) => { settle(cell, 2, e); throw e; },
        ]);
        if (derived !== null && typeof derived === 'object' && noteOf(derived) === undefined) new Note(derived, cell);
        return derived;
      },
    }.then);
    ObjectDefineProperty(global, 'Promise', { value: promiseProxy, writable: true, configurable: true, enumerable: false });
  }

  // ---- per-execution state (reset by attach; every isolate serves one execution) ---
  let hostWrite = null;       // (fd: 1|2, text: string) => void, an ignored ivm Callback
  let hostRandom = null;      // (n: number) => Uint8Array, a sync ivm Callback
  let hostExit = null;        // (code: number) => void, a sync ivm Callback: the host ends the run
  let hostSource = null;      // (file: string) => string | undefined, a sync ivm Callback (runtime/libs.js)
  let halted = false;         // after an uncaught error nothing more is printed or run
  let fatal = null;           // description of the error that ends the run
  let completion = undefined; // formatted completion value of the main script
  let mainPending = false;    // a top-level await that has not settled yet
  let mainWrapped = false;
  let diedAtStart = false;    // the error came from compiling or running main itself    // main runs as an async function body (positions on line 1 shift)
  let maxTimers = 10000;
  let stdinText = '';
  let stdinPos = 0;
  let timeOrigin = 0;
  let loopNow = 0;

  // The host counts bytes and stops the run at its cap. Counting UTF-16 units here (never
  // more than the UTF-8 bytes) keeps a single huge string from being copied out whole.
  let outputBudget = Infinity;
  //
  // Output is buffered here and handed over in pieces of up to 8K characters, at the end of
  // every host call, or when the stream changes: one host call per console.log made a
  // printing loop ~5x slower than node. Nothing is lost when a run is stopped by its time
  // limit: the host then calls `drain` before freeing the isolate.
  let outBuf = '';
  let outFd = 1;
  const flushOut = () => {
    if (outBuf.length !== 0 && hostWrite !== null) {
      const text = outBuf;
      outBuf = '';
      hostWrite(outFd, text);
    }
  };
  const write = (fd, text) => {
    if (halted || hostWrite === null || outputBudget < 0) return;
    if (text.length > outputBudget) text = StringSlice(text, 0, outputBudget + 1);
    outputBudget -= text.length;
    if (fd !== outFd) {
      flushOut();
      outFd = fd;
    }
    outBuf += text;
    if (outBuf.length >= 8192 || outputBudget < 0) flushOut();
  };

  // ---- what the run hands the host besides output ----------------------------------------
  // The completion value and the error's name, message and stack are cut here, before
  // they leave the isolate, so a 100 MB string (an [inspect.custom] result, an assigned
  // e.stack) is never copied out. Limits are bytes of the field's JSON encoding, what it
  // costs in the result frame; the host passes them in `start` and cuts again (budget.ts,
  // same rules and marker). Only the kept prefix is read: the cut is cheap at any size.
  let fieldLimits = { value: 16384, name: 256, message: 4096, stack: 8192 };
  let resultCut = false;      // something in the report was cut (the host reports truncated)
  const marker = (dropped) => `… [truncated: ${dropped} more characters]`;
  const jsonPrefix = (text, maxBytes) => {
    let bytes = 0;
    let i = 0;
    while (i < text.length) {
      const c = StringCharCodeAt(text, i);
      let size;
      let width = 1;
      if (c === 0x22 || c === 0x5c) size = 2;
      else if (c < 0x20) size = c === 8 || c === 9 || c === 10 || c === 12 || c === 13 ? 2 : 6;
      else if (c < 0x80) size = 1;
      else if (c < 0x800) size = 2;
      else if (c >= 0xd800 && c <= 0xdbff) {
        const next = i + 1 < text.length ? StringCharCodeAt(text, i + 1) : 0;
        if (next >= 0xdc00 && next <= 0xdfff) { size = 4; width = 2; } else size = 6;
      } else if (c >= 0xdc00 && c <= 0xdfff) size = 6;
      else size = 3;
      if (bytes + size > maxBytes) break;
      bytes += size;
      i += width;
    }
    return i;
  };
  // `dropped`: characters of the text already left out after `text` (see clip).
  const cutField = (text, maxBytes, dropped = 0) => {
    if (dropped === 0 && jsonPrefix(text, maxBytes) === text.length) return text;
    resultCut = true;
    // The marker is ASCII but for the ellipsis (3 bytes); its count never exceeds this one.
    const room = MathMax(0, maxBytes - (marker(text.length + dropped).length + 4));
    const keep = jsonPrefix(text, room);
    return StringSlice(text, 0, keep) + marker(text.length - keep + dropped);
  };
  // A field is kept as { text, dropped } until the report, which is the one to add the
  // marker (it may cut again, to what is left of the output budget): clip only lets go of
  // a huge string early.
  const clip = (text, maxBytes, dropped = 0) => {
    const keep = jsonPrefix(text, maxBytes);
    return keep === text.length ? { text, dropped } : { text: StringSlice(text, 0, keep), dropped: dropped + text.length - keep };
  };
  // A field as it is reported: within its limit and what is left of the output budget
  // (counted here in UTF-16 units like output, the host then counts UTF-8 bytes).
  const spend = (field, limit) => {
    const out = cutField(field.text, MathMin(limit, MathMax(0, outputBudget)), field.dropped);
    outputBudget -= out.length;
    return out;
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

  // Stack traces as V8 writes them, minus the runtime's own frames, with the eval that
  // runs main named as its file (what Node prints for a file's top level). This lives in
  // the isolate and only formats; the host never installs a prepareStackTrace.
  const ErrorPrototypeToString = Function.prototype.call.bind(Error.prototype.toString);
  const frameText = (frame) => {
    let text;
    try { text = `    at ${frame}`; } catch { return null; }
    if (RegExpExec(RUNTIME_FRAME, text) !== null) return null;
    text = StringReplace(text, /^(\s+at )eval \((main\.[jt]s:\d+:\d+)\)$/, '$1$2');
    return StringReplace(text, /\.eval \[as ([^\]]+)\]/, '.$1');
  };
  ObjectDefineProperty(ErrorCtor, 'prepareStackTrace', {
    configurable: true,
    writable: true,
    value: function prepareStackTrace(error, frames) {
      rememberReason(error);
      let out;
      try { out = ErrorPrototypeToString(error); } catch { out = '<error>'; }
      for (let i = 0; i < frames.length; i++) {
        const line = frameText(frames[i]);
        if (line !== null) out += `\n${line}`;
      }
      return out;
    },
  });

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
      const name = clip(safeString(() => e.name, 'Error'), fieldLimits.name);
      const message = clip(safeString(() => e.message, ''), fieldLimits.message);
      let stack = safeString(() => e.stack, `${name.text}: ${message.text}`);
      // Trimming reads every line: cut a long stack first (a stack never has fewer
      // characters than bytes, so twice the limit leaves trimming room to spare).
      const scan = fieldLimits.stack * 2;
      const dropped = stack.length > scan ? stack.length - scan : 0;
      if (dropped !== 0) stack = StringSlice(stack, 0, scan);
      return { name, message, stack: clip(trimStack(stack), fieldLimits.stack, dropped) };
    }
    let shown;
    try { shown = inspect(e); } catch { shown = '[unprintable value]'; }
    // Marked where it is cut, inside the sentence; room for the sentence within the limit.
    shown = cutField(shown, fieldLimits.message - 512);
    if (kind === 'rejection') {
      return {
        name: { text: 'UnhandledPromiseRejection', dropped: 0 },
        message: { text: `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${shown}".`, dropped: 0 },
      };
    }
    return { name: { text: 'Uncaught', dropped: 0 }, message: { text: shown, dropped: 0 } };
  };

  const die = (e, kind) => {
    // process.on('uncaughtException') may take the error instead (runtime/process.js).
    if (!halted && hooks.onUncaught !== null && hooks.onUncaught(e, kind)) return;
    if (fatal === null) fatal = describeError(e, kind);
    // 'exit' listeners still run (with code 1) and may print, as in Node.
    if (!halted && hooks.onFatal !== null) hooks.onFatal();
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
  // No spread: a program may have replaced Array.prototype[Symbol.iterator].
  const format = (args) => {
    const all = [kNoColor];
    for (let i = 0; i < args.length; i++) all[i + 1] = args[i];
    return ReflectApply(formatWithOptions, undefined, all);
  };
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

  // ---- hooks for the Node layer ------------------------------------------------------------
  // process, require and the core modules live in runtime/ (bundled, evaluated into the
  // snapshot right after this file). They reach the loop only through these hooks, which
  // stay null when that layer is absent.
  const hooks = {
    beforeMain: null, // (file) => void: per-run globals (require, module, process state)
    runTicks: null,   // () => boolean: drains process.nextTick callbacks, true if any ran
    onIdle: null,     // (hasWork) => void: 'beforeExit' / 'exit' when the loop runs dry
    exitCode: null,   // () => number | undefined: process.exitCode for the report
    onUncaught: null, // (error, kind) => boolean: true when a listener handled it
    onFatal: null,    // () => void: the run is ending on an error ('exit' listeners)
    onRejection: null, // (reason, promise) => boolean: true when a listener took an unhandled rejection
    // MessagePort deliveries (runtime/messaging.js), libuv's poll phase: between timers and
    // immediates, as Node's ports deliver. poll() runs one delivery queued before the phase
    // began and says whether it did; pollState() is 0 (nothing), 1 (deliveries waiting) or
    // 2 (none waiting, but an open port with a listener keeps the run alive, as in Node).
    poll: null,       // () => boolean
    pollState: null,  // () => 0 | 1 | 2
  };
  // After every macrotask Node drains the nextTick queue, then microtasks (which V8 runs
  // when the host call returns).
  const afterCallback = () => {
    if (!halted && hooks.runTicks !== null) hooks.runTicks();
  };
  // process.exit: whatever was printed goes out, nothing else runs, and the host disposes
  // the isolate from inside this call, so even a catch or finally around it is cut short.
  const exitNow = (code) => {
    flushOut();
    halted = true;
    if (hostExit !== null) hostExit(code);
  };

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
    // nextTick callbacks queued by microtasks run before the loop moves on (Node's order).
    if (!halted && hooks.runTicks !== null && hooks.runTicks()) return halted ? -2 : 0;
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
          afterCallback();
          return halted ? -2 : 0;
        }
        phase = 'poll';
      }
      if (phase === 'poll') {
        if (hooks.poll !== null && hooks.poll()) {
          afterCallback();
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
          afterCallback();
          return halted ? -2 : 0;
        }
        phase = 'start';
      }
      if (hasRefedImmediate()) continue;
      const ports = hooks.pollState === null ? 0 : hooks.pollState();
      if (ports === 1) continue;
      const due = earliestRefedDue();
      // An open port waits for a message that only a timer could still send; with no timer,
      // for ever (the run's time limit ends it), as node would.
      if (due === Infinity) return ports === 2 ? TIMEOUT_MAX : -1;
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

  // ---- web platform pieces --------------------------------------------------------------
  class DOMException extends ErrorCtor {
    constructor(message = '', name = 'Error') {
      super(message);
      ObjectDefineProperty(this, 'name', { value: `${name}`, configurable: true, writable: true });
    }
  }

  // UTF-8 by hand: the isolate has no encoder of its own.
  const utf8Encode = (input) => {
    const str = `${input}`;
    const out = [];
    for (let i = 0; i < str.length; i++) {
      let cp = StringCharCodeAt(str, i);
      if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < str.length) {
        const next = StringCharCodeAt(str, i + 1);
        if (next >= 0xdc00 && next <= 0xdfff) { cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00); i++; }
        else cp = 0xfffd;
      } else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
      if (cp < 0x80) ArrayPush(out, cp);
      else if (cp < 0x800) ArrayPush(out, 0xc0 | (cp >> 6), 0x80 | (cp & 63));
      else if (cp < 0x10000) ArrayPush(out, 0xe0 | (cp >> 12), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
      else ArrayPush(out, 0xf0 | (cp >> 18), 0x80 | ((cp >> 12) & 63), 0x80 | ((cp >> 6) & 63), 0x80 | (cp & 63));
    }
    return new Uint8ArrayCtor(out);
  };

  // WHATWG UTF-8 decode: each maximal invalid subpart becomes one U+FFFD.
  const utf8Decode = (bytes, fatal) => {
    let out = '';
    let chunk = [];
    const flushChunk = () => { if (chunk.length) { out += ReflectApply(StringFromCharCode, undefined, chunk); chunk = []; } };
    const bad = () => {
      if (fatal) { const e = new TypeErrorCtor('The encoded data was not valid for encoding utf-8'); e.code = 'ERR_ENCODING_INVALID_ENCODED_DATA'; throw e; }
      ArrayPush(chunk, 0xfffd);
    };
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i];
      let need = 0; let cp = 0; let lower = 0x80; let upper = 0xbf;
      if (b < 0x80) { ArrayPush(chunk, b); i++; if (chunk.length > 8192) flushChunk(); continue; }
      if (b >= 0xc2 && b <= 0xdf) { need = 1; cp = b & 0x1f; }
      else if (b >= 0xe0 && b <= 0xef) { need = 2; cp = b & 0xf; if (b === 0xe0) lower = 0xa0; if (b === 0xed) upper = 0x9f; }
      else if (b >= 0xf0 && b <= 0xf4) { need = 3; cp = b & 7; if (b === 0xf0) lower = 0x90; if (b === 0xf4) upper = 0x8f; }
      else { bad(); i++; continue; }
      let j = i + 1;
      let ok = true;
      for (let k = 0; k < need; k++, j++) {
        const c = bytes[j];
        if (j >= bytes.length || c < lower || c > upper) { ok = false; break; }
        lower = 0x80; upper = 0xbf;
        cp = (cp << 6) | (c & 63);
      }
      if (!ok) { bad(); i = j; continue; }
      if (cp > 0xffff) { cp -= 0x10000; ArrayPush(chunk, 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff)); }
      else ArrayPush(chunk, cp);
      i = j;
      if (chunk.length > 8192) flushChunk();
    }
    flushChunk();
    return out;
  };

  const toBytes = (input) => {
    if (input === undefined) return new Uint8ArrayCtor(0);
    if (input instanceof ArrayBuffer) return new Uint8ArrayCtor(input);
    if (ArrayBuffer.isView(input)) return new Uint8ArrayCtor(input.buffer, input.byteOffset, input.byteLength);
    const e = new TypeErrorCtor('The "input" argument must be an instance of ArrayBuffer or ArrayBufferView.');
    e.code = 'ERR_INVALID_ARG_TYPE';
    throw e;
  };

  class TextEncoder {
    get encoding() { return 'utf-8'; }
    encode(input = '') { return utf8Encode(input); }
    encodeInto(src, dest) {
      const bytes = utf8Encode(src);
      let written = 0;
      let read = 0;
      const str = `${src}`;
      for (let i = 0; i < str.length; i++) {
        const cp = StringCodePointAt(str, i);
        const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (written + size > dest.length) break;
        for (let k = 0; k < size; k++) dest[written + k] = bytes[written + k];
        written += size;
        read += cp > 0xffff ? 2 : 1;
        if (cp > 0xffff) i++;
      }
      return { read, written };
    }
  }

  class TextDecoder {
    #fatal; #ignoreBOM; #encoding; #pending = [];
    constructor(label = 'utf-8', options = {}) {
      const l = StringReplace(`${label}`, /^\s+|\s+$/g, '').toLowerCase();
      if (l === 'utf-8' || l === 'utf8' || l === 'unicode-1-1-utf-8') this.#encoding = 'utf-8';
      else if (l === 'utf-16le' || l === 'utf-16') this.#encoding = 'utf-16le';
      else {
        const e = new RangeErrorCtor(`The "${label}" encoding is not supported`);
        e.code = 'ERR_ENCODING_NOT_SUPPORTED';
        throw e;
      }
      this.#fatal = Boolean(options && options.fatal);
      this.#ignoreBOM = Boolean(options && options.ignoreBOM);
    }
    get encoding() { return this.#encoding; }
    get fatal() { return this.#fatal; }
    get ignoreBOM() { return this.#ignoreBOM; }
    decode(input, options) {
      let bytes = toBytes(input);
      const stream = Boolean(options && options.stream);
      if (this.#pending.length) {
        const joined = new Uint8ArrayCtor(this.#pending.length + bytes.length);
        joined.set(this.#pending); joined.set(bytes, this.#pending.length);
        bytes = joined; this.#pending = [];
      }
      if (stream) {
        // Keep an incomplete trailing sequence for the next call.
        let cut = bytes.length;
        for (let back = 1; back <= 3 && bytes.length - back >= 0; back++) {
          const b = bytes[bytes.length - back];
          if ((b & 0xc0) === 0x80) continue;
          const size = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
          if (size > back) cut = bytes.length - back;
          break;
        }
        this.#pending = [...bytes.subarray(cut)];
        bytes = bytes.subarray(0, cut);
      }
      let text;
      if (this.#encoding === 'utf-16le') {
        text = '';
        for (let i = 0; i + 1 < bytes.length; i += 2) text += StringFromCharCode(bytes[i] | (bytes[i + 1] << 8));
        if (!this.#ignoreBOM && StringCharCodeAt(text, 0) === 0xfeff) text = StringSlice(text, 1);
        return text;
      }
      if (!this.#ignoreBOM && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      return utf8Decode(bytes, this.#fatal);
    }
  }

  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  function btoa(data) {
    if (arguments.length === 0) { const e = new TypeErrorCtor('The "data" argument must be specified'); e.code = 'ERR_MISSING_ARGS'; throw e; }
    const s = `${data}`;
    let out = '';
    for (let i = 0; i < s.length; i += 3) {
      const a = StringCharCodeAt(s, i); const b = StringCharCodeAt(s, i + 1); const c = StringCharCodeAt(s, i + 2);
      if (a > 255 || b > 255 || c > 255) throw new DOMException('Invalid character', 'InvalidCharacterError');
      const n = (a << 16) | ((b || 0) << 8) | (c || 0);
      out += B64[n >> 18] + B64[(n >> 12) & 63] + (i + 1 < s.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < s.length ? B64[n & 63] : '=');
    }
    return out;
  }
  function atob(data) {
    if (arguments.length === 0) { const e = new TypeErrorCtor('The "data" argument must be specified'); e.code = 'ERR_MISSING_ARGS'; throw e; }
    let s = StringReplace(`${data}`, /[\t\n\f\r ]/g, '');
    if (s.length % 4 === 0) s = StringReplace(s, /==?$/, '');
    if (s.length % 4 === 1 || RegExpExec(/[^A-Za-z0-9+/]/, s) !== null) {
      throw new DOMException('The string to be decoded is not correctly encoded.', 'InvalidCharacterError');
    }
    let out = '';
    let buffer = 0; let bits = 0;
    for (let i = 0; i < s.length; i++) {
      buffer = (buffer << 6) | StringIndexOf(B64, s[i]);
      bits += 6;
      if (bits >= 8) { bits -= 8; out += StringFromCharCode((buffer >> bits) & 255); }
    }
    return out;
  }

  // structuredClone per the HTML algorithm, for what a program can build here.
  const cloneError = (v) => new DOMException(`${typeof v === 'function' ? StringCtor(v) : typeof v === 'symbol' ? StringCtor(v) : `#<${safeString(() => v.constructor.name, 'Object')}>`} could not be cloned.`, 'DataCloneError');
  function structuredClone(value, options) {
    if (arguments.length === 0) { const e = new TypeErrorCtor('The "value" argument must be specified'); e.code = 'ERR_MISSING_ARGS'; throw e; }
    void options;
    const memo = new MapCtor();
    const clone = (v) => {
      if (typeof v === 'symbol' || typeof v === 'function') throw cloneError(v);
      if (v === null || typeof v !== 'object') return v;
      if (MapHas(memo, v)) return MapGet(memo, v);
      const tag = ObjectPrototypeToString(v);
      let out;
      if (ArrayIsArray(v)) {
        out = new Array(v.length); MapSet(memo, v, out);
        const keys = ObjectKeys(v);
        for (let i = 0; i < keys.length; i++) out[keys[i]] = clone(v[keys[i]]);
        return out;
      }
      if (tag === '[object Date]') { out = new Date(Date.prototype.getTime.call(v)); MapSet(memo, v, out); return out; }
      if (tag === '[object RegExp]') { out = new RegExp(v.source, v.flags); MapSet(memo, v, out); return out; }
      if (tag === '[object ArrayBuffer]') { out = ArrayBuffer.prototype.slice.call(v, 0); MapSet(memo, v, out); return out; }
      if (ArrayBuffer.isView(v)) {
        const buffer = clone(v.buffer);
        const Ctor = tag === '[object DataView]' ? DataView : global[TypedArrayTag(v)];
        out = tag === '[object DataView]' ? new DataView(buffer, v.byteOffset, v.byteLength) : new Ctor(buffer, v.byteOffset, TypedArrayLength(v));
        MapSet(memo, v, out); return out;
      }
      if (IsMap(v)) { out = new MapCtor(); MapSet(memo, v, out); for (const { 0: k, 1: x } of v) MapSet(out, clone(k), clone(x)); return out; }
      if (IsSet(v)) { out = new SetCtor(); MapSet(memo, v, out); for (const x of v) out.add(clone(x)); return out; }
      if (tag === '[object Error]') {
        const name = safeString(() => v.name, 'Error');
        const Ctor = { EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError }[name] || ErrorCtor;
        out = new Ctor(safeString(() => v.message, ''));
        MapSet(memo, v, out);
        const stack = safeString(() => v.stack, undefined);
        if (stack !== undefined) ObjectDefineProperty(out, 'stack', { value: stack, writable: true, configurable: true });
        if (hasOwn(v, 'cause')) ObjectDefineProperty(out, 'cause', { value: clone(v.cause), writable: true, configurable: true });
        return out;
      }
      if (tag === '[object Boolean]') return new Boolean(Boolean.prototype.valueOf.call(v));
      if (tag === '[object Number]') return new Number(Number.prototype.valueOf.call(v));
      if (tag === '[object String]') return new String(String.prototype.valueOf.call(v));
      if (tag === '[object BigInt]') return Object(BigInt.prototype.valueOf.call(v));
      if (tag !== '[object Object]' && tag !== '[object Arguments]') throw cloneError(v);
      out = {}; MapSet(memo, v, out);
      const keys = ObjectKeys(v);
      for (let i = 0; i < keys.length; i++) out[keys[i]] = clone(v[keys[i]]);
      return out;
    };
    return clone(value);
  }

  const randomFill = (n) => {
    const bytes = hostRandom === null ? null : hostRandom(n);
    if (!(bytes instanceof Uint8ArrayCtor) || bytes.length !== n) throw new ErrorCtor('randomness is not available');
    return bytes;
  };
  const crypto = {
    getRandomValues(array) {
      if (!ArrayBuffer.isView(array) || array instanceof DataView || /Float/.test(TypedArrayTag(array))) {
        throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError');
      }
      if (array.byteLength > 65536) {
        throw new DOMException(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`, 'QuotaExceededError');
      }
      const bytes = randomFill(array.byteLength);
      new Uint8ArrayCtor(array.buffer, array.byteOffset, array.byteLength).set(bytes);
      return array;
    },
    randomUUID() {
      const b = randomFill(16);
      b[6] = (b[6] & 0x0f) | 0x40;
      b[8] = (b[8] & 0x3f) | 0x80;
      let hex = '';
      for (let i = 0; i < 16; i++) hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      return `${StringSlice(hex, 0, 8)}-${StringSlice(hex, 8, 12)}-${StringSlice(hex, 12, 16)}-${StringSlice(hex, 16, 20)}-${StringSlice(hex, 20)}`;
    },
  };

  // ---- URL and URLSearchParams: the WHATWG algorithms for the common cases (special
  // schemes, relative resolution, percent-encoding); no IDNA and no IPv4 number forms.
  const kInspect = SymbolFor('nodejs.util.inspect.custom');
  const hex2 = (b) => `%${b < 16 ? '0' : ''}${b.toString(16).toUpperCase()}`;
  const percentEncode = (str, keep) => {
    let out = '';
    for (let i = 0; i < str.length; i++) {
      const c = str[i];
      const code = StringCharCodeAt(str, i);
      if (code > 0x20 && code < 0x7f && !StringIncludes(keep, c)) { out += c; continue; }
      let piece = c;
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < str.length) { piece += str[i + 1]; i++; }
      const bytes = utf8Encode(piece);
      for (let k = 0; k < bytes.length; k++) out += hex2(bytes[k]);
    }
    return out;
  };
  const percentDecodeBytes = (str) => {
    const bytes = utf8Encode(str);
    const out = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 0x25 && i + 2 < bytes.length) {
        const h = StringFromCharCode(bytes[i + 1], bytes[i + 2]);
        if (RegExpExec(/^[0-9a-fA-F]{2}$/, h) !== null) { ArrayPush(out, NumberCtor.parseInt(h, 16)); i += 2; continue; }
      }
      ArrayPush(out, b);
    }
    return new Uint8ArrayCtor(out);
  };
  const FORM_KEEP = /[A-Za-z0-9*\-._]/;
  const formEncode = (str) => {
    let out = '';
    const bytes = utf8Encode(str);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      const c = StringFromCharCode(b);
      if (b === 0x20) out += '+';
      else if (b < 0x80 && RegExpExec(FORM_KEEP, c) !== null) out += c;
      else out += hex2(b);
    }
    return out;
  };
  const formDecode = (str) => utf8Decode(percentDecodeBytes(StringReplace(str, /\+/g, ' ')), false);

  class URLSearchParams {
    #list = [];
    #url = null;
    constructor(init = undefined) {
      if (init === undefined || init === null) return;
      if (typeof init === 'object' || typeof init === 'function') {
        if (typeof init[Symbol.iterator] === 'function') {
          for (const pair of init) {
            const p = [...pair];
            if (p.length !== 2) throw new TypeErrorCtor('Each query pair must be an iterable [name, value] tuple');
            ArrayPush(this.#list, [`${p[0]}`, `${p[1]}`]);
          }
        } else {
          const keys = ReflectOwnKeys(init);
          for (let i = 0; i < keys.length; i++) {
            if (typeof keys[i] === 'string' && ObjectGetOwnPropertyDescriptor(init, keys[i])?.enumerable) ArrayPush(this.#list, [keys[i], `${init[keys[i]]}`]);
          }
        }
      } else {
        this.#parse(`${init}`);
      }
    }
    #parse(query) {
      this.#list = [];
      if (query[0] === '?') query = StringSlice(query, 1);
      const parts = StringSplit(query, '&');
      for (let i = 0; i < parts.length; i++) {
        if (parts[i] === '') continue;
        const eq = StringIndexOf(parts[i], '=');
        const name = eq === -1 ? parts[i] : StringSlice(parts[i], 0, eq);
        const value = eq === -1 ? '' : StringSlice(parts[i], eq + 1);
        ArrayPush(this.#list, [formDecode(name), formDecode(value)]);
      }
    }
    static _attach(params, url, query) { params.#url = url; params.#parse(query); }
    #update() { if (this.#url !== null) this.#url._setQueryFromParams(this.toString()); }
    get size() { return this.#list.length; }
    append(name, value) { ArrayPush(this.#list, [`${name}`, `${value}`]); this.#update(); }
    delete(name, value) {
      name = `${name}`;
      this.#list = ArrayFilter(this.#list, (p) => !(p[0] === name && (value === undefined || p[1] === `${value}`)));
      this.#update();
    }
    get(name) { name = `${name}`; for (const p of this.#list) if (p[0] === name) return p[1]; return null; }
    getAll(name) { name = `${name}`; const out = []; for (const p of this.#list) if (p[0] === name) ArrayPush(out, p[1]); return out; }
    has(name, value) { name = `${name}`; for (const p of this.#list) if (p[0] === name && (value === undefined || p[1] === `${value}`)) return true; return false; }
    set(name, value) {
      name = `${name}`; value = `${value}`;
      const out = []; let found = false;
      for (const p of this.#list) {
        if (p[0] !== name) ArrayPush(out, p);
        else if (!found) { found = true; ArrayPush(out, [name, value]); }
      }
      if (!found) ArrayPush(out, [name, value]);
      this.#list = out;
      this.#update();
    }
    sort() {
      // Stable sort by UTF-16 code units, as the standard asks.
      const indexed = this.#list.map((p, i) => [p, i]);
      indexed.sort((a, b) => (a[0][0] < b[0][0] ? -1 : a[0][0] > b[0][0] ? 1 : a[1] - b[1]));
      this.#list = indexed.map((x) => x[0]);
      this.#update();
    }
    forEach(callback, thisArg) {
      if (typeof callback !== 'function') throw invalidCallback(callback);
      for (let i = 0; i < this.#list.length; i++) ReflectApply(callback, thisArg, [this.#list[i][1], this.#list[i][0], this]);
    }
    *entries() { for (let i = 0; i < this.#list.length; i++) yield [this.#list[i][0], this.#list[i][1]]; }
    *keys() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][0]; }
    *values() { for (let i = 0; i < this.#list.length; i++) yield this.#list[i][1]; }
    [Symbol.iterator]() { return this.entries(); }
    toString() { return ArrayJoin(this.#list.map((p) => `${formEncode(p[0])}=${formEncode(p[1])}`), '&'); }
    get [SymbolToStringTag]() { return 'URLSearchParams'; }
    [kInspect](depth, options, inspectFn) {
      if (this.#list.length === 0) return 'URLSearchParams {}';
      const parts = this.#list.map((p) => `${inspectFn(p[0], options)} => ${inspectFn(p[1], options)}`);
      return `URLSearchParams { ${ArrayJoin(parts, ', ')} }`;
    }
  }

  const SPECIAL = { 'ftp:': '21', 'file:': '', 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };
  const invalidUrl = (input) => {
    const e = new TypeErrorCtor('Invalid URL');
    e.code = 'ERR_INVALID_URL';
    e.input = input;
    return e;
  };
  const PATH_KEEP = ' "#<>?`{}';
  const QUERY_KEEP = ' "#<>';
  const SPECIAL_QUERY_KEEP = ' "#<>\'';
  const FRAGMENT_KEEP = ' "<>`';
  const USERINFO_KEEP = ' "#<>?`{}/:;=@[\\]^|';

  const normalizePath = (segments, special) => {
    const out = [];
    for (let i = 0; i < segments.length; i++) {
      const seg = segments[i];
      const lower = StringReplace(seg.toLowerCase(), /%2e/g, '.');
      const last = i === segments.length - 1;
      if (lower === '..') { if (out.length) out.pop(); if (last) ArrayPush(out, ''); }
      else if (lower === '.') { if (last) ArrayPush(out, ''); }
      else ArrayPush(out, percentEncode(seg, PATH_KEEP));
    }
    void special;
    return `/${ArrayJoin(out, '/')}`;
  };

  const parseHost = (host, special, input) => {
    if (host[0] === '[') {
      if (RegExpExec(/^\[[0-9a-fA-F:.]+\]$/, host) === null) throw invalidUrl(input);
      return host.toLowerCase();
    }
    if (!special) return percentEncode(host, ' "#<>?`{}');
    const decoded = utf8Decode(percentDecodeBytes(host), false).toLowerCase();
    if (decoded === '' || RegExpExec(/[\x00-\x20#%/:<>?@[\\\]^|]/, decoded) !== null) throw invalidUrl(input);
    return decoded;
  };

  const parseUrl = (input, base) => {
    let s = StringReplace(StringReplace(`${input}`, /^[\x00-\x20]+|[\x00-\x20]+$/g, ''), /[\t\n\r]/g, '');
    const r = { protocol: '', username: '', password: '', hostname: null, port: '', pathname: '', search: '', hash: '' };
    const hashAt = StringIndexOf(s, '#');
    let hadHash = false;
    if (hashAt !== -1) { r.hash = StringSlice(s, hashAt + 1); s = StringSlice(s, 0, hashAt); hadHash = true; }
    r.hadHash = hadHash;
    const m = RegExpExec(/^([a-zA-Z][a-zA-Z0-9+.-]*):/, s);
    let rest;
    if (m !== null) {
      r.protocol = `${m[1].toLowerCase()}:`;
      rest = StringSlice(s, m[0].length);
    } else {
      if (base === null) throw invalidUrl(input);
      r.protocol = base.protocol;
      rest = s;
      const special = hasOwn(SPECIAL, r.protocol);
      const slash = special ? /^[/\\]/ : /^\//;
      if (RegExpExec(special ? /^[/\\]{2}/ : /^\/\//, rest) !== null) {
        // scheme-relative: handled below as an authority
      } else {
        r.username = base.username; r.password = base.password; r.hostname = base.hostname; r.port = base.port;
        const q = StringIndexOf(rest, '?');
        const pathPart = q === -1 ? rest : StringSlice(rest, 0, q);
        if (q !== -1) r.search = StringSlice(rest, q + 1);
        else if (pathPart === '') r.search = base.search === '' ? '' : StringSlice(base.search, 1);
        if (pathPart === '') r.pathname = base.pathname;
        else if (RegExpExec(slash, pathPart) !== null) r.pathname = normalizePath(StringSplit(StringSlice(StringReplace(pathPart, special ? /\\/g : /$^/, '/'), 1), '/'), special);
        else {
          const dir = StringSlice(base.pathname, 0, base.pathname.lastIndexOf('/') + 1);
          r.pathname = normalizePath(StringSplit(StringSlice(dir + (special ? StringReplace(pathPart, /\\/g, '/') : pathPart), 1), '/'), special);
        }
        if (q === -1 && pathPart === '' && hashAt === -1) r.hash = '';
        return finish(r, input, true);
      }
    }
    const special = hasOwn(SPECIAL, r.protocol);
    if (special ? RegExpExec(/^[/\\]*/, rest)[0].length > 0 || r.protocol !== 'file:' : StringSlice(rest, 0, 2) === '//') {
      // file: keeps an empty host in "file:///path"; other special schemes skip any slashes.
      if (r.protocol === 'file:') rest = StringSlice(rest, RegExpExec(/^[/\\]{0,2}/, rest)[0].length);
      else if (special) rest = StringSlice(rest, RegExpExec(/^[/\\]*/, rest)[0].length);
      else rest = StringSlice(rest, 2);
      const end = RegExpExec(special ? /[/\\?]/ : /[/?]/, rest);
      const authority = end === null ? rest : StringSlice(rest, 0, end.index);
      rest = end === null ? '' : StringSlice(rest, end.index);
      const at = authority.lastIndexOf('@');
      let hostPort = authority;
      if (at !== -1) {
        const info = StringSlice(authority, 0, at);
        hostPort = StringSlice(authority, at + 1);
        const colon = StringIndexOf(info, ':');
        r.username = percentEncode(colon === -1 ? info : StringSlice(info, 0, colon), USERINFO_KEEP);
        r.password = colon === -1 ? '' : percentEncode(StringSlice(info, colon + 1), USERINFO_KEEP);
      }
      const pm = RegExpExec(/:(\d*)$/, hostPort);
      let host = hostPort;
      if (pm !== null && !StringIncludes(StringSlice(hostPort, pm.index), ']')) {
        host = StringSlice(hostPort, 0, pm.index);
        if (pm[1] !== '') {
          const port = NumberCtor(pm[1]);
          if (port > 65535) throw invalidUrl(input);
          r.port = port === NumberCtor(SPECIAL[r.protocol]) ? '' : StringCtor(port);
        }
      } else if (StringIncludes(hostPort, ':') && hostPort[0] !== '[') throw invalidUrl(input);
      if (host === '' && special && r.protocol !== 'file:') throw invalidUrl(input);
      r.hostname = host === '' ? '' : parseHost(host, special, input);
    } else if (special) {
      r.hostname = '';
    }
    const q = StringIndexOf(rest, '?');
    const pathPart = q === -1 ? rest : StringSlice(rest, 0, q);
    if (q !== -1) r.search = StringSlice(rest, q + 1);
    if (r.hostname === null && pathPart[0] !== '/') {
      // Opaque path (mailto:, data:, javascript:): kept as written, controls encoded.
      r.pathname = percentEncode(pathPart, '');
      r.opaque = true;
    } else if (pathPart === '') {
      r.pathname = special ? '/' : '';
    } else {
      const p = special ? StringReplace(pathPart, /\\/g, '/') : pathPart;
      r.pathname = normalizePath(StringSplit(StringSlice(p, 1), '/'), special);
    }
    return finish(r, input, q !== -1);
  };
  const finish = (r, input, hadQuery) => {
    void input;
    const special = hasOwn(SPECIAL, r.protocol);
    r.search = r.search === '' ? (hadQuery ? '?' : '') : `?${percentEncode(r.search, special ? SPECIAL_QUERY_KEEP : QUERY_KEEP)}`;
    r.hash = r.hash === '' ? (r.hadHash ? '#' : '') : `#${percentEncode(r.hash, FRAGMENT_KEEP)}`;
    return r;
  };

  class URL {
    #r;
    #params;
    constructor(url, base = undefined) {
      if (arguments.length === 0) { const e = new TypeErrorCtor('The "url" argument must be specified'); e.code = 'ERR_MISSING_ARGS'; throw e; }
      const baseRecord = base === undefined ? null : new URL(base).#r;
      this.#r = parseUrl(url, baseRecord);
      this.#params = new URLSearchParams();
      URLSearchParams._attach(this.#params, this, this.#r.search);
    }
    static canParse(url, base = undefined) { try { new URL(url, base); return true; } catch { return false; } }
    _setQueryFromParams(query) { this.#r.search = query === '' ? '' : `?${query}`; }
    get href() {
      const r = this.#r;
      let auth = '';
      if (r.hostname !== null) {
        const info = r.username !== '' || r.password !== '' ? `${r.username}${r.password !== '' ? `:${r.password}` : ''}@` : '';
        auth = `//${info}${r.hostname}${r.port !== '' ? `:${r.port}` : ''}`;
      }
      return `${r.protocol}${auth}${r.pathname}${r.search}${r.hash}`;
    }
    set href(value) { this.#r = parseUrl(value, null); URLSearchParams._attach(this.#params, this, this.#r.search); }
    get origin() {
      const r = this.#r;
      if (r.protocol === 'blob:') { try { return new URL(r.pathname).origin; } catch { return 'null'; } }
      if (!hasOwn(SPECIAL, r.protocol) || r.protocol === 'file:') return 'null';
      return `${r.protocol}//${r.hostname}${r.port !== '' ? `:${r.port}` : ''}`;
    }
    get protocol() { return this.#r.protocol; }
    get username() { return this.#r.username; }
    set username(v) { this.#r.username = percentEncode(`${v}`, USERINFO_KEEP); }
    get password() { return this.#r.password; }
    set password(v) { this.#r.password = percentEncode(`${v}`, USERINFO_KEEP); }
    get host() { const r = this.#r; return r.hostname === null ? '' : `${r.hostname}${r.port !== '' ? `:${r.port}` : ''}`; }
    get hostname() { return this.#r.hostname ?? ''; }
    set hostname(v) { try { this.#r.hostname = parseHost(`${v}`, hasOwn(SPECIAL, this.#r.protocol), v); } catch { /* ignored, as in browsers */ } }
    get port() { return this.#r.port; }
    set port(v) {
      const m = RegExpExec(/^\d*/, `${v}`)[0];
      if (m === '') { this.#r.port = ''; return; }
      const n = NumberCtor(m);
      if (n <= 65535) this.#r.port = n === NumberCtor(SPECIAL[this.#r.protocol]) ? '' : StringCtor(n);
    }
    get pathname() { return this.#r.pathname; }
    set pathname(v) {
      if (this.#r.opaque) return;
      const p = `${v}`;
      this.#r.pathname = normalizePath(StringSplit(p[0] === '/' ? StringSlice(p, 1) : p, '/'), hasOwn(SPECIAL, this.#r.protocol));
    }
    get search() { return this.#r.search === '?' ? '' : this.#r.search; }
    set search(v) {
      let q = `${v}`;
      if (q[0] === '?') q = StringSlice(q, 1);
      this.#r.search = q === '' ? '' : `?${percentEncode(q, hasOwn(SPECIAL, this.#r.protocol) ? SPECIAL_QUERY_KEEP : QUERY_KEEP)}`;
      URLSearchParams._attach(this.#params, this, this.#r.search);
    }
    get searchParams() { return this.#params; }
    get hash() { return this.#r.hash === '#' ? '' : this.#r.hash; }
    set hash(v) {
      let h = `${v}`;
      if (h[0] === '#') h = StringSlice(h, 1);
      this.#r.hash = h === '' ? '' : `#${percentEncode(h, FRAGMENT_KEEP)}`;
    }
    toString() { return this.href; }
    toJSON() { return this.href; }
    get [SymbolToStringTag]() { return 'URL'; }
    [kInspect](depth, options, inspectFn) {
      if (typeof depth === 'number' && depth < 0) return this;
      const obj = ObjectCreate({ constructor: URL });
      ObjectAssign(obj, {
        href: this.href, origin: this.origin, protocol: this.protocol, username: this.username,
        password: this.password, host: this.host, hostname: this.hostname, port: this.port,
        pathname: this.pathname, search: this.search, searchParams: this.searchParams, hash: this.hash,
      });
      return `URL ${inspectFn(obj, options)}`;
    }
  }

  // Coarse on purpose (whole milliseconds): fine-grained clocks feed timing attacks.
  const performance = {
    now() { return nowMs(); },
    get timeOrigin() { return timeOrigin; },
    toJSON() { return { timeOrigin }; },
  };

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
  define('structuredClone', structuredClone);
  define('TextEncoder', TextEncoder);
  define('TextDecoder', TextDecoder);
  define('atob', atob);
  define('btoa', btoa);
  define('DOMException', DOMException);
  define('crypto', crypto);
  define('performance', performance);
  define('URL', URL);
  define('URLSearchParams', URLSearchParams);

  // ---- WebAssembly ------------------------------------------------------------------------
  // V8 compiles and instantiates asynchronously on its own threads and settles the promise
  // in a task of its own, which the loop cannot see: as a pending operation keeps node's
  // loop alive, one keeps this loop waiting (a 1 ms poll) instead of ending the run.
  let pendingWasm = 0;
  const trackWebAssembly = (ns) => {
    const track = (name) => {
      const original = ns[name];
      if (typeof original !== 'function') return;
      const wrapped = {
        [name](...args) {
          const promise = ReflectApply(original, ns, args);
          pendingWasm++;
          const settled = () => { pendingWasm--; };
          PromisePrototypeThen(promise, settled, settled);
          return promise;
        },
      }[name];
      ObjectDefineProperty(wrapped, 'length', { value: original.length });
      ObjectDefineProperty(ns, name, { value: wrapped, writable: true, configurable: true, enumerable: false });
    };
    track('compile');
    track('instantiate');
  };
  removeUnsafeGlobals(false);

  // ---- the host's handle ---------------------------------------------------------------
  const SOURCE_URL = (file) => `\n//# sourceURL=${file}`;

  // Runs the program. Classic scripts go through indirect eval, which yields the completion
  // value; code using top-level await is retried as the body of an async function (what
  // Node does when it detects module syntax), which has no completion value.
  const start = (code, file, stdin, timerLimit, outputLimit, limits) => {
    if (typeof limits === 'string') fieldLimits = JSONParse(limits);
    stdinText = typeof stdin === 'string' ? stdin : '';
    define('stdin', stdinText);
    maxTimers = typeof timerLimit === 'number' ? timerLimit : maxTimers;
    outputBudget = typeof outputLimit === 'number' ? outputLimit : Infinity;
    timeOrigin = DateNow();
    loopNow = 0;
    if (hooks.beforeMain !== null) hooks.beforeMain(file);
    let value;
    try {
      value = indirectEval(code + SOURCE_URL(file));
      afterCallback();
      try { completion = clip(inspect(value), fieldLimits.value); } catch (e) { completion = undefined; }
    } catch (e) {
      if (!(e instanceof SyntaxErrorCtor) || !RegExpExec(/\bawait\b/, code)) {
        diedAtStart = true;
        die(e, 'exception');
        return -2;
      }
      let body;
      try {
        // Same first line as the user's code, so only columns on line 1 shift.
        body = indirectEval(`(async function () {"use strict";${code}\n})${SOURCE_URL(file)}`);
      } catch {
        diedAtStart = true;
        die(e, 'exception'); // report the original error: the retry was our idea
        return -2;
      }
      mainPending = true;
      mainWrapped = true;
      PromisePrototypeThen(body(), () => { mainPending = false; }, (err) => { mainPending = false; die(err, 'exception'); });
      afterCallback();
    }
    return halted ? -2 : 0;
  };

  // Fields are cut again to what is left of the output budget: the report never carries
  // more than the host would keep.
  const report = () => {
    if (fatal !== null) {
      const error = { name: spend(fatal.name, fieldLimits.name), message: spend(fatal.message, fieldLimits.message) };
      if (fatal.stack !== undefined) error.stack = spend(fatal.stack, fieldLimits.stack);
      return JSONStringify({ error, wrapped: mainWrapped, atStart: diedAtStart, truncated: resultCut });
    }
    if (mainPending) {
      return JSONStringify({ error: { name: 'Error', message: 'Detected unsettled top-level await: the program waited for a promise that nothing could settle.' } });
    }
    const exitCode = hooks.exitCode !== null ? hooks.exitCode() : undefined;
    const failedExit = typeof exitCode === 'number' && exitCode !== 0;
    // Literals, not assignments: a setter the program put on Object.prototype sees nothing.
    if (completion === undefined) return JSONStringify(failedExit ? { exitCode } : {});
    const value = spend(completion, fieldLimits.value);
    return JSONStringify(failedExit ? { value, truncated: resultCut, exitCode } : { value, truncated: resultCut });
  };

  // The host's one entry point after start: run the next callback, or say how long to
  // wait, or (when nothing is left or the program died) hand over the report. Merging the
  // report into the step saves hello world one host round trip.
  // An unhandled rejection the host was told of (as a copy: `kind` 'error' with its name,
  // message and stack, 'value' with a primitive, 'object' for anything else). The
  // program's 'unhandledRejection' (or 'uncaughtException') listeners get it, as in Node;
  // 1 when one did, 0 when none listens (the run then fails, as it does without the
  // Node layer).
  const ERROR_TYPES = { Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError };
  const reasonFrom = (kind, name, message, stack, value) => {
    if (kind === 'value') return value;
    for (let i = recentReasons.length - 1; i >= 0; i--) {
      const r = recentReasons[i];
      if (kind === 'object' && !isErrorLike(r)) return r;
      if (kind === 'error' && isErrorLike(r) && safeString(() => r.stack, null) === stack) return r;
    }
    if (kind !== 'error') return undefined;
    const Ctor = hasOwn(ERROR_TYPES, name) ? ERROR_TYPES[name] : ErrorCtor;
    const e = new Ctor(message);
    if (e.name !== name) ObjectDefineProperty(e, 'name', { value: name, writable: true, configurable: true, enumerable: false });
    ObjectDefineProperty(e, 'stack', { value: stack, writable: true, configurable: true, enumerable: false });
    return e;
  };
  const rejection = (kind, name, message, stack, value) => {
    if (halted || hooks.onRejection === null) return 0;
    const reason = reasonFrom(kind, name, message, stack, value);
    // Node passes the promise; the original is gone (isolated-vm held it weakly), so the
    // listener gets one rejected the same way, already handled.
    let promise;
    try {
      promise = PromiseCtor.reject(reason);
      PromisePrototypeThen(promise, undefined, () => {});
    } catch {
      return 0; // the program broke Promise.reject: the run fails on the rejection
    }
    if (!hooks.onRejection(reason, promise)) return 0;
    afterCallback();
    return 1;
  };

  const step = () => {
    const r = tick();
    if (r === -1 && pendingWasm > 0 && !halted) return 1;
    if (r === -1 && hooks.onIdle !== null) {
      hooks.onIdle(() => liveCount > 0);
      if (!halted && liveCount > 0) return 0;
    }
    return r === -1 || r === -2 || halted ? report() : r;
  };

  // The Node layer's handle; runtime/ takes it and deletes the global before user code.
  define('__playgroundInternals', {
    inspectModule: util, hooks, write, flush: flushOut, die, exitNow, nowMs, randomFill,
    timers: { setTimeout, setInterval, setImmediate, clearTimeout, clearImmediate },
    readAllStdin: () => stdinText,
    librarySource: (file) => (hostSource === null ? undefined : hostSource(file)),
    isHalted: () => halted,
  });

  ObjectDefineProperty(global, '__playground', {
    configurable: true,
    value: {
      // Called by the host once per isolate, before user code; it removes this handle.
      attach(writeFn, randomFn, exitFn, sourceFn, keepWebAssembly) {
        removeUnsafeGlobals(keepWebAssembly);
        hostWrite = writeFn;
        hostRandom = randomFn;
        hostExit = exitFn === undefined ? null : exitFn;
        hostSource = sourceFn === undefined ? null : sourceFn;
        delete global.__playground;
        return {
          start(code, file, stdin, timerLimit, outputLimit, limits) {
            try { return start(code, file, stdin, timerLimit, outputLimit, limits); } finally { flushOut(); }
          },
          step() {
            try { return step(); } finally { flushOut(); }
          },
          drain: flushOut,
          rejection(kind, name, message, stack, value) {
            try { return rejection(kind, name, message, stack, value); } finally { flushOut(); }
          },
        };
      },
    },
  });
})(globalThis);
