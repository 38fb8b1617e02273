const { EOL } = require('os');
process.stdout.write(['a', 'b', 'c'].join(EOL) + EOL);
