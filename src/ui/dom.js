// @ts-check
/** Element builders for the dashboard: plain DOM, no framework (the page has a handful of parts). */

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @typedef {Record<string, string | number | boolean | undefined | ((e: Event) => void)>} Attrs
 * @typedef {Node | string | undefined | false} Child
 */

/** @param {Element} el @param {Attrs} attrs @param {Child[]} children */
function fill(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== false) el.append(c);
  return el;
}

/** An HTML element. @template {keyof HTMLElementTagNameMap} K @param {K} tag @param {Attrs} [attrs] @param {Child[]} children */
export function h(tag, attrs = {}, ...children) {
  return /** @type {HTMLElementTagNameMap[K]} */ (fill(document.createElement(tag), attrs, children));
}

/** An SVG element. @param {string} tag @param {Attrs} [attrs] @param {Child[]} children */
export function s(tag, attrs = {}, ...children) {
  return /** @type {SVGElement} */ (fill(document.createElementNS(SVG_NS, tag), attrs, children));
}

/** Seconds with one decimal ("1.4 s"), or ms under a second ("350 ms"). @param {number} ms */
export function duration(ms) {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** Whether the reader asked for less motion. */
export function reducedMotion() {
  return matchMedia('(prefers-reduced-motion: reduce)').matches;
}
