// @ts-check
/**
 * The HA lock: who holds it and for which term, the lease as a bar counting down between
 * renewals (each renewal a tick on the strip below), lock-delay when the profile has one,
 * whether storage fences, and a flash when storage refuses a deposed term's write.
 */
import { duration, h } from './dom.js';

export function lockPanel() {
  const holder = h('p', { class: 'holder', 'data-role': 'holder' });
  const fill = h('div', { class: 'lease-fill' });
  const bar = h('div', { class: 'lease-bar', role: 'meter', 'aria-label': 'lease left', 'aria-valuemin': 0 }, fill);
  const left = h('p', { class: 'lease-left', 'data-role': 'lease' });
  const ticks = h('div', { class: 'renewals', 'aria-hidden': 'true' });
  const renewed = h('p', { class: 'renewed' });
  const facts = h('p', { class: 'lock-facts' });
  const flash = h('p', { class: 'fenced', role: 'status', 'data-role': 'fenced', hidden: true });
  const el = h(
    'section',
    { class: 'lock-panel', 'aria-labelledby': 'lock-title' },
    h('h2', { id: 'lock-title' }, 'HA lock'),
    holder,
    bar,
    left,
    ticks,
    renewed,
    facts,
    flash,
  );
  let fencedShown = 0;

  /** @param {import('./lab-model.js').LabModel} model @param {number} now the lab clock now */
  const update = (model, now) => {
    const ttl = model.timings.lock_ttl_ms;
    const l = model.lock;
    const leaseLeft = model.leaseLeft(now);
    holder.textContent = l.held ? `${l.holder} holds it, term ${l.term}` : `nobody holds it${l.term ? ` (last term ${l.term})` : ''}`;
    el.dataset.holder = l.held && l.holder ? l.holder : '';
    const frac = leaseLeft === null || ttl === 0 ? 0 : Math.min(1, leaseLeft / ttl);
    fill.style.width = `${(frac * 100).toFixed(1)}%`;
    bar.setAttribute('aria-valuemax', String(ttl));
    bar.setAttribute('aria-valuenow', String(Math.round(leaseLeft ?? 0)));
    left.textContent = leaseLeft === null ? 'no lease' : `lease: ${duration(leaseLeft)} left of ${duration(ttl)}`;
    // Renewals in the last lease-length, placed by how long ago they were.
    const span = Math.max(ttl, 1) * 2;
    ticks.replaceChildren(
      ...model.renewals
        .filter((t) => now - t <= span)
        .map((t) => {
          const tick = h('span', { class: 'tick' });
          tick.style.left = `${(100 * (1 - (now - t) / span)).toFixed(1)}%`;
          return tick;
        }),
    );
    const last = model.renewals.at(-1);
    renewed.textContent =
      last === undefined
        ? 'renewals: none seen yet'
        : `renewed ${duration(Math.max(0, now - last))} ago (every ${duration(model.timings.renew_interval_ms)})`;
    const delay = model.timings.lock_delay_ms;
    facts.textContent = `fencing ${model.fencing ? 'on: storage refuses a deposed term' : 'off: split brain possible'}${delay ? ` · lock-delay ${duration(delay)}` : ''}`;
    const f = model.lastFenced;
    if (f && f.time !== fencedShown) {
      fencedShown = f.time;
      flash.textContent = `⛔ storage refused a write of term ${f.term} (the lock is at term ${f.current_term})`;
      flash.hidden = false;
      flash.classList.remove('flash');
      void flash.offsetWidth;
      flash.classList.add('flash');
    }
  };
  return { el, update };
}
