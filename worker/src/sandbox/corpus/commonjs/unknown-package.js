try { require('lodash'); } catch (e) { console.log(e.code); }
try { require('./helper'); } catch (e) { console.log(e.code); }
