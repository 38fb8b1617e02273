// zod transforms, unions, enums, parse errors and inferred defaults.
import { z } from 'zod';

const Port = z.coerce.number().int().min(1).max(65535);
console.log(Port.parse('8080'), Port.safeParse('0').success);

const Shape = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('circle'), r: z.number() }),
  z.object({ kind: z.literal('square'), side: z.number() }),
]);
const area = (s) => (s.kind === 'circle' ? Math.PI * s.r ** 2 : s.side ** 2);
console.log(area(Shape.parse({ kind: 'square', side: 3 })).toFixed(2), area(Shape.parse({ kind: 'circle', r: 1 })).toFixed(2));

const Color = z.enum(['red', 'green', 'blue']);
console.log(Color.options, Color.safeParse('pink').success);

const Slug = z.string().trim().toLowerCase().transform((s) => s.replace(/\s+/g, '-'));
console.log(Slug.parse('  Hello Big World '));
try {
  z.object({ n: z.number() }).parse({ n: 'x' });
} catch (e) {
  console.log(e instanceof z.ZodError, e.issues.length, e.issues[0].message);
}
