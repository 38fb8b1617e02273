/** Follows the system's light/dark preference, live. */
export class SystemTheme {
  dark = $state(false);
  #query: MediaQueryList | null;
  #listener = (event: MediaQueryListEvent) => (this.dark = event.matches);

  constructor(matchMedia: ((query: string) => MediaQueryList) | undefined = globalThis.matchMedia) {
    this.#query = matchMedia?.('(prefers-color-scheme: dark)') ?? null;
    this.dark = this.#query?.matches ?? false;
    this.#query?.addEventListener('change', this.#listener);
  }

  get monacoTheme(): 'vs-dark' | 'vs' {
    return this.dark ? 'vs-dark' : 'vs';
  }

  destroy(): void {
    this.#query?.removeEventListener('change', this.#listener);
  }
}
