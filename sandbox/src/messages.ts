/**
 * Messages over the IPC channel between the SandboxPool (in the worker) and a sandbox
 * child, and the options a child starts with: TypeBox schemas, with the types derived
 * from them. Each side checks what it receives against them (compiled once): the child
 * shares its process with hostile code, so the pool trusts nothing it sends unchecked.
 */
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { DATA_HEADROOM_MB } from './memory-limit.ts';
import { SandboxJob, SandboxOutcome } from './types.ts';

/** The sandbox's defaults, in one place: the pool, the child and the executor read them. */
export const SANDBOX_DEFAULTS = {
  /** Isolates each child creates ahead of need. */
  warmIsolates: 2,
  /** CPU time a run may use when the job does not say (capped by its wall clock). */
  cpuLimitMs: 10_000,
  /** Timers and immediates a program may have pending at once. */
  maxTimers: 10_000,
  /** RLIMIT_DATA room over what a child holds once ready (memory-limit.ts says why this much). */
  dataHeadroomMb: DATA_HEADROOM_MB,
} as const;

/** A job as the executor takes it: the contract's fields plus optional limits. */
export const ExecutorJob = Type.Composite([
  SandboxJob,
  Type.Object({
    cpuLimitMs: Type.Optional(Type.Integer({ minimum: 1 })),
    maxTimers: Type.Optional(Type.Integer({ minimum: 0 })),
  }),
]);
export type ExecutorJob = Static<typeof ExecutorJob>;

const ExecutionId = Type.String({ minLength: 1 });

export const ToChild = Type.Union([
  Type.Object({ type: Type.Literal('run'), job: ExecutorJob }),
  Type.Object({ type: Type.Literal('cancel'), executionId: ExecutionId }),
]);
export type ToChild = Static<typeof ToChild>;

export const FromChild = Type.Union([
  /** `memoryLimit`: the child's RLIMIT_DATA, or why it has none (then no WebAssembly). */
  Type.Object({
    type: Type.Literal('ready'),
    memoryLimit: Type.Union([
      Type.Object({ dataBytes: Type.Integer({ minimum: 0 }) }),
      Type.Object({ unavailable: Type.String() }),
    ]),
  }),
  Type.Object({
    type: Type.Literal('output'),
    executionId: ExecutionId,
    stream: Type.Union([Type.Literal('stdout'), Type.Literal('stderr')]),
    data: Type.String(),
  }),
  /** `retiring`: the child exits after this (it grew near its memory limit); send it nothing more. */
  Type.Object({
    type: Type.Literal('result'),
    executionId: ExecutionId,
    outcome: SandboxOutcome,
    retiring: Type.Optional(Type.Boolean()),
  }),
]);
export type FromChild = Static<typeof FromChild>;

/** Options the pool passes to its children (as one JSON argument); absent fields take SANDBOX_DEFAULTS. */
export const ChildOptions = Type.Object({
  warmIsolates: Type.Integer({ minimum: 0, default: SANDBOX_DEFAULTS.warmIsolates }),
  cpuLimitMs: Type.Integer({ minimum: 1, default: SANDBOX_DEFAULTS.cpuLimitMs }),
  maxTimers: Type.Integer({ minimum: 0, default: SANDBOX_DEFAULTS.maxTimers }),
  dataHeadroomMb: Type.Integer({ minimum: 64, default: SANDBOX_DEFAULTS.dataHeadroomMb }),
});
export type ChildOptions = Static<typeof ChildOptions>;

export const checkToChild = TypeCompiler.Compile(ToChild);
export const checkFromChild = TypeCompiler.Compile(FromChild);
export const checkOutcome = TypeCompiler.Compile(SandboxOutcome);
export const checkChildOptions = TypeCompiler.Compile(ChildOptions);

/** Each message schema by its `type`, to say what is wrong inside a message of a known type. */
const byType = (union: { anyOf: TSchema[] }) =>
  new Map(union.anyOf.map((schema) => [(schema as unknown as { properties: { type: { const: string } } }).properties.type.const, TypeCompiler.Compile(schema)]));
const variants = new Map<TypeCheck<TSchema>, Map<string, TypeCheck<TSchema>>>([
  [checkToChild as TypeCheck<TSchema>, byType(ToChild)],
  [checkFromChild as TypeCheck<TSchema>, byType(FromChild)],
]);

/**
 * Why a value does not match its schema, naming the field, what it must be and what it
 * was (the first of TypeBox's errors), for logs and an InternalError's message. A message
 * whose `type` is known is checked against that type's schema, so the field is named
 * rather than "Expected union value".
 */
export function describeMismatch<T extends TSchema>(check: TypeCheck<T>, value: unknown): string {
  const type = value !== null && typeof value === 'object' ? (value as { type?: unknown }).type : undefined;
  const known = variants.get(check as TypeCheck<TSchema>);
  const variant = typeof type === 'string' ? known?.get(type) : undefined;
  if (known && variant === undefined && value !== null && typeof value === 'object') {
    return `/type: Expected one of ${[...known.keys()].join(', ')}, got ${JSON.stringify(type) ?? 'nothing'}`;
  }
  const first = (variant ?? check).Errors(value).First();
  if (!first) return 'it matches';
  const shown = (() => {
    try {
      const text = JSON.stringify(first.value);
      return text === undefined ? String(first.value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
    } catch {
      return typeof first.value;
    }
  })();
  return `${first.path || '(the message)'}: ${first.message}, got ${shown}`;
}
