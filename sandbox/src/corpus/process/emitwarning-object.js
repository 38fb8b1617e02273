process.on('warning', (w) => console.log('warning event:', w.name, w.message, w.code));
process.emitWarning('custom thing', { type: 'CustomWarning', code: 'C001' });
