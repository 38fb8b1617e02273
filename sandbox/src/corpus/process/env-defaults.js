const port = Number(process.env.PORT ?? 3000);
const debug = process.env.DEBUG === '1';
process.env.MY_VAR = 'set';
console.log(port, debug, process.env.MY_VAR, 'MY_VAR' in process.env);
