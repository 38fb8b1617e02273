const { createHmac } = require('node:crypto');
const mac = createHmac('sha256', 'secret-key').update('message').digest('hex');
console.log(mac);
console.log(createHmac('sha1', Buffer.from('k')).update('a').update('b').digest('base64'));
