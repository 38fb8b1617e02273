// rxjs: of/from piped through operators, subscribe with next/complete.
const { of, from, map, filter, reduce, scan, take } = require('rxjs');

of(1, 2, 3, 4, 5)
  .pipe(filter((n) => n % 2 === 1), map((n) => n * 10))
  .subscribe({ next: (v) => console.log('next', v), complete: () => console.log('complete') });

from(['a', 'b', 'c']).pipe(scan((acc, x) => acc + x, '')).subscribe((s) => console.log(s));
of(3, 4, 5).pipe(reduce((a, b) => a * b, 1)).subscribe((p) => console.log('product', p));
from([10, 20, 30, 40]).pipe(take(2)).subscribe({ next: console.log, complete: () => console.log('took 2') });
