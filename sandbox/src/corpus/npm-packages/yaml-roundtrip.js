// yaml: parse a document, change it, stringify it back.
const YAML = require('yaml');

const text = `
name: playground
version: 1.2
features:
  - editor
  - sandbox
limits:
  cpu: 10s
  memory: 64
enabled: true
nothing: ~
`;
const doc = YAML.parse(text);
console.log(doc);
doc.features.push('packages');
doc.limits.memory *= 2;
process.stdout.write(YAML.stringify(doc));
console.log(YAML.stringify([{ a: 1, b: 'two words' }, 'x: y', null]));
