'use strict';
// Shared by the dashboard and the settings page: the API client and the session.
// No inline script anywhere (the CSP forbids it); everything the page does is in these files.

const moodbox = (() => {
  let csrf = null;

  class ApiError extends Error {
    constructor(message, status, field) {
      super(message);
      this.status = status;
      this.field = field;
    }
  }

  async function api(path, options = {}) {
    const init = { method: options.method || 'GET', headers: {}, credentials: 'same-origin', cache: 'no-store' };
    if (options.body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(options.body);
    }
    if (init.method !== 'GET' && csrf) init.headers['X-CSRF-Token'] = csrf;
    let response;
    try {
      response = await fetch(path, init);
    } catch (e) {
      throw new ApiError('cannot reach the box', 0, null);
    }
    let data = null;
    try { data = await response.json(); } catch (e) { /* not JSON: status says enough */ }
    if (!response.ok) {
      throw new ApiError((data && data.error) || ('HTTP ' + response.status), response.status, data && data.field);
    }
    return data;
  }

  async function session() {
    const s = await api('/api/session');
    csrf = s.csrf;
    return s;
  }

  function setCsrf(token) { csrf = token; }

  const el = (tag, text, cls) => {
    const e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    seconds = Math.floor(seconds);
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
    if (d > 0) return d + ' d ' + h + ' h';
    if (h > 0) return h + ' h ' + m + ' min';
    if (m > 0) return m + ' min';
    return seconds + ' s';
  }

  return { api, session, setCsrf, el, duration, ApiError };
})();
