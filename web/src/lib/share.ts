/**
 * Share links are `/s/<snippetId>`: short (the id is content-addressed and stored by the
 * service), and served by the static build's fallback page like any other path.
 */
export const SHARE_PREFIX = '/s/';
const ID = /^[A-Za-z0-9_-]{1,32}$/;

export function shareUrl(origin: string, snippetId: string): string {
  return `${origin}${SHARE_PREFIX}${encodeURIComponent(snippetId)}`;
}

/** The snippet id of a share path, or null when the path is not a valid share link. */
export function snippetIdFromPath(pathname: string): string | null {
  if (!pathname.startsWith(SHARE_PREFIX)) return null;
  const id = decodeURIComponent(pathname.slice(SHARE_PREFIX.length).replace(/\/$/, ''));
  return ID.test(id) ? id : null;
}
