// ramda: curried functions composed into pipelines.
const R = require('ramda');

const orders = [
  { id: 1, customer: 'ann', total: 120, status: 'paid' },
  { id: 2, customer: 'bob', total: 80, status: 'open' },
  { id: 3, customer: 'ann', total: 45, status: 'paid' },
  { id: 4, customer: 'cid', total: 300, status: 'paid' },
];
const paidTotalsByCustomer = R.pipe(
  R.filter(R.propEq('paid', 'status')),
  R.groupBy(R.prop('customer')),
  R.map(R.pipe(R.pluck('total'), R.sum)),
);
console.log(paidTotalsByCustomer(orders));
console.log(R.sortWith([R.descend(R.prop('total'))], orders).map(R.prop('id')));
const add3 = R.add(3);
console.log(R.map(add3, [1, 2]), R.compose(R.toUpper, R.head)(['xyz']), R.range(0, 5));
console.log(R.evolve({ total: R.multiply(2) }, orders[1]), R.assocPath(['a', 'b'], 1, {}));
console.log(R.zipObj(['a', 'b'], [1, 2]), R.uniqBy(Math.abs, [-1, 1, 2]), R.partition(R.gt(R.__, 2), [1, 2, 3, 4]));
