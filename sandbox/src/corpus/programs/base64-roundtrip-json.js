const payload = { user: 'ada', roles: ['admin'] };
const token = Buffer.from(JSON.stringify(payload)).toString('base64url');
console.log(token);
console.log(JSON.parse(Buffer.from(token, 'base64url').toString()));
