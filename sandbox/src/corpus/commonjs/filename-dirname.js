const path = require('path');
console.log(path.basename(__filename), path.extname(__filename), __filename.endsWith('main.js'));
console.log(path.join(__dirname, 'main.js') === __filename);
