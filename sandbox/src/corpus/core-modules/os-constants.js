const os = require('os');
console.log(os.constants.signals.SIGINT, os.constants.signals.SIGTERM, typeof os.constants.errno.ENOENT, os.devNull);
