const { EventEmitter, once } = require('events');
const { setTimeout: sleep } = require('timers/promises');
const jobs = new EventEmitter();
const results = [];
jobs.on('job', async (id) => { await sleep(10 - id * 3); results.push(id); if (results.length === 3) jobs.emit('done'); });
(async () => {
  const done = once(jobs, 'done');
  for (const id of [1, 2, 3]) jobs.emit('job', id);
  await done;
  console.log('completion order', results);
})();
