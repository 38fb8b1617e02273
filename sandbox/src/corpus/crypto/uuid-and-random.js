const { randomUUID, randomBytes, randomInt } = require('crypto');
const id = randomUUID();
console.log(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id), randomBytes(4).length, typeof randomInt(5, 10));
