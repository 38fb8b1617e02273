/**
 * Where the socket is. One static build serves both the local stack and the cloud, so
 * the URL is read at run time from `/config.json` (`{"socketUrl": "wss://..."}`) served
 * beside the app; without it the socket is the page's own origin at `/ws`.
 */
export interface RuntimeConfig {
  socketUrl: string;
}

export function sameOriginSocketUrl(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}/ws`;
}

export async function loadRuntimeConfig(
  fetchImpl: typeof fetch = fetch,
  location: { protocol: string; host: string } = globalThis.location,
): Promise<RuntimeConfig> {
  const fallback = { socketUrl: sameOriginSocketUrl(location) };
  try {
    const response = await fetchImpl('/config.json', { cache: 'no-store' });
    if (!response.ok) return fallback;
    // A static server without the file may answer with the SPA's index.html instead.
    const body: unknown = await response.json().catch(() => null);
    const socketUrl = (body as { socketUrl?: unknown } | null)?.socketUrl;
    if (typeof socketUrl === 'string' && /^wss?:\/\//.test(socketUrl)) return { socketUrl };
    return fallback;
  } catch {
    return fallback;
  }
}
