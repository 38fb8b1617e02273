import { inspect } from 'node:util';
const data = { users: [{ id: 1 }, { id: 2 }] };
export { data };
console.log(inspect(data, { depth: 0 }));
