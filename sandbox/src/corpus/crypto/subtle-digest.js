// Web Crypto digests, the way docs and tutorials use them.
const hex = (buf) => Buffer.from(buf).toString('hex');

async function main() {
  const data = new TextEncoder().encode('hello world');
  for (const name of ['SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']) {
    const digest = await crypto.subtle.digest(name, data);
    console.log(name, digest instanceof ArrayBuffer, digest.byteLength, hex(digest));
  }
  console.log(hex(await crypto.subtle.digest({ name: 'sha-256' }, new ArrayBuffer(0))));
  console.log(hex(await crypto.subtle.digest('SHA-256', Buffer.from('hello world'))));
  const webcrypto = require('crypto').webcrypto;
  console.log(webcrypto.subtle === crypto.subtle, require('crypto').subtle === crypto.subtle, webcrypto === globalThis.crypto);
  console.log(webcrypto.getRandomValues(new Uint8Array(8)).length, crypto.subtle instanceof SubtleCrypto, String(crypto.subtle));
  for (const [alg, bytes] of [['MD5', data], ['SHA-256', 'text'], ['SHA-256', undefined]]) {
    try {
      await crypto.subtle.digest(alg, bytes);
    } catch (e) {
      console.log(e.name, e.code, e.message);
    }
  }
  try { await crypto.subtle.digest('SHA-256'); } catch (e) { console.log(e.name, e.code, e.message); }
  try { new SubtleCrypto(); } catch (e) { console.log(e.name, e.code, e.message); }
  const same = hex(await crypto.subtle.digest('SHA-256', data)) === require('crypto').createHash('sha256').update('hello world').digest('hex');
  console.log('matches createHash:', same);
}
main();
