console.log(process.stdout.isTTY, process.stdout.columns, process.stderr.isTTY, typeof process.stdout.on);
