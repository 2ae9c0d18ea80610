// The draft reader: any published version section by section, the comment form while the
// consultation is open, and the comments published so far.

import { getUser, isLoggedIn, idempotentSender } from '../api.js';
import { t, plural } from '../i18n.js';
import {
  h, append, field, checkbox, flash, handleSubmit, timeEl, textBlocks, breadcrumb, panel, recordLang,
} from '../ui.js';
import { formatDate } from '../format.js';
import {
  decisionHash, decisionPath, fetchWithDrafts, consultationNotice, consultationState, sectionName,
  sectionNames, commentList,
} from '../decisions.js';

export const name = 'draft';
export const title = 'draft.page_title';

function changeList(changes) {
  const rows = ['added', 'removed', 'changed'].filter((k) => changes?.[k]?.length)
    .map((k) => h('li', {}, h('strong', {}, t(`draft.changes_${k}`)), changes[k].join(t('list.separator'))));
  return rows.length ? h('ul', { class: 'changes' }, rows) : null;
}

// One version: what changed, then its sections. onComment(anchor) adds a button per section.
function versionView(draft, current, onComment) {
  return [
    draft.version !== current.version && h('div', { class: 'notice notice-plain' },
      h('p', {}, t('draft.superseded', { n: draft.version, m: current.version }))),
    h('p', { class: 'meta' }, t('draft.published_at'), timeEl(draft.published_at, { time: true })),
    (draft.changelog || draft.changes)
      && panel('draft-changelog', t('draft.changelog'), textBlocks(draft.changelog), changeList(draft.changes)),
    h('h2', { class: 'visually-hidden' }, t('draft.text')),
    h('div', { class: 'draft-text' }, draft.sections.map((s) => {
      const headingId = `section-${s.anchor}-title`;
      return h('section', {
        class: 'draft-section', id: `section-${s.anchor}`, dataset: { anchor: s.anchor },
        'aria-labelledby': s.heading ? headingId : null, 'aria-label': s.heading ? null : sectionName(s),
      },
      s.heading && h('h3', { id: headingId }, s.heading),
      h('div', { class: 'section-body' }, textBlocks(s.body)),
      h('p', { class: 'section-foot' },
        h('span', { class: 'comment-count' }, plural('draft.comment_count', s.comment_count)),
        // The section is named to screen readers after the visible text, so that the button's
        // name starts with what it shows.
        onComment && h('button', {
          type: 'button', class: 'button button-small button-secondary comment-on-section',
          onclick: () => onComment(s.anchor),
        }, t('draft.comment_on'), h('span', { class: 'visually-hidden', lang: recordLang(sectionName(s)) },
          t('draft.comment_on_section', { section: sectionName(s) })))));
    })),
  ];
}

function commentForm(decisionId, current) {
  const receipt = h('div', {
    id: 'comment-receipt', class: 'receipt', tabindex: -1, hidden: true,
  });
  const form = h('form', { id: 'comment-form', class: 'form form-wide', 'aria-labelledby': 'comment-title' },
    field({
      id: 'comment-section', name: 'section_anchor', tag: 'select', label: t('comment.section'),
      options: [{ value: '', label: t('comment.whole_draft') },
        ...current.sections.map((s) => ({ value: s.anchor, label: sectionName(s) }))],
    }),
    field({
      id: 'comment-body', name: 'body', tag: 'textarea', rows: 8, label: t('comment.body'),
      hint: t('comment.body_hint'), required: true,
    }),
    checkbox({
      id: 'comment-name-consent', name: 'name_consent', label: t('comment.name_consent'),
      hint: t('comment.name_consent_hint', { name: getUser()?.display_name || '' }),
    }),
    h('button', { type: 'submit', id: 'comment-submit', class: 'button' }, t('comment.submit')),
  );
  const send = idempotentSender('POST', decisionPath(decisionId, '/comments'));
  handleSubmit(form, async (values) => {
    const comment = await send({
      body: values.body,
      section_anchor: values.section_anchor || undefined,
      name_consent: form.elements.name_consent.checked,
    });
    receipt.replaceChildren(
      h('p', { class: 'receipt-title' }, t('comment.received')),
      h('p', {}, t('comment.tracking_number'), h('strong', { class: 'tracking-number' }, comment.tracking_number)),
      h('p', {}, t('comment.after_moderation')),
      h('p', {}, h('a', { href: decisionHash(decisionId) }, t('comment.see_mine'))),
    );
    receipt.hidden = false;
    form.reset();
    flash(() => t('flash.comment_sent', { number: comment.tracking_number }), 'success');
    receipt.focus();
  });
  return [receipt, form];
}

// The comment area: the form, a log-in prompt, or why comments are not accepted.
function commentArea(d, current) {
  const state = consultationState(d);
  let content;
  if (state !== 'open') content = consultationNotice(d);
  else if (!isLoggedIn()) {
    content = h('p', { class: 'notice notice-plain' }, t('comment.login_first'), ' ',
      h('a', { id: 'comment-login', href: '#/login' }, t('nav.login')));
  } else content = commentForm(d.id, current);
  return h('section', { class: 'comment-area', 'aria-labelledby': 'comment-title' },
    h('h2', { id: 'comment-title' }, t('comment.title')),
    state === 'open' && h('p', {}, t('comment.intro', { n: current.version })),
    content);
}

export async function render(root, ctx) {
  const { params: { id }, signal } = ctx;
  const [d, drafts] = await fetchWithDrafts(id, signal);
  root.append(
    breadcrumb(decisionHash(id), d.title),
    h('h1', { id: 'draft-title' }, t('draft.heading', { title: d.title })),
  );
  if (!drafts.length) {
    root.append(h('p', { class: 'empty' }, t('draft.none')));
    return;
  }

  const current = drafts[0]; // newest first
  const open = consultationState(d) === 'open';
  const area = commentArea(d, current);
  const onComment = open && ((anchor) => {
    const select = document.getElementById('comment-section');
    if (!select) {
      document.getElementById('comment-login')?.focus();
      return;
    }
    select.value = anchor;
    document.getElementById('comment-body').focus();
  });

  const view = h('div', { id: 'draft-view' });
  const show = (version) => {
    const draft = drafts.find((v) => v.version === version) || current;
    view.replaceChildren();
    append(view, versionView(draft, current, draft === current && onComment));
    area.hidden = draft !== current; // comments are on the current version only
  };
  const requested = drafts.find((v) => String(v.version) === ctx.query.get('version')) || current;
  const picker = field({
    id: 'draft-version', name: 'version', tag: 'select', label: t('draft.version'),
    options: drafts.map((v) => ({
      value: v.version,
      label: `${t('draft.version_n', { n: v.version })} · ${formatDate(v.published_at)}${
        v === current ? ` ${t('draft.current')}` : ''}`,
    })),
    value: requested.version,
  });
  picker.querySelector('select').addEventListener('change', (event) => {
    const version = Number(event.target.value);
    // Keep the choice in the address (reload, language switch) without a new history entry.
    const sub = version === current.version ? '/draft' : `/draft?version=${version}`;
    history.replaceState(null, '', decisionHash(id, sub));
    show(version);
  });
  show(requested.version);

  append(root,
    drafts.length > 1 && h('div', { class: 'version-picker' }, picker),
    view,
    area,
    h('section', { class: 'comments-public', 'aria-labelledby': 'public-comments-title' },
      h('h2', { id: 'public-comments-title' }, t('comment.published_title')),
      await commentList({
        id, names: sectionNames(drafts), signal, empty: t('comment.none_published'),
        showOutcomes: Boolean(d.feedback_published_at),
      })),
  );
}
