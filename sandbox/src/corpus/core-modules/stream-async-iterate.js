const { Readable } = require('stream');
(async () => {
  const chunks = [];
  for await (const chunk of Readable.from(['x', 'y'])) chunks.push(chunk);
  console.log(chunks);
})();
