// Jumps to a part of a page. The router reads every "#…" address as a page of its own
// (#/events), so a link like href="#week-2021-10-18" would leave the page: a jump is a button
// that scrolls the part's heading into view and moves the focus there, so keyboard and
// screen-reader users continue from it.

import { t } from './i18n.js';
import { h } from './ui.js';

// Scrolls to `heading` and focuses it.
export function jumpTo(heading) {
  if (!heading) return;
  if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  const still = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
  heading.scrollIntoView({ block: 'start', behavior: still ? 'auto' : 'smooth' });
  heading.focus({ preventScroll: true });
}

// A button that jumps to the heading with id `target`; `content`: its text (and a count…).
export function jumpButton(target, ...content) {
  return h('button', {
    type: 'button',
    class: 'jump-button',
    dataset: { target },
    onclick: () => jumpTo(document.getElementById(target)),
  }, content);
}

// A list of jump buttons under its visible label: items are [targetId, ...content].
export function jumpList({ id, label, items }) {
  return h('nav', { class: 'jump-list', id, 'aria-labelledby': `${id}-label` },
    h('p', { class: 'jump-label', id: `${id}-label` }, label),
    h('ul', {}, items.map(([target, ...content]) => h('li', {}, jumpButton(target, ...content)))));
}

// "On this page": a jump to each section of `root` (the <h2 id> of its panels), put before the
// first of them; nothing when there are fewer than `min`.
export function pageContents(root, { id = 'page-contents', min = 3 } = {}) {
  const headings = [...root.querySelectorAll('section > h2[id]')];
  if (headings.length < min) return null;
  const nav = h('nav', { class: 'page-contents', id, 'aria-labelledby': `${id}-title` },
    h('h2', { class: 'page-contents-title', id: `${id}-title` }, t('jump.on_this_page')),
    h('ul', {}, headings.map((heading) => h('li', {}, jumpButton(heading.id, heading.textContent.trim())))));
  headings[0].closest('section').before(nav);
  return nav;
}
