try { require('left-pad'); } catch (e) { console.log(e.code); }
try { require('./helper'); } catch (e) { console.log(e.code); }
