// @ts-check
// Building DOM nodes without HTML strings, for the widget and the console: every piece of text
// goes in through textContent or as a text node, never as markup.

/**
 * Properties of el(): `class` (the class names), `text` (the text content) and attributes by
 * their names ("aria-label", "data-testid", ...). `true` gives an empty attribute (hidden: true);
 * `false`, `null` and `undefined` leave it out.
 * @typedef {{ [name: string]: string | number | boolean | null | undefined }} Props
 */

/** @typedef {Node | string | null | undefined | false} Child */

let counter = 0;

/**
 * A document-unique id for aria-labelledby, aria-controls and label/for pairs.
 * @param {string} prefix
 * @returns {string}
 */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * el("button", {type: "button", class: "chip", text: "Senden"}, child, ...): children are nodes
 * or strings (text nodes), also in arrays; null, undefined and false are left out.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {...(Child | Child[])} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    // inline styles and event handlers would break the CSP (and invite injection)
    if (/^(on|style$)/i.test(name)) throw new Error(`attribute ${name} is not allowed`);
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") {
      if (value) node.className = String(value);
    } else if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  const nodes = /** @type {(Node | string)[]} */ (
    children.flat().filter((child) => child !== null && child !== undefined && child !== false)
  );
  node.append(...nodes);
  return node;
}

/**
 * An element of the console's own markup (console.html) by its id: it is always there.
 * @param {string} id
 * @returns {HTMLElement}
 */
export function byId(id) {
  return /** @type {HTMLElement} */ (document.getElementById(id));
}

const SVG = "http://www.w3.org/2000/svg";

/**
 * A decorative 24x24 icon from path data (hidden from assistive technology).
 * @param {...string} paths
 * @returns {SVGSVGElement}
 */
export function icon(...paths) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  for (const d of paths) {
    const path = document.createElementNS(SVG, "path");
    path.setAttribute("d", d);
    svg.append(path);
  }
  return svg;
}
