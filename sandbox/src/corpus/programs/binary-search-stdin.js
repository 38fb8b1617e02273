const rl = require('readline').createInterface({ input: process.stdin });
const lines = [];
rl.on('line', (l) => lines.push(l)).on('close', () => {
  const arr = lines[0].split(' ').map(Number);
  const target = Number(lines[1]);
  let lo = 0, hi = arr.length - 1, steps = 0;
  while (lo <= hi) { steps++; const mid = (lo + hi) >> 1; if (arr[mid] === target) { console.log('found at', mid, 'in', steps, 'steps'); return; } arr[mid] < target ? (lo = mid + 1) : (hi = mid - 1); }
  console.log('not found');
});
