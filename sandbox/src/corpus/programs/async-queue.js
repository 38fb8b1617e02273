const { setTimeout: sleep } = require('timers/promises');
async function worker(id, jobs, log) {
  for (const j of jobs) { await sleep(j); log.push(`${id}:${j}`); }
}
(async () => {
  const log = [];
  await Promise.all([worker('a', [3, 1], log), worker('b', [1, 5], log)]);
  console.log(log.sort());
})();
