let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const words = input.split(/\s+/).filter(Boolean);
  console.log('words:', words.length, words.reverse().join(' '));
});
