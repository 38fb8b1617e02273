const withTimeout = (p, ms) => Promise.race([p, new Promise((_, rej) => setTimeout(() => rej(new Error('timeout')), ms))]);
withTimeout(new Promise((r) => setTimeout(() => r('fast'), 1)), 50).then(console.log);
withTimeout(new Promise((r) => setTimeout(() => r('slow'), 30)), 5).catch((e) => console.log(e.message));
