'use strict';
// The settings page: one box per part of the box (the group each stage's record gives its keys),
// each key with its label, value and help; validation errors pinned to the field at fault.

(() => {
  const { api, session, el } = moodbox;
  const $ = (id) => document.getElementById(id);
  let loaded = [];

  async function start() {
    let s;
    try {
      s = await session();
    } catch (e) {
      showError(e);
      return;
    }
    if (!s.loggedIn) {
      window.location.replace('/');
      return;
    }
    await load();
  }

  async function load() {
    const r = await api('/api/settings');
    render(r.settings);
    try {
      // The box's problems, renamed settings among them, so the owner sees them where they can act.
      const st = await api('/api/status');
      const notes = (st.problems || []).filter((p) => /^Setting |settings file|could not be saved/i.test(p));
      $('settings-notices').replaceChildren(...notes.map((p) => el('li', p)));
      $('settings-notices').hidden = notes.length === 0;
    } catch (e) {
      $('settings-notices').hidden = true;
    }
  }

  function render(settings) {
    loaded = settings;
    const groups = new Map();
    settings.forEach((s) => {
      const g = s.group || s.key.split('.')[0];
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(s);
    });
    const root = $('settings');
    root.replaceChildren();
    groups.forEach((items, name) => {
      const fs = el('fieldset');
      fs.append(el('legend', name));
      items.forEach((s) => {
        const row = el('div', null, 'setting');
        const id = 'set-' + s.key.replace(/[^a-z0-9]/gi, '-');
        const label = el('label');
        label.htmlFor = id;
        label.append(el('span', s.label || s.key, 'setting-label'), el('code', s.key),
          el('span', s.live ? 'live' : 'after restart', 'badge ' + (s.live ? 'live' : 'restart')));
        let input;
        if (s.secret) {
          input = el('input');
          input.type = 'password';
          input.autocomplete = 'new-password';
          input.placeholder = s.isSet ? 'set (type a new one to change it)' : 'not set';
        } else if (s.value === 'true' || s.value === 'false') {
          input = el('select');
          ['true', 'false'].forEach((v) => { const o = el('option', v); o.value = v; input.append(o); });
        } else {
          input = el('input');
          input.type = 'text';
          input.spellcheck = false;
          input.autocapitalize = 'off';
        }
        input.id = id;
        input.name = s.key;
        input.value = s.value;
        input.dataset.original = s.value;
        input.addEventListener('input', () => row.classList.toggle('changed', input.value !== input.dataset.original));
        input.addEventListener('change', () => row.classList.toggle('changed', input.value !== input.dataset.original));
        row.append(label, input);
        if (s.description) row.append(el('p', s.description, 'muted small'));
        if (!s.secret && s.default !== null && s.default !== undefined && s.default !== s.value) row.append(el('p', 'default: ' + s.default, 'muted small'));
        const err = el('p', '', 'field-error');
        err.hidden = true;
        row.append(err);
        fs.append(row);
      });
      root.append(fs);
    });
  }

  function showError(e) {
    $('settings-error').textContent = e ? e.message : '';
    $('settings-error').hidden = !e;
  }

  function clearFieldErrors() {
    document.querySelectorAll('.setting').forEach((row) => {
      row.classList.remove('invalid');
      const p = row.querySelector('.field-error');
      p.hidden = true;
      p.textContent = '';
    });
  }

  $('settings-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearFieldErrors();
    showError(null);
    $('settings-ok').hidden = true;
    const changes = {};
    document.querySelectorAll('#settings [name]').forEach((i) => {
      if (i.value !== i.dataset.original) changes[i.name] = i.value;
    });
    if (!Object.keys(changes).length) {
      $('settings-ok').textContent = 'Nothing changed.';
      $('settings-ok').hidden = false;
      return;
    }
    try {
      const r = await api('/api/settings', { method: 'POST', body: changes });
      render(r.settings);
      let msg = 'Saved.';
      if (r.applied.length) msg += ' Applied now: ' + r.applied.join(', ') + '.';
      if (r.restartNeeded.length) msg += ' After a restart: ' + r.restartNeeded.join(', ') + '.';
      $('settings-ok').textContent = msg;
      $('settings-ok').hidden = false;
    } catch (e) {
      showError(e);
      if (e.field) {
        const input = document.querySelector('#settings [name="' + CSS.escape(e.field) + '"]');
        if (input) {
          const row = input.closest('.setting');
          row.classList.add('invalid');
          const p = row.querySelector('.field-error');
          p.textContent = e.message;
          p.hidden = false;
          input.focus();
        }
      }
      if (e.status === 401) window.location.replace('/');
    }
  });

  $('revert').addEventListener('click', () => {
    clearFieldErrors();
    showError(null);
    render(loaded);
  });

  $('password-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const msg = $('pw-msg');
    try {
      await api('/api/password', { method: 'POST', body: { current: $('pw-current').value, password: $('pw-new').value } });
      msg.textContent = 'Password changed. Other devices are logged out.';
      msg.className = 'ok';
      $('password-form').reset();
    } catch (e) {
      msg.textContent = e.message;
      msg.className = 'error';
    }
    msg.hidden = false;
  });

  start();
})();
