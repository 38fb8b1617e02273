/**
 * The IPC contract between the pool and its children: the schemas accept what the child
 * sends and refuse anything else, naming the field; the pool ends a run whose child sends
 * a malformed message as `crashed` and keeps only the schema's fields of a good outcome.
 */
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { FINAL_STATUSES } from '@playground/shared';
import { describe, expect, it } from 'vitest';
import { checkChildOptions, checkFromChild, checkToChild, ChildOptions, describeMismatch, SANDBOX_DEFAULTS } from './messages.ts';
import { SandboxPool } from './pool.ts';
import { collect } from './testkit.ts';

const outcome = { status: 'succeeded', wallMs: 1.5, cpuMs: 1, truncated: false };

describe('the messages between the pool and a child', () => {
  it('accepts what a child sends', () => {
    expect(checkFromChild.Check({ type: 'ready', memoryLimit: { dataBytes: 4096 } })).toBe(true);
    expect(checkFromChild.Check({ type: 'ready', memoryLimit: { unavailable: 'no prlimit' } })).toBe(true);
    expect(checkFromChild.Check({ type: 'output', executionId: 'ex_1', stream: 'stderr', data: '' })).toBe(true);
    expect(checkFromChild.Check({ type: 'result', executionId: 'ex_1', outcome: { ...outcome, value: '1', exitCode: 0, error: { name: 'E', message: 'm', line: 1, column: 2 } }, retiring: true })).toBe(true);
  });

  it('takes every final status from @playground/shared, and no other', () => {
    for (const status of FINAL_STATUSES) expect(checkFromChild.Check({ type: 'result', executionId: 'x', outcome: { ...outcome, status } })).toBe(true);
    expect(checkFromChild.Check({ type: 'result', executionId: 'x', outcome: { ...outcome, status: 'exploded' } })).toBe(false);
  });

  it('refuses malformed messages and says which field is wrong', () => {
    const bad: Array<[unknown, RegExp]> = [
      [{ type: 'result', executionId: 'x', outcome: { ...outcome, exitCode: 300 } }, /\/outcome\/exitCode/],
      [{ type: 'result', executionId: 'x', outcome: { ...outcome, cpuMs: '1' } }, /\/outcome\/cpuMs/],
      [{ type: 'result', executionId: 'x', outcome: { ...outcome, error: { name: 'E' } } }, /\/outcome\/error\/message/],
      [{ type: 'output', executionId: 'x', stream: 'stdin', data: 'a' }, /\/stream/],
      [{ type: 'ready' }, /\/memoryLimit/],
      [{ type: 'hello' }, /\/type/],
      [null, /\(the message\)/],
    ];
    for (const [message, field] of bad) {
      expect(checkFromChild.Check(message)).toBe(false);
      expect(describeMismatch(checkFromChild, message)).toMatch(field);
    }
  });

  it('checks the jobs the pool sends', () => {
    const job = { executionId: 'x', language: 'javascript', code: '1', stdin: '', timeoutMs: 100, memoryMb: 64, maxOutputBytes: 10 };
    expect(checkToChild.Check({ type: 'run', job })).toBe(true);
    expect(checkToChild.Check({ type: 'run', job: { ...job, cpuLimitMs: 5, maxTimers: 0 } })).toBe(true);
    expect(checkToChild.Check({ type: 'run', job: { ...job, language: 'python' } })).toBe(false);
    expect(checkToChild.Check({ type: 'cancel', executionId: '' })).toBe(false);
  });

  it('gives a child the sandbox defaults for options the pool left out, from one definition', () => {
    expect(Value.Default(ChildOptions, {})).toEqual(SANDBOX_DEFAULTS);
    expect(checkChildOptions.Check({ ...SANDBOX_DEFAULTS, maxTimers: -1 })).toBe(false);
  });
});

describe('a child that sends what it should not', () => {
  /** A stand-in child (started through execPath) that answers every run with `result`. */
  function fakeChild(result: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'fake-child-'));
    const script = join(dir, 'child.mjs');
    writeFileSync(script, `process.send({ type: 'ready', memoryLimit: { unavailable: 'fake' } });
process.on('message', (m) => { if (m.type === 'run') process.send({ type: 'result', executionId: m.job.executionId, outcome: ${result} }); });
process.on('disconnect', () => process.exit(0));\n`);
    const wrapper = join(dir, 'wrapper.sh');
    writeFileSync(wrapper, `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(script)}\n`);
    chmodSync(wrapper, 0o755);
    return wrapper;
  }

  it('ends the run crashed, saying which field was malformed, and replaces the child', async () => {
    const pool = new SandboxPool({ size: 1, execPath: fakeChild(`{ status: 'succeeded', wallMs: 1, cpuMs: 1, truncated: 'yes' }`) });
    try {
      await pool.start();
      const [first] = pool.childPids();
      const r = await collect(pool, '1');
      expect(r.outcome.status).toBe('crashed');
      expect(r.outcome.error?.message).toMatch(/^the sandbox process sent a malformed message \(\/outcome\/truncated: Expected boolean, got "yes"\) and was stopped$/);
      await expect.poll(() => pool.childPids().length === 1 && pool.childPids()[0] !== first, { timeout: 10_000 }).toBe(true);
    } finally {
      await pool.close();
    }
  });

  it('keeps only the fields of the outcome schema from a well-formed result', async () => {
    const pool = new SandboxPool({ size: 1, execPath: fakeChild(`{ status: 'failed', wallMs: 2, cpuMs: 1, truncated: false, secret: 'x', error: { name: 'E', message: 'm', extra: 1 } }`) });
    try {
      await pool.start();
      const r = await collect(pool, '1');
      expect(r.outcome).toEqual({ status: 'failed', wallMs: 2, cpuMs: 1, truncated: false, error: { name: 'E', message: 'm' } });
    } finally {
      await pool.close();
    }
  });
});
