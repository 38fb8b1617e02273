// url: the legacy API (url.parse, url.format, url.resolve) from @jspm/core; URL and
// URLSearchParams are the runtime's own globals, so `url.URL === URL` as in Node.
import * as ns from '@jspm/core/nodelibs/url';
import { process } from '../process.js';

const mod = ns.default ?? ns;

const fileURLToPath = (url) => {
  const u = typeof url === 'string' ? new URL(url) : url;
  if (u.protocol !== 'file:') throw Object.assign(new TypeError('The URL must be of scheme file'), { code: 'ERR_INVALID_URL_SCHEME' });
  return decodeURIComponent(u.pathname);
};
const pathToFileURL = (path) => new URL(`file://${encodeURI(String(path).startsWith('/') ? path : `/${path}`).replace(/[?#]/g, encodeURIComponent)}`);

// Node 24 warns once about url.parse (DEP0169), and its parsed query has a null prototype.
let warned = false;
const parse = (url, parseQueryString, slashesDenoteHost) => {
  if (!warned) {
    warned = true;
    process.emitWarning('`url.parse()` behavior is not standardized and prone to errors that have security implications. Use the WHATWG URL API instead. CVEs are not issued for `url.parse()` vulnerabilities.', 'DeprecationWarning', 'DEP0169');
  }
  const out = mod.parse(url, parseQueryString, slashesDenoteHost);
  if (out.query !== null && typeof out.query === 'object') out.query = Object.assign(Object.create(null), out.query);
  return out;
};

// url.format of a WHATWG URL takes Node's options (auth, fragment, search, unicode).
const format = (url, options) => {
  if (!(url instanceof URL)) return mod.format(url, options);
  const o = { auth: true, fragment: true, search: true, unicode: false, ...(options ?? {}) };
  const auth = o.auth && (url.username || url.password) ? `${url.username}${url.password ? `:${url.password}` : ''}@` : '';
  const slashes = url.href.startsWith(`${url.protocol}//`) ? '//' : '';
  return `${url.protocol}${slashes}${auth}${url.host}${url.pathname}${o.search ? url.search : ''}${o.fragment ? url.hash : ''}`;
};

export default {
  ...mod,
  parse,
  format,
  URL: globalThis.URL,
  URLSearchParams: globalThis.URLSearchParams,
  fileURLToPath,
  pathToFileURL,
  domainToASCII: mod.domainToASCII ?? ((d) => d),
  domainToUnicode: mod.domainToUnicode ?? ((d) => d),
};
