import type { Status } from './messages.ts';

/**
 * The CLI's exit status for each final status, chosen to match what shells already mean:
 * 124 is `timeout(1)`'s, 130 is Ctrl-C's (128 + SIGINT), 137 an OOM kill's. 2 is a usage error, 3 a run the
 * service refused or lost, 4 no connection, 5 a program that printed past the cap.
 */
export const EXIT_CODES = {
  succeeded: 0,
  failed: 1,
  timed_out: 124,
  memory_exceeded: 137,
  output_exceeded: 5,
  cancelled: 130,
  crashed: 70,
} as const satisfies Record<Status, number>;

export const EXIT_USAGE = 2;
export const EXIT_NOT_RUN = 3;
export const EXIT_NO_CONNECTION = 4;

export function exitCodeFor(status: Status): number {
  return EXIT_CODES[status] ?? EXIT_NOT_RUN;
}
