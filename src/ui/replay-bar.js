// @ts-check
/**
 * The replay's controls: open a drill report (a file picker; the file never leaves the
 * browser), play and pause (space), scrub with a slider (its arrow keys step a thousandth of
 * the drill), a speed, and back to the live lab.
 */
import { duration, h } from './dom.js';
import { ReplayPlayer, reportProblem } from './replay.js';

/**
 * @param {{ show(player: ReplayPlayer, time: number): void, live(): void, problem(text: string): void }} to
 */
export function replayBar(to) {
  /** @type {ReplayPlayer | undefined} */
  let player;
  let time = 0;
  let playing = false;
  let speed = 1;
  let lastFrame = 0;

  const file = h('input', { type: 'file', accept: '.json,application/json', id: 'report-file', class: 'visually-hidden' });
  const open = h('label', { for: 'report-file', class: 'file-button', tabindex: 0, role: 'button' }, 'Open drill report');
  const title = h('strong', { 'data-role': 'replay-title' });
  const play = h('button', { type: 'button', 'data-action': 'play', 'aria-pressed': 'false' }, '▶ Play');
  const slider = h('input', { type: 'range', min: 0, max: 1000, step: 1, value: 0, 'aria-label': 'replay time', 'data-role': 'scrub' });
  const at = h('span', { class: 'replay-at', 'data-role': 'replay-at' });
  const speeds = h(
    'select',
    { 'aria-label': 'replay speed' },
    ...[0.25, 0.5, 1, 2, 4].map((v) => h('option', { value: v, selected: v === 1 }, `${v}×`)),
  );
  const back = h('button', { type: 'button', 'data-action': 'live' }, 'Back to live');
  const bar = h('section', { class: 'replay', hidden: true, 'aria-label': 'drill replay' }, title, play, slider, at, speeds, back);

  const seek = (/** @type {number} */ t) => {
    if (!player) return;
    time = Math.min(player.end, Math.max(player.start, t));
    const span = Math.max(1, player.end - player.start);
    slider.value = String(Math.round(((time - player.start) / span) * 1000));
    slider.setAttribute('aria-valuetext', `${duration(time - player.start)} of ${duration(span)}`);
    at.textContent = `${duration(time - player.start)} / ${duration(span)}`;
    to.show(player, time);
    if (time >= player.end) setPlaying(false);
  };
  const setPlaying = (/** @type {boolean} */ on) => {
    playing = on;
    play.textContent = on ? '⏸ Pause' : '▶ Play';
    play.setAttribute('aria-pressed', String(on));
    lastFrame = performance.now();
    if (on) requestAnimationFrame(frame);
  };
  const frame = (/** @type {number} */ now) => {
    if (!playing || !player) return;
    seek(time + (now - lastFrame) * speed);
    lastFrame = now;
    requestAnimationFrame(frame);
  };

  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    file.value = '';
    if (!f) return;
    let json;
    try {
      json = JSON.parse(await f.text());
    } catch {
      return to.problem(`${f.name} is not JSON`);
    }
    const why = reportProblem(json);
    if (why) return to.problem(`${f.name}: ${why}`);
    player = new ReplayPlayer(json);
    title.textContent = `Replay: ${player.title()}`;
    bar.hidden = false;
    document.body.classList.add('replaying');
    setPlaying(false);
    seek(player.start);
  });
  open.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      file.click();
    }
  });
  play.addEventListener('click', () => {
    if (player && time >= player.end) seek(player.start);
    setPlaying(!playing);
  });
  slider.addEventListener('input', () => {
    if (!player) return;
    seek(player.start + (Number(slider.value) / 1000) * (player.end - player.start));
  });
  speeds.addEventListener('change', () => (speed = Number(speeds.value)));
  back.addEventListener('click', () => {
    setPlaying(false);
    player = undefined;
    bar.hidden = true;
    document.body.classList.remove('replaying');
    to.live();
  });
  document.addEventListener('keydown', (e) => {
    if (!player || /** @type {HTMLElement} */ (e.target).closest('input:not([type=range]), select, textarea')) return;
    if (e.key === ' ' && /** @type {HTMLElement} */ (e.target).tagName !== 'BUTTON') {
      e.preventDefault();
      play.click();
    }
  });
  return { open, file, bar, replaying: () => player !== undefined };
}
