// Headers, Request and Response without a network: how tests and examples build them.
const h = new Headers({ b: '2', A: '1' });
h.append('a', 'x');
h.append('Set-Cookie', 'k=1');
h.append('set-cookie', 'j=2');
console.log(h.get('A'), h.has('b'), h.get('nope'), [...h], h.getSetCookie(), [...h.keys()]);
console.log(h, new Headers());
h.set('B', ' 3 ');
h.delete('a');
h.forEach((value, name) => console.log(name, value));
console.log(new Headers([['x', 'y']]).get('X'), new Headers(h).get('b'), Object.fromEntries(new Headers({ 'Content-Type': 'text/html' })));
for (const bad of [{ 'bad name': 'x' }, [['a']], { a: 'x\ny' }]) {
  try { new Headers(bad); } catch (e) { console.log(e.name, e.message); }
}

async function main() {
  const r = new Response('hi');
  console.log(r.status, r.ok, JSON.stringify(r.statusText), r.headers.get('content-type'), r.bodyUsed, r.type, JSON.stringify(r.url), r.redirected);
  console.log(await r.text(), r.bodyUsed);
  await r.text().catch((e) => console.log(e.name, e.message));

  const j = Response.json({ a: 1, list: [1, 2] }, { status: 201, statusText: 'Created' });
  console.log(j.status, j.statusText, j.headers.get('content-type'), await j.json());
  console.log(Response.error().type, Response.error().status, Response.redirect('https://x.test/a b', 301).headers.get('location'));
  console.log(new Response(null, { status: 204 }).body, JSON.stringify(await new Response(null).text()), new Response(new Uint8Array([104, 105])).headers.get('content-type'));
  console.log(new Response(new Blob(['b'], { type: 'x/y' })).headers.get('content-type'), new Response(new URLSearchParams('a=1&b=2')).headers.get('content-type'));
  console.log(await new Response(new URLSearchParams({ q: 'a b' })).text(), await new Response(new Uint8Array([104, 105])).text());
  for (const [body, init] of [['x', { status: 99 }], ['x', { status: 204 }]]) {
    try { new Response(body, init); } catch (e) { console.log(e.name, e.message); }
  }
  const c = new Response('abc', { headers: { 'x-id': '7' } });
  const c2 = c.clone();
  console.log(await c.text(), await c2.text(), c2.headers.get('x-id'));
  const blob = await new Response('abc', { headers: { 'content-type': 'text/csv' } }).blob();
  console.log(blob.size, blob.type, await new Response('abc').bytes(), (await new Response('abc').arrayBuffer()).byteLength);
  await new Response('{bad').json().catch((e) => console.log(e.name, e.message));

  const q = new Request('https://x.test/a?b=1', { method: 'post', body: JSON.stringify({ id: 1 }), headers: { 'Content-Type': 'application/json', 'X-A': '1' } });
  console.log(q.method, q.url, q.headers.get('x-a'), q.headers.get('content-type'), await q.json(), q.bodyUsed);
  console.log(q.mode, q.credentials, q.cache, q.redirect, q.signal instanceof AbortSignal, q.referrer, JSON.stringify(q.integrity), q.keepalive);
  console.log(new Request('https://x.test').method, new Request('https://x.test').url, new Request(new Request('https://x.test/b', { method: 'PUT' })).method, new Request('https://x.test', { method: 'delete' }).method);
  for (const [url, init] of [['https://x.test', { body: 'x' }], ['/relative', {}], ['https://x.test', { method: 'CONNECT' }], ['https://x.test', { method: 'bad method' }]]) {
    try { new Request(url, init); } catch (e) { console.log(e.name, e.message); }
  }
  const ac = new AbortController();
  const withSignal = new Request('https://x.test', { signal: ac.signal });
  ac.abort();
  console.log(withSignal.signal.aborted, withSignal.signal.reason.name);
  console.log(typeof fetch, fetch.length, Response.name, Object.prototype.toString.call(h), String(q));
}
main();
