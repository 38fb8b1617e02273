console.log(require.resolve('events'), require.resolve('node:path'));
