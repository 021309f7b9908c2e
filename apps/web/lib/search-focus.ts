// "/" from any page: the search page focuses its field when it was opened by the shortcut.
let pending = false;

export function requestSearchFocus(): void {
  pending = true;
}

/** True once after requestSearchFocus(). */
export function takeSearchFocus(): boolean {
  const p = pending;
  pending = false;
  return p;
}
