function load(name) { return require(name); }
console.log(typeof load('events'), typeof load('node:util').inspect);
