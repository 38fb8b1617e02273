// dayjs with the utc plugin: parsing, formatting, arithmetic, comparison.
const dayjs = require('dayjs');
const utc = require('dayjs/plugin/utc');
const relativeTime = require('dayjs/plugin/relativeTime');
dayjs.extend(utc);
dayjs.extend(relativeTime);

const d = dayjs.utc('2024-03-15T14:45:00Z');
console.log(d.format('YYYY-MM-DD HH:mm'), d.format('dddd, MMMM D'), d.toISOString());
console.log(d.add(1, 'month').startOf('month').format('YYYY-MM-DD'), d.subtract(2, 'day').day());
console.log(d.diff(dayjs.utc('2024-01-01'), 'day'), d.isBefore('2025-01-01'), d.daysInMonth());
console.log(d.from(d.add(3, 'hour')), d.to(d.subtract(2, 'year')));
console.log(dayjs.utc(0).format(), dayjs('not a date').isValid());
