// Several packages together, the way a small script would: validate, group, format.
const { z } = require('zod');
const _ = require('lodash');
const { format } = require('date-fns');
const YAML = require('yaml');

const Event = z.object({ at: z.string().datetime(), kind: z.enum(['login', 'logout', 'error']), user: z.string() });
const raw = [
  { at: '2024-05-01T08:00:00Z', kind: 'login', user: 'ann' },
  { at: '2024-05-01T09:10:00Z', kind: 'error', user: 'bob' },
  { at: 'yesterday', kind: 'login', user: 'cid' },
  { at: '2024-05-02T17:45:00Z', kind: 'logout', user: 'ann' },
];
const parsed = raw.map((r) => Event.safeParse(r));
const valid = parsed.filter((p) => p.success).map((p) => p.data);
console.log(`${valid.length} valid, ${parsed.length - valid.length} rejected`);
const byDay = _.groupBy(valid, (e) => format(new Date(e.at), 'yyyy-MM-dd'));
process.stdout.write(YAML.stringify(_.mapValues(byDay, (es) => es.map((e) => `${format(new Date(e.at), 'HH:mm')} ${e.user} ${e.kind}`))));
