console.log(process.platform, typeof process.arch, process.version.startsWith('v24'), process.versions.node === process.version.slice(1));
console.log(typeof process.pid, process.release.name, typeof process.title);
