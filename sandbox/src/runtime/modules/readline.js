// readline over the run's stdin (or any stream): 'line' and 'close' events, `for await`,
// question() and readline/promises. Hand-written: @jspm/core's readline is a stub, and the
// terminal half of Node's (cursor keys, history) has no use when stdin is piped text.
import { lazyModule } from '../registry.js';

const EventEmitter = lazyModule('events');

class Interface extends EventEmitter {
  #input;
  #output;
  #partial = '';
  #questions = [];
  #prompt = '> ';
  #decoder = null;
  closed = false;
  terminal = false;
  line = '';

  constructor(input, output, completer, terminal) {
    super();
    const options = input !== null && typeof input === 'object' && typeof input.on !== 'function' ? input : { input, output, terminal };
    this.#input = options.input;
    this.#output = options.output;
    if (options.prompt !== undefined) this.#prompt = String(options.prompt);
    if (this.#input && typeof this.#input.on === 'function') {
      this.#input.on('data', (chunk) => this.#onData(chunk));
      this.#input.on('end', () => this.#onEnd());
      if (typeof this.#input.resume === 'function') this.#input.resume();
    }
    void completer;
  }

  #text(chunk) {
    if (typeof chunk === 'string') return chunk;
    if (this.#decoder === null) {
      const { StringDecoder } = lazyModule('string_decoder');
      this.#decoder = new StringDecoder('utf8');
    }
    return this.#decoder.write(chunk);
  }

  #onData(chunk) {
    if (this.closed) return;
    const text = this.#partial + this.#text(chunk);
    const parts = text.split(/\r\n|\n|\r(?!$)/);
    this.#partial = parts.pop();
    for (const line of parts) {
      if (this.closed) break;
      this.#line(line);
    }
  }

  #onEnd() {
    if (this.closed) return;
    let rest = this.#partial;
    this.#partial = '';
    if (rest.endsWith('\r')) rest = rest.slice(0, -1);
    if (rest.length > 0) this.#line(rest);
    this.close();
  }

  #line(line) {
    const ask = this.#questions.shift();
    if (ask !== undefined) ask(line);
    else this.emit('line', line);
  }

  setPrompt(prompt) { this.#prompt = String(prompt); }
  getPrompt() { return this.#prompt; }
  prompt() { if (this.#output) this.#output.write(this.#prompt); }
  write(data) { if (this.#output && typeof data === 'string') this.#output.write(data); }
  pause() { this.#input?.pause?.(); this.emit('pause'); return this; }
  resume() { this.#input?.resume?.(); this.emit('resume'); return this; }
  getCursorPos() { return { rows: 0, cols: 0 }; }

  question(query, options, callback) {
    const cb = typeof options === 'function' ? options : callback;
    if (this.closed) {
      throw Object.assign(new Error('readline was closed'), { code: 'ERR_USE_AFTER_CLOSE' });
    }
    if (this.#output) this.#output.write(String(query));
    if (typeof cb === 'function') this.#questions.push(cb);
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.#input?.pause?.();
    this.emit('close');
  }

  [Symbol.asyncIterator]() {
    const lines = [];
    let wake = null;
    let done = this.closed;
    this.on('line', (line) => { lines.push(line); if (wake) { wake(); wake = null; } });
    this.on('close', () => { done = true; if (wake) { wake(); wake = null; } });
    const self = this;
    return {
      async next() {
        for (;;) {
          if (lines.length > 0) return { value: lines.shift(), done: false };
          if (done) return { value: undefined, done: true };
          await new Promise((resolve) => { wake = resolve; });
        }
      },
      async return() {
        self.close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]() { return this; },
    };
  }
}

const createInterface = (input, output, completer, terminal) => new Interface(input, output, completer, terminal);

class PromisesInterface extends Interface {
  question(query, options) {
    return new Promise((resolve, reject) => {
      const signal = options?.signal;
      if (signal?.aborted) return reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' }));
      super.question(query, resolve);
    });
  }
}

const noop = () => true;
export default {
  Interface,
  createInterface,
  clearLine: noop,
  clearScreenDown: noop,
  cursorTo: noop,
  moveCursor: noop,
  emitKeypressEvents: () => {},
  get promises() { return promises; },
};

export const promises = {
  Interface: PromisesInterface,
  createInterface: (input, output, completer, terminal) => new PromisesInterface(input, output, completer, terminal),
  Readline: class Readline {},
};
