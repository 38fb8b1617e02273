let text = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => (text += d));
process.stdin.on('end', () => {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? [];
  const freq = {};
  for (const w of words) freq[w] = (freq[w] || 0) + 1;
  console.table(Object.entries(freq).sort((a, b) => b[1] - a[1]).slice(0, 3));
});
