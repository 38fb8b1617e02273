const { default: path, sep } = await import('node:path');
console.log(path.join('x', 'y'), sep);
try {
  await import('not-a-real-package');
} catch (e) {
  console.log('import failed');
}
