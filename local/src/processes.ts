/**
 * Starting and stopping the gateway and worker processes of the local stack, with their
 * logs turned into readable lines (or kept quiet in tests).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { readdirSync, readFileSync } from 'node:fs';

export const ENTRY = {
  gateway: fileURLToPath(new URL('./gateway-main.ts', import.meta.url)),
  worker: fileURLToPath(new URL('../../worker/src/main.ts', import.meta.url)),
} as const;

export type LogSink = (line: string) => void;

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };

/** One pino JSON line as `name level msg key=value`, for a person at a terminal. */
export function formatLogLine(name: string, line: string): string {
  try {
    const { level, msg, time, pid, hostname, service, ...rest } = JSON.parse(line) as Record<string, unknown>;
    void time; void pid; void hostname; void service;
    const fields = Object.entries(rest)
      .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join(' ');
    return `${name.padEnd(10)} ${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${fields ? ` ${fields}` : ''}`;
  } catch {
    return `${name.padEnd(10)} ${line}`;
  }
}

export interface Started {
  child: ChildProcess;
  ready: Record<string, unknown>;
}

/** Forks a service and resolves when it reports ready over IPC; rejects if it exits first. */
export function startProcess(name: string, entry: string, env: Record<string, string>, sink: LogSink | undefined, timeoutMs = 30_000, args: string[] = []): Promise<Started> {
  const child = fork(entry, args, { env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  // The last lines are kept so that a service that dies at start says why even when its log is dropped.
  const recent: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    const lines = createInterface({ input: stream });
    lines.on('line', (line) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      if (sink) sink(formatLogLine(name, line));
    });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not report ready within ${timeoutMs} ms`));
    }, timeoutMs);
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer);
      // Give the pipes a moment to deliver the last lines before quoting them.
      setTimeout(() => reject(new Error(`${name} exited before it was ready (code ${code}, signal ${signal}). Its last lines:\n${recent.map((line) => formatLogLine(name, line)).join('\n')}`)), 50);
    };
    child.once('exit', onExit);
    child.on('message', (message: Record<string, unknown>) => {
      if (message?.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ child, ready: message });
      }
    });
  });
}

/** Sends a signal and waits for the exit; escalates to SIGKILL after `graceMs`. */
export function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', graceMs = 40_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    child.kill(signal);
  });
}

/** Process ids whose parent is `pid` (a worker's sandbox processes); Linux /proc only. */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Field 4 is the parent pid; the command may hold spaces, so read after its ')'.
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(name));
    } catch {
      // it ended while we looked
    }
  }
  return out;
}
