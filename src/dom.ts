/** Small DOM builders shared by Arcade's plain Lumino widgets. */

/** An element with a class and text content. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  text = ''
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  node.className = className;
  node.textContent = text;
  return node;
}

/**
 * A JupyterLab-styled button with a tooltip. A button that shows only a
 * symbol (⟳, ↺) gets the tooltip as its accessible name; one with words
 * keeps them, so what it says is what assistive technology announces.
 */
export function button(
  label: string,
  className: string,
  title: string,
  onClick: () => void
): HTMLButtonElement {
  const node = element('button', `jp-Button jp-mod-styled ${className}`, label);
  node.type = 'button';
  node.title = title;
  if (!/\p{L}/u.test(label)) {
    node.setAttribute('aria-label', title);
  }
  node.addEventListener('click', onClick);
  return node;
}
