console.log(navigator.userAgent.startsWith('Node.js/'), typeof navigator.hardwareConcurrency, navigator.language.length > 0);
