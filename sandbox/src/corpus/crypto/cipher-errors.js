// What Node reports when a cipher is used wrongly.
const crypto = require('crypto');
const show = (label, f) => {
  try {
    console.log(label, 'ok', f());
  } catch (e) {
    console.log(label, e.name, e.code, e.message);
  }
};
const key = Buffer.alloc(32, 1);
const iv = Buffer.alloc(16, 2);
show('short key', () => crypto.createCipheriv('aes-256-cbc', key.subarray(0, 16), iv));
show('long key', () => crypto.createCipheriv('aes-128-ctr', key, iv));
show('string key', () => crypto.createCipheriv('aes-256-cbc', 'too short a passphrase', iv));
show('short iv', () => crypto.createCipheriv('aes-256-cbc', key, iv.subarray(0, 8)));
show('missing iv', () => crypto.createCipheriv('aes-256-ctr', key, null));
show('empty gcm iv', () => crypto.createCipheriv('aes-256-gcm', key, Buffer.alloc(0)));
show('unknown', () => crypto.createCipheriv('aes-256-xyz', key, iv));
show('not a name', () => crypto.createCipheriv(256, key, iv));
show('key type', () => crypto.createCipheriv('aes-256-cbc', 42, iv));
show('data type', () => crypto.createCipheriv('aes-256-cbc', key, iv).update(42));
show('tag too early', () => crypto.createCipheriv('aes-256-gcm', key, iv).getAuthTag());
show('tag on cbc', () => { const c = crypto.createCipheriv('aes-256-cbc', key, iv); c.final(); return c.getAuthTag(); });
show('tag length', () => crypto.createCipheriv('aes-256-gcm', key, iv, { authTagLength: 5 }));
show('bad tag', () => crypto.createDecipheriv('aes-256-gcm', key, iv).setAuthTag(Buffer.alloc(3)));
show('tag twice', () => crypto.createDecipheriv('aes-256-gcm', key, iv).setAuthTag(Buffer.alloc(16)).setAuthTag(Buffer.alloc(16)));
show('no tag set', () => { const d = crypto.createDecipheriv('aes-256-gcm', key, iv); d.update('00', 'hex'); return d.final(); });
show('aad late', () => { const c = crypto.createCipheriv('aes-256-gcm', key, iv); c.update('x'); return c.setAAD(Buffer.from('y')); });
show('update after final', () => { const c = crypto.createCipheriv('aes-256-cbc', key, iv); c.final(); return c.update('x'); });
show('final twice', () => { const c = crypto.createCipheriv('aes-256-cbc', key, iv); c.final(); return c.final(); });
show('encoding change', () => { const c = crypto.createCipheriv('aes-256-ctr', key, iv); c.update('a', 'utf8', 'hex'); return c.update('b', 'utf8', 'base64'); });
show('padding late', () => { const c = crypto.createCipheriv('aes-256-cbc', key, iv); c.final(); return c.setAutoPadding(false); });
show('chained', () => crypto.createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from('a')).setAutoPadding(true).update('z', 'utf8', 'hex'));
