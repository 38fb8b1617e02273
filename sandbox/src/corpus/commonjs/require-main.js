console.log(require.main === module, module.id, typeof require.resolve);
if (require.main === module) console.log('run directly');
