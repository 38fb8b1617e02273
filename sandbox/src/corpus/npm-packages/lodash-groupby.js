// Grouping, counting and sorting records, the lodash way.
const _ = require('lodash');

const people = [
  { name: 'Ada', team: 'core', age: 36 },
  { name: 'Grace', team: 'infra', age: 45 },
  { name: 'Linus', team: 'core', age: 28 },
  { name: 'Margaret', team: 'web', age: 33 },
  { name: 'Ken', team: 'infra', age: 52 },
];

console.log(_.groupBy(people, 'team'));
console.log(_.countBy(people, (p) => (p.age >= 40 ? 'senior' : 'junior')));
console.log(_.sortBy(people, ['team', 'age']).map((p) => p.name));
console.log(_.mapValues(_.keyBy(people, 'name'), 'age'));
console.log(_.chunk(_.range(10), 3));
console.log(_.uniq([3, 1, 3, 2, 1]), _.difference([1, 2, 3, 4], [2, 4]));
