/**
 * What a person would see wrong on a rendered page, read from the browser's own layout: text
 * cut off (outside the window, its card, or its drawing) and text drawn over other text. Each
 * text node is measured with a Range, so the box is the glyphs' box, not the element's.
 */
import type { Page } from 'playwright-core';

/** The problems found, in words ("clipped: ...", "overlap: ... / ..."); empty when the page reads cleanly. */
export function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    // The browser's globals (this file is type-checked for Node, without the DOM's types).
    const w = globalThis as any;
    interface Box {
      text: string;
      left: number;
      top: number;
      right: number;
      bottom: number;
    }
    const problems: string[] = [];
    const boxes: Box[] = [];
    const walker = w.document.createTreeWalker(w.document.body, w.NodeFilter.SHOW_TEXT);
    const visible = (el: any) => {
      const style = w.getComputedStyle(el);
      return style.visibility !== 'hidden' && style.display !== 'none' && !el.closest('[hidden], .visually-hidden, dialog:not([open])');
    };
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = (n.textContent ?? '').trim();
      const el = n.parentElement;
      if (!text || !el || !visible(el) || el.closest('title, script, style')) continue;
      const range = w.document.createRange();
      range.selectNodeContents(n);
      // One box per line: a wrapped text is several boxes, and its bounding box would cover its neighbours.
      for (const r of range.getClientRects() as Iterable<{
        left: number;
        top: number;
        right: number;
        bottom: number;
        width: number;
        height: number;
      }>) {
        if (r.width === 0 || r.height === 0) continue;
        // Text in a scrolling list may scroll out of view, and the timeline scrolls sideways on a phone: that is scrolling, not clipping.
        if (!el.closest('.narration')) {
          const scrollsSideways = el.closest('.timeline') !== null;
          if (!scrollsSideways && (r.left < -0.5 || r.right > w.innerWidth + 0.5))
            problems.push(`clipped by the window: ${JSON.stringify(text)}`);
          const frame = el.closest('svg') ?? el.closest('.node-card, .lock-panel, .events, header');
          const f = frame?.getBoundingClientRect();
          if (f && (r.left < f.left - 0.5 || r.right > f.right + 0.5 || r.top < f.top - 0.5 || r.bottom > f.bottom + 0.5))
            problems.push(`clipped by its ${frame.tagName.toLowerCase()}: ${JSON.stringify(text)}`);
        }
        boxes.push({ text, left: r.left, top: r.top, right: r.right, bottom: r.bottom });
      }
    }
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i];
        const b = boxes[j];
        const wide = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const high = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (wide > 1 && high > 1) problems.push(`overlap: ${JSON.stringify(a.text)} / ${JSON.stringify(b.text)}`);
      }
    return problems;
  });
}
