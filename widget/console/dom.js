// Building DOM nodes without HTML strings: text always goes through textContent.

let counter = 0;

// A document-unique id for aria-labelledby, aria-controls and label/for pairs.
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

// el("button", {className: "x", text: "Senden", attrs: {type: "button"}}, child, ...)
export function el(tag, options = {}, ...children) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    // inline styles and event handlers would break the CSP (and invite injection)
    if (/^(on|style$)/i.test(name)) throw new Error(`attribute ${name} is not allowed`);
    if (value === false || value === null || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const [name, value] of Object.entries(options.data ?? {})) node.dataset[name] = String(value);
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}
