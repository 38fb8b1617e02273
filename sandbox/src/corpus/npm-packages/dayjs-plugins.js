// More dayjs plugins through ES module imports.
import dayjs from 'dayjs';
import utc from 'dayjs/plugin/utc.js';
import duration from 'dayjs/plugin/duration.js';
import customParseFormat from 'dayjs/plugin/customParseFormat.js';
import isBetween from 'dayjs/plugin/isBetween.js';
import advancedFormat from 'dayjs/plugin/advancedFormat.js';

for (const p of [utc, duration, customParseFormat, isBetween, advancedFormat]) dayjs.extend(p);

const dur = dayjs.duration(93784, 'seconds');
console.log(dur.days(), dur.hours(), dur.minutes(), dur.format('D[d] HH:mm:ss'), dayjs.duration({ hours: 2 }).asMinutes());
const p = dayjs.utc('05/03/2021 17:20', 'DD/MM/YYYY HH:mm');
console.log(p.format('YYYY-MM-DD HH:mm'), p.format('Qo [quarter], Do'));
console.log(dayjs.utc('2021-06-01').isBetween('2021-01-01', '2021-12-31'), dayjs.utc('2021-06-01').isBetween('2021-07-01', '2021-12-31'));
