// Executive meetings (区政府常务会议) that public representatives may apply to observe, the
// latest planned first, page by page.

import { api, query } from '../api.js';
import { t } from '../i18n.js';
import { h, pagedList } from '../ui.js';
import { zoneName } from '../format.js';
import { meetingItem } from '../meetings.js';

export const name = 'meetings';
export const title = 'meetings.title';

export async function render(root, ctx) {
  root.append(
    h('h1', { id: 'meetings-title' }, t('meetings.title')),
    h('p', { class: 'lead' }, t('meetings.lead')),
    h('p', { class: 'hint' }, t('meetings.times', { zone: zoneName() }), ' ',
      h('a', { id: 'meetings-become-rep', href: '#/me/representative' }, t('meetings.become_rep'))),
  );
  root.append(await pagedList({
    id: 'meeting-list',
    class: 'meeting-list',
    empty: t('meetings.empty'),
    fetchPage: (cursor) => api('GET', `/meetings${query({ limit: 20, cursor })}`, undefined, { signal: ctx.signal }),
    renderItem: (m) => meetingItem(m),
  }));
}
