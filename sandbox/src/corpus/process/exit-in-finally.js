try {
  console.log('try');
  process.exit(4);
} finally {
  console.log('finally must not print');
}
