// A single-page app: Monaco and the socket exist only in the browser, and the static
// adapter's fallback page serves every path (including `/s/<id>` share links).
export const ssr = false;
export const prerender = false;
