// Home: what the platform is for, and a way in.

import { isLoggedIn } from '../api.js';
import { t } from '../i18n.js';
import { h } from '../ui.js';

export const name = 'home';
export const title = 'nav.home';

const FEATURES = ['f1', 'f2', 'f3', 'f4'];
// Features with a page of their own: the title links there.
const LINKS = { f3: ['home-meetings', '#/meetings'] };

export function render(root) {
  const actions = isLoggedIn()
    ? [h('a', { class: 'button', href: '#/me' }, t('home.cta_me'))]
    : [
        h('a', { class: 'button', href: '#/register' }, t('home.cta_register')),
        h('a', { class: 'button button-secondary', href: '#/login' }, t('home.cta_login')),
      ];

  root.append(
    h('section', { class: 'intro', 'aria-labelledby': 'home-title' },
      h('h1', { id: 'home-title' }, t('home.title')),
      h('p', { class: 'lead' }, t('home.lead')),
      h('p', { class: 'actions' }, actions),
    ),
    h('section', { 'aria-labelledby': 'home-features' },
      h('h2', { id: 'home-features', class: 'section-title' }, t('home.features')),
      h('ul', { class: 'features' },
        FEATURES.map((f) => h('li', { class: 'feature' },
          h('h3', {}, LINKS[f]
            ? h('a', { id: LINKS[f][0], href: LINKS[f][1] }, t(`home.${f}.title`))
            : t(`home.${f}.title`)),
          h('p', {}, t(`home.${f}.text`)),
        )),
      ),
    ),
  );
}
