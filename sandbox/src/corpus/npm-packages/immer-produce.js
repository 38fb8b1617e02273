// immer: write mutations, get a new immutable state, structural sharing.
const { produce, enablePatches, produceWithPatches, freeze } = require('immer');

const base = { todos: [{ id: 1, title: 'Learn immer', done: false }, { id: 2, title: 'Ship', done: false }], filter: 'all' };
const next = produce(base, (draft) => {
  draft.todos[0].done = true;
  draft.todos.push({ id: 3, title: 'Rest', done: false });
});
console.log(next.todos);
console.log(base.todos.length, next.todos.length, base.todos[1] === next.todos[1], base === next);
console.log(Object.isFrozen(next), Object.isFrozen(next.todos[0]));
try {
  next.filter = 'done';
} catch (e) {
  console.log(e.constructor.name, e.message);
}

enablePatches();
const [, patches, inverse] = produceWithPatches({ n: 1, list: [] }, (d) => { d.n++; d.list.push('x'); });
console.log(patches, inverse);
console.log(produce(freeze({ a: 1 }), (d) => { d.a = 1; }) === produce(freeze({ a: 1 }), () => {}));
