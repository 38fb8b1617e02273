// Packages the playground does not bundle, and a package name behind `node:`.
for (const name of ['node:lodash', 'node:zod']) {
  try {
    require(name);
  } catch (e) {
    console.log(e.code, e.message);
  }
}
console.log(require('module').isBuiltin('lodash'), require('module').isBuiltin('node:lodash'));
try {
  require('left-pad');
} catch (e) {
  console.log(e.code);
}
