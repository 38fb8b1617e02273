// Validating input with zod: success, failure and the issues it reports.
const { z } = require('zod');

const User = z.object({
  name: z.string().min(2),
  email: z.string().email(),
  age: z.number().int().positive().optional(),
  tags: z.array(z.string()).default([]),
});

const ok = User.safeParse({ name: 'Ada', email: 'ada@example.com', age: 36 });
console.log(ok.success, ok.data);
const bad = User.safeParse({ name: 'A', email: 'nope', age: -1.5 });
console.log(bad.success);
for (const issue of bad.error.issues) console.log(issue.path.join('.'), issue.code, issue.message);
console.log(z.flattenError(bad.error).fieldErrors);
