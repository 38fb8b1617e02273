console.log('about to throw');
throw new TypeError('plain failure');
