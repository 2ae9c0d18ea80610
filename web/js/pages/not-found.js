// What an address the router does not know shows: it says so, keeps the address as typed,
// and offers a way on.

import { t } from '../i18n.js';
import { h } from '../ui.js';

export const name = 'not-found';
export const title = 'not_found.title';

export function render(root) {
  root.append(
    h('h1', { id: 'not-found-title' }, t('not_found.title')),
    h('p', { class: 'lead' }, t('not_found.text')),
    h('p', { class: 'actions' },
      h('a', { id: 'not-found-home', class: 'button', href: '#/' }, t('not_found.home')),
      h('a', { id: 'not-found-decisions', class: 'button button-secondary', href: '#/decisions' },
        t('not_found.decisions'))),
  );
}
