const { EventEmitter } = require('events');
const { format } = require('util');
class Todos extends EventEmitter {
  #items = [];
  add(text) { const item = { id: this.#items.length + 1, text, done: false }; this.#items.push(item); this.emit('added', item); return item; }
  done(id) { const t = this.#items.find((i) => i.id === id); if (!t) throw new Error(`no todo ${id}`); t.done = true; this.emit('done', t); }
  list() { return this.#items.map((t) => format('%s [%s] %s', t.id, t.done ? 'x' : ' ', t.text)).join('\n'); }
}
const todos = new Todos();
todos.on('added', (t) => console.log('added', t.text));
todos.on('done', (t) => console.log('completed', t.id));
const rl = require('readline').createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const [cmd, ...rest] = line.split(' ');
  if (cmd === 'add') todos.add(rest.join(' '));
  else if (cmd === 'done') todos.done(Number(rest[0]));
});
rl.on('close', () => console.log(todos.list()));
