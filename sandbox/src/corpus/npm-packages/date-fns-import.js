// ES module imports from date-fns, with a locale.
import { format, formatDistance, intervalToDuration, formatDuration, isValid, parse } from 'date-fns';
import { fr, de } from 'date-fns/locale';

const a = new Date(Date.UTC(2023, 4, 1, 12));
const b = new Date(Date.UTC(2023, 6, 15, 8, 30));
console.log(formatDistance(a, b), '|', formatDistance(a, b, { addSuffix: true }));
console.log(format(a, 'PPPP', { locale: fr }), '|', format(b, 'PPP', { locale: de }));
console.log(formatDuration(intervalToDuration({ start: a, end: b })));
const parsed = parse('31/12/2022', 'dd/MM/yyyy', new Date(0));
console.log(isValid(parsed), format(parsed, 'yyyy-MM-dd'), isValid(parse('99/99/2022', 'dd/MM/yyyy', new Date(0))));
