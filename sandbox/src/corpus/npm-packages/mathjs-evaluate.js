// mathjs: expressions, matrices, fractions, units, big numbers.
const math = require('mathjs');

console.log(math.evaluate('12.7 cm to inch').toString(), math.evaluate('sqrt(3^2 + 4^2)'));
console.log(math.format(math.evaluate('det([1, 2; 3, 4])')), math.multiply([[1, 2], [3, 4]], [[5], [6]]));
console.log(math.fraction(1, 3).add(math.fraction(1, 6)).toString(), math.format(math.bignumber('0.1').plus('0.2')));
const scope = { x: 3 };
math.evaluate('f(y) = x * y ^ 2', scope);
console.log(scope.f(2), math.derivative('x^2 + 3x', 'x').toString(), math.simplify('2x + 3x').toString());
console.log(math.mean([1, 2, 3, 4]), math.median([5, 1, 3]), math.std([2, 4, 4, 4, 5, 5, 7, 9]), math.round(math.pi, 4));
