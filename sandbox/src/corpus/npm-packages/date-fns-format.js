// Formatting and arithmetic on fixed dates (the time zone is UTC in both places).
const { format, addDays, addMonths, differenceInDays, startOfWeek, isWeekend, formatISO, parseISO, eachDayOfInterval } = require('date-fns');

const epoch = new Date(0);
console.log(format(epoch, 'yyyy-MM-dd'), format(epoch, "EEEE, MMMM do yyyy 'at' HH:mm"));
const d = parseISO('2024-02-27T10:30:00Z');
console.log(formatISO(addDays(d, 3)), format(addMonths(d, 1), 'yyyy-MM-dd'));
console.log(differenceInDays(parseISO('2024-12-25'), parseISO('2024-01-01')));
console.log(format(startOfWeek(d, { weekStartsOn: 1 }), 'EEE dd MMM'), isWeekend(parseISO('2024-03-02')));
console.log(eachDayOfInterval({ start: parseISO('2024-02-27'), end: parseISO('2024-03-02') }).map((x) => format(x, 'MM/dd')));
