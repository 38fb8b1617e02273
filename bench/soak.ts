/**
 * Leak check for the Node services: the gateway and workers start with a small old-space
 * cap (a leak would end them with "heap out of memory"), 50 sockets run hello world in
 * closed loops, and their RSS is printed every 15 s. Run: node bench/soak.ts [runs] [heapMb]
 */
import { CROWD_FROM_ONE_ADDRESS, startLocalStack } from '@playground/local';
import { closedLoop, openSockets, rssKiB } from './lib.ts';

const runs = Number(process.argv[2] ?? 10_000);
const heapMb = Number(process.argv[3] ?? 96);
const stack = await startLocalStack({
  workers: 2, workerConcurrency: 4,
  env: {
    LOG_LEVEL: 'info', NODE_OPTIONS: `--max-old-space-size=${heapMb}`,
    RUNS_PER_SECOND_PER_SOCKET: '100000', RUN_BURST_PER_SOCKET: '100000', RUNS_PER_SECOND_PER_ADDRESS: '100000', RUN_BURST_PER_ADDRESS: '100000',
    ...CROWD_FROM_ONE_ADDRESS,
  },
});
const sockets = await openSockets(stack.socketUrl, 50);
let done = 0;
const mib = (pid: number | undefined) => Math.round((rssKiB(pid) ?? 0) / 1024);
const show = () => console.log(`${done} runs: gateway ${mib(stack.gateway.pid)} MiB, workers ${[...stack.workers].map((w) => mib(w.pid)).join('/')} MiB; gateway alive ${stack.gateway.exitCode === null}, ${stack.workers.size} workers`);
const ticker = setInterval(show, 15_000);
const { errors } = await closedLoop(sockets, 1, () => ({ code: "console.log('Hello, world!')", expect: 'Hello, world!\n' }), {
  until: () => done >= runs || stack.gateway.exitCode !== null || stack.workers.size < 2,
  onResult: () => done++,
});
clearInterval(ticker);
show();
console.log(`errors ${errors.length}${errors.length ? `: ${errors.slice(0, 3).join('; ')}` : ''}; lost ${sockets.flatMap((s) => s.unfinished()).length}`);
for (const s of sockets) s.close();
const healthy = stack.gateway.exitCode === null && stack.workers.size === 2 && errors.length === 0;
await stack.close();
process.exit(healthy ? 0 : 1);
