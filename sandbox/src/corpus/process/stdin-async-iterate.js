(async () => {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  console.log(text.trim().split('\n').map((l) => l.toUpperCase()));
})();
