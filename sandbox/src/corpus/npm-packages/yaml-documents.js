// yaml documents: comments kept, errors reported, several documents in one string.
import { parseDocument, parseAllDocuments, stringify } from 'yaml';

const doc = parseDocument('# settings\nport: 80 # http\nhost: localhost\n');
doc.set('port', 8080);
process.stdout.write(doc.toString());
console.log(parseAllDocuments('a: 1\n---\nb: 2\n').map((d) => d.toJS()));
const broken = parseDocument('a: [1, 2\nb: 3');
console.log(broken.errors.length > 0, broken.errors[0].code);
process.stdout.write(stringify({ multi: 'line one\nline two\n', list: [1, [2, 3]] }));
