console.log(module.loaded, Array.isArray(module.children), typeof module.paths);
