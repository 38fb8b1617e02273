const chunks = [];
process.stdin.on('data', (c) => chunks.push(c));
process.stdin.on('end', () => {
  const data = Buffer.concat(chunks);
  let sum = 0;
  for (const b of data) sum = (sum + b) % 65536;
  console.log(data.length, sum.toString(16).padStart(4, '0'));
});
