/**
 * The sandbox child's OS-level memory limit. WebAssembly memories (and anything else V8
 * allocates outside the isolate's heap) are invisible to the isolate's heap limit, so the
 * kernel bounds the whole child: RLIMIT_DATA, set on the child itself with util-linux's
 * `prlimit` once its runtime is built and its first isolates exist.
 *
 * Why RLIMIT_DATA and not RLIMIT_AS or a cgroup: V8 reserves far more address space than
 * it uses (a sandbox child maps ~11 GB: guard regions for wasm's trap handler, code
 * ranges, heap reservations), all PROT_NONE until used. RLIMIT_DATA (Linux >= 4.7) counts
 * only private writable mappings, so reservations are free and a wasm memory counts with
 * its accessible size, as its program sees it (`memory.buffer.byteLength`). cgroup v2
 * `memory.max` would need a delegated hierarchy, which neither this machine (cgroup v1)
 * nor a plain Debian CI container has; `prlimit` is in util-linux, which Debian always
 * installs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

/**
 * What the child may map writable beyond what it holds when it is ready: the largest run
 * (a 256 MB heap commits ~820 MB of writable mappings), what creating the next isolates
 * takes, and a margin for the allocator's growth over thousands of runs.
 */
export const DATA_HEADROOM_MB = 2048;

/** A child holding more than its limit minus this between runs is replaced (child.ts). */
export const RETIRE_MARGIN_MB = 1024;

/** Where Debian and most distributions install prlimit; the child has no PATH. */
const PRLIMIT_PATHS = ['/usr/bin/prlimit', '/bin/prlimit'];

const PAGE_BYTES = 4096;

/**
 * The writable private mappings this process holds now, in bytes: the 6th field of
 * /proc/self/statm (data + stack, in pages; what RLIMIT_DATA counts, ~10 µs to read).
 */
export function dataBytes(): number | null {
  try {
    const pages = Number(readFileSync('/proc/self/statm', 'latin1').split(' ')[5]);
    return Number.isFinite(pages) ? pages * PAGE_BYTES : null;
  } catch {
    return null;
  }
}

export type LimitResult = { ok: true; dataLimitBytes: number } | { ok: false; reason: string };

/**
 * Sets this process's RLIMIT_DATA (soft and hard, so nothing in it can raise it again) to
 * what it holds now plus `headroomMb`. Call it before the first program runs.
 */
export function limitOwnData(headroomMb = DATA_HEADROOM_MB): LimitResult {
  if (process.platform !== 'linux') return { ok: false, reason: `RLIMIT_DATA is only set on Linux, this is ${process.platform}` };
  const held = dataBytes();
  if (held === null) return { ok: false, reason: 'could not read VmData from /proc/self/status' };
  const prlimit = PRLIMIT_PATHS.find((p) => existsSync(p));
  if (!prlimit) return { ok: false, reason: `prlimit was not found at ${PRLIMIT_PATHS.join(' or ')}: install util-linux` };
  const limit = held + headroomMb * 1024 * 1024;
  try {
    execFileSync(prlimit, ['--pid', String(process.pid), `--data=${limit}:${limit}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000, env: {} });
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim();
    return { ok: false, reason: `prlimit --data failed: ${stderr || (err as Error).message}` };
  }
  // Read it back: a kernel or container that ignores the call must not look limited.
  const set = /^Max data size\s+(\d+)\s+(\d+)\s+bytes\s*$/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  if (!set || Number(set[1]) !== limit) return { ok: false, reason: `RLIMIT_DATA reads back as ${set?.[1] ?? 'unknown'}, not ${limit}` };
  return { ok: true, dataLimitBytes: limit };
}
