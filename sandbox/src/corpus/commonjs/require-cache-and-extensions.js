console.log(typeof require.cache, typeof require.extensions, Object.keys(require.cache).length);
