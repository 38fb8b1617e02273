/**
 * The script V8 runs once while building the snapshot (in a throwaway context: only the
 * compiled code is kept, not the state). Running a whole hello world through the host
 * entry points (attach, start, step, report, a nextTick, the 'exit' path) compiles the
 * path every run takes, so a fresh isolate does not compile it again: with the Node layer
 * in place that is what keeps hello world's CPU at what it was without it.
 */
export const SNAPSHOT_WARMUP = `(() => {
  const handle = __playground.attach(() => {}, (n) => new Uint8Array(n), () => {});
  handle.start('console.log({ a: [1, "x"], m: new Map([[1, 2]]) }, "%s %d", "s", 1); process.nextTick(() => {}); 1', 'main.js', '', 100, 1e6);
  for (let i = 0; i < 100 && typeof handle.step() === 'number'; i++);
})();`;
