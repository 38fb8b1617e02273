import 'node:events';
try {
  undeclared = 1;
  console.log('sloppy');
} catch (e) {
  console.log(e.name);
}
console.log(this);
