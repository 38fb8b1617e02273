// DOMException's legacy numeric codes: Node has them (an AbortError's code is 20); the
// prelude's class predates this.
const LEGACY_CODES = {
  IndexSizeError: 1, HierarchyRequestError: 3, WrongDocumentError: 4, InvalidCharacterError: 5, NoModificationAllowedError: 7,
  NotFoundError: 8, NotSupportedError: 9, InvalidStateError: 11, SyntaxError: 12, InvalidModificationError: 13, NamespaceError: 14,
  InvalidAccessError: 15, TypeMismatchError: 17, SecurityError: 18, NetworkError: 19, AbortError: 20, URLMismatchError: 21,
  QuotaExceededError: 22, TimeoutError: 23, InvalidNodeTypeError: 24, DataCloneError: 25,
};
if (typeof DOMException === 'function' && !('code' in DOMException.prototype)) {
  Object.defineProperty(DOMException.prototype, 'code', {
    configurable: true,
    get() { return LEGACY_CODES[this.name] ?? 0; },
  });
}
