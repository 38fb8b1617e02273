import { flushSync, mount, unmount, type Component } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RunConsole } from '../console.svelte.ts';
import Console from './Console.svelte';
import ConnectionIndicator from './ConnectionIndicator.svelte';
import Settings from './Settings.svelte';
import Packages from './Packages.svelte';
import { NPM_PACKAGES } from '@playground/shared/packages';

const limits = { timeoutMs: 5000, memoryMb: 64, maxOutputBytes: 1 << 20 };
let mounted: Record<string, unknown> | null = null;
afterEach(() => {
  if (mounted) unmount(mounted);
  mounted = null;
  document.body.innerHTML = '';
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a component's props are its own
function render<P extends Record<string, any>>(component: Component<P>, props: P) {
  const target = document.createElement('div');
  document.body.append(target);
  mounted = mount(component, { target, props }) as Record<string, unknown>;
  flushSync();
  return target;
}

describe('Console', () => {
  it('shows lines as they arrive, stderr marked apart, and the status with its times', () => {
    const output = new RunConsole();
    const target = render(Console, { output, onClear: () => {} });
    output.begin(limits);
    output.accepted();
    flushSync();
    expect(target.querySelector('[data-testid=status]')!.textContent).toContain('Queued');
    output.apply({ type: 'started', executionId: 'e', seq: 1, queuedMs: 2, attempt: 1 });
    output.append('stdout', 'hello\n');
    output.append('stderr', 'warning\n');
    flushSync();
    const lines = [...target.querySelectorAll('.line')].map((l) => [l.getAttribute('data-kind'), l.textContent]);
    expect(lines).toEqual([
      ['stdout', 'hello'],
      ['stderr', 'warning'],
    ]);
    output.apply({ type: 'result', executionId: 'e', seq: 4, status: 'succeeded', stats: { wallMs: 12, cpuMs: 8, queuedMs: 2 }, truncated: false });
    flushSync();
    expect(target.querySelector('[role=status]')!.textContent).toContain('Finished in 12 ms');
    expect(target.querySelector('[data-testid=stats]')!.textContent).toBe('wall 12 ms · CPU 8 ms · queued 2 ms');
  });

  it('keeps only the visible part of a long output in the page', () => {
    const output = new RunConsole();
    const target = render(Console, { output, onClear: () => {} });
    output.begin(limits);
    output.append('stdout', Array.from({ length: 10_000 }, (_, i) => `line ${i}\n`).join(''));
    flushSync();
    const rows = target.querySelectorAll('.line').length;
    expect(rows).toBeGreaterThan(0);
    expect(rows).toBeLessThan(200);
    // The scroll area is as tall as all the lines, so the scrollbar tells the truth.
    expect((target.querySelector('.rows') as HTMLElement).style.height).toBe(`${10_000 * 20}px`);
  });

  it('calls onClear from its Clear button', () => {
    const onClear = vi.fn();
    const target = render(Console, { output: new RunConsole(), onClear });
    (target.querySelector('button') as HTMLButtonElement).click();
    expect(onClear).toHaveBeenCalledOnce();
  });
});

describe('ConnectionIndicator', () => {
  it('labels each connection state and offers a retry when offline', () => {
    const onRetry = vi.fn();
    const target = render(ConnectionIndicator, { state: 'offline', onRetry });
    expect(target.textContent).toContain('Offline');
    (target.querySelector('button') as HTMLButtonElement).click();
    expect(onRetry).toHaveBeenCalledOnce();
  });

  it('says reconnecting without a retry button', () => {
    const target = render(ConnectionIndicator, { state: 'reconnecting', onRetry: () => {} });
    expect(target.querySelector('[data-state=reconnecting]')!.textContent).toContain('Reconnecting');
    expect(target.querySelector('button')).toBeNull();
  });
});

describe('Settings', () => {
  it('offers labelled limit inputs in seconds and megabytes', () => {
    const target = render(Settings, { timeoutMs: 5000, memoryMb: 64 });
    const timeout = target.querySelector('[data-testid=timeout]') as HTMLInputElement;
    const memory = target.querySelector('[data-testid=memory]') as HTMLInputElement;
    expect(timeout.value).toBe('5');
    expect(memory.value).toBe('64');
    expect(timeout.closest('label')!.textContent).toContain('Time limit');
    expect(memory.closest('label')!.textContent).toContain('Memory');
  });
});

describe('Popover', () => {
  it.each([
    { name: 'settings', heading: 'Limits for the next run', open: () => render(Settings, { timeoutMs: 5000, memoryMb: 64 }) },
    { name: 'packages', heading: 'npm packages', open: () => render(Packages, {}) },
  ])('gives the $name popover its own ids and anchor, so it opens under its own button', ({ name, heading, open }) => {
    const target = open();
    const button = target.querySelector('button[popovertarget]') as HTMLElement;
    const popover = target.querySelector('[popover]') as HTMLElement;
    expect(button.getAttribute('popovertarget')).toBe(popover.id);
    expect(popover.id).toBe(`${name}-popover`);
    expect(popover.getAttribute('role')).toBe('dialog');
    expect(target.querySelector(`#${popover.getAttribute('aria-labelledby')}`)!.textContent).toBe(heading);
    expect(button.style.getPropertyValue('anchor-name')).toBe(`--${name}-button`);
    expect(popover.style.getPropertyValue('position-anchor')).toBe(`--${name}-button`);
  });
});

describe('Packages', () => {
  it('lists every npm package a program can import, with the version the sandbox bundles', () => {
    const target = render(Packages, {});
    const rows = [...target.querySelectorAll('[data-testid=packages] tbody tr')].map((r) => [...r.querySelectorAll('td')].slice(0, 2).map((c) => c.textContent));
    expect(rows).toEqual(NPM_PACKAGES.map((p) => [p.name, p.version]));
    expect(rows).toContainEqual(['lodash', '4.18.1']);
    expect(rows).toContainEqual(['zod', '4.6.7']);
    expect(target.querySelector('[data-testid=packages-button]')!.getAttribute('popovertarget')).toBe('packages-popover');
  });
});
