'use strict';
// The library's sources (own folders, uploads, USB sticks) and the upload form. Files go one at a
// time as the raw request body; the box decodes each before it joins the library and says why not.

(() => {
  const $ = (id) => document.getElementById(id);
  const { api, session, el } = moodbox;
  const KINDS = { folder: 'folder', uploads: 'uploaded files', removable: 'USB stick' };
  let timer = null;

  async function loadSources() {
    clearTimeout(timer);
    try {
      const lib = await api('/api/library');
      $('source-list').replaceChildren(...(lib.sources || []).map((s) =>
        el('li', s.name + ' — ' + s.tracks + ' track' + (s.tracks === 1 ? '' : 's') + ' (' + KINDS[s.kind] + ')')));
      const scan = lib.scan;
      $('source-scan').hidden = !scan.running;
      if (scan.running) $('source-scan').textContent = 'Scanning ' + scan.done + ' of ' + scan.total + ': ' + scan.message;
      $('upload-form').hidden = !lib.uploads;
      timer = setTimeout(loadSources, scan.running ? 1000 : 3000);
    } catch (e) {
      timer = setTimeout(loadSources, 5000);   // logged out or the box restarting: look again later
    }
  }

  function say(text, ok) {
    const li = el('li', text, ok ? 'ok' : 'error');
    $('upload-msgs').append(li);
    return li;
  }

  // The file's line says "Sending…" until the box answers, then what became of it.
  async function send(file, csrf) {
    const line = say('Sending ' + file.name + '…', true);
    const done = (text, ok) => { line.textContent = text; line.className = ok ? 'ok' : 'error'; };
    let response;
    try {
      response = await fetch('/api/library/upload?name=' + encodeURIComponent(file.name), {
        method: 'POST', body: file, credentials: 'same-origin', cache: 'no-store',
        headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': csrf },
      });
    } catch (e) {
      done(file.name + ': cannot reach the box', false);
      return;
    }
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON */ }
    if (response.ok) done(data.message, true);
    else done((data && data.error) || (file.name + ': HTTP ' + response.status), false);
  }

  $('upload-form').addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const files = Array.from($('upload-files').files);
    if (!files.length) { say('Choose one or more music files first.', false); return; }
    $('upload-msgs').replaceChildren();
    $('btn-upload').disabled = true;
    try {
      const s = await session();
      for (const f of files) await send(f, s.csrf);
    } finally {
      $('btn-upload').disabled = false;
      $('upload-files').value = '';
      loadSources();
    }
  });

  loadSources();
})();
