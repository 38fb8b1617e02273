// A reducer written with immer's curried produce, Maps and Sets.
"use strict";
import { produce, enableMapSet, current, isDraft } from 'immer';

enableMapSet();
const reducer = produce((draft, action) => {
  switch (action.type) {
    case 'add': draft.items.set(action.id, { qty: 1 }); break;
    case 'inc': draft.items.get(action.id).qty++; break;
    case 'tag': draft.tags.add(action.tag); break;
    case 'peek': console.log('draft?', isDraft(draft), current(draft).items.size); break;
  }
});

let state = { items: new Map(), tags: new Set() };
for (const action of [{ type: 'add', id: 'a' }, { type: 'inc', id: 'a' }, { type: 'add', id: 'b' }, { type: 'tag', tag: 'x' }, { type: 'peek' }]) {
  state = reducer(state, action);
}
console.log(state.items, state.tags);
