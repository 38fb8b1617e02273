async function main() {
  await new Promise((r) => setTimeout(r, 2));
  console.log('main done');
  return 2;
}
main().then((code) => { process.exitCode = code; });
