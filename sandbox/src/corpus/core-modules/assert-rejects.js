const assert = require('assert');
(async () => {
  await assert.rejects(Promise.reject(new Error('nope')), /nope/);
  await assert.doesNotReject(Promise.resolve(1));
  console.log('async assertions ok');
})();
