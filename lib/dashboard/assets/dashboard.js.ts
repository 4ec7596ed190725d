/**
 * The dashboard's one script (plain ES2017, no dependency): follows the view live over
 * server-sent events, polls when the stream is cut, and sends the actions after a confirmation,
 * with the page's CSRF token.
 */
export const DASHBOARD_JS = `'use strict';
(function () {
  var body = document.body;
  var base = body.getAttribute('data-base');
  var query = 'view=' + encodeURIComponent(body.getAttribute('data-view')) +
    '&task=' + encodeURIComponent(body.getAttribute('data-task')) +
    '&offset=' + encodeURIComponent(body.getAttribute('data-offset'));
  var tokenTag = document.querySelector('meta[name="after-party-csrf"]');
  var token = tokenTag ? tokenTag.getAttribute('content') : '';
  var view = document.getElementById('view');
  var flash = document.getElementById('flash');
  var live = document.getElementById('live');
  var held = null;
  var asking = false;
  var pressing = false;
  var source = null;
  var poller = null;
  var polls = 0;

  var following = 'connecting';
  var LIVE_TEXT = { live: 'live', polling: 'polling', connecting: 'connecting', held: 'held while you confirm' };

  // While a confirmation is open the view is held (it would move the buttons under the pointer),
  // and the indicator says so instead of "live".
  function showLive() {
    var state = asking ? 'held' : following;
    live.setAttribute('data-state', state);
    live.textContent = LIVE_TEXT[state];
  }

  function setLive(state) {
    following = state;
    showLive();
  }

  // A new view keeps what the reader did to the old one: the disclosures they opened, the button
  // that had the keyboard's focus.
  function apply(html) {
    if (asking || pressing) { held = html; return; }
    if (view.innerHTML === html) { return; }
    var open = [];
    view.querySelectorAll('details[data-key]').forEach(function (element) {
      if (element.open) { open.push(element.getAttribute('data-key')); }
    });
    var active = document.activeElement;
    var focused = active && view.contains(active) ? active.getAttribute('data-action') : null;
    view.innerHTML = html;
    view.querySelectorAll('details[data-key]').forEach(function (element) {
      if (open.indexOf(element.getAttribute('data-key')) >= 0) { element.open = true; }
    });
    if (focused) {
      var again = view.querySelector('[data-action="' + focused + '"]');
      if (again) { again.focus(); }
    }
  }

  // The view read once, as the stream would send it (after an action, and while polling).
  function refresh() {
    fetch(base + '/fragment?' + query, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) { apply(data.html); } })
      .catch(function () {});
  }

  // While the stream is cut: the view every 3 s, and every tenth time the stream again.
  function poll() {
    polls += 1;
    if (polls % 10 === 0) { stopPolling(); follow(); return; }
    refresh();
  }

  function startPolling() {
    if (poller === null) { setLive('polling'); poller = setInterval(poll, 3000); }
  }

  function stopPolling() {
    if (poller !== null) { clearInterval(poller); poller = null; }
  }

  function follow() {
    if (!window.EventSource) { startPolling(); return; }
    if (source !== null) { source.close(); }
    source = new EventSource(base + '/events?' + query);
    source.onopen = function () { stopPolling(); setLive('live'); };
    source.onmessage = function (event) { apply(JSON.parse(event.data).html); };
    source.onerror = function () { source.close(); source = null; startPolling(); };
  }

  function show(kind, text, buttons) {
    flash.className = 'flash ' + kind;
    flash.textContent = '';
    var line = document.createElement('span');
    line.className = 'text';
    line.textContent = text;
    flash.appendChild(line);
    (buttons || []).forEach(function (button) { flash.appendChild(button); });
    flash.hidden = false;
  }

  function button(label, className, onClick) {
    var element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.className = className;
    element.addEventListener('click', onClick);
    return element;
  }

  function release() {
    asking = false;
    showLive();
    if (held !== null) { var html = held; held = null; apply(html); }
  }

  function send(task, action) {
    show('ask', 'Working...', []);
    fetch(base + '/tasks/' + encodeURIComponent(task) + '/actions/' + encodeURIComponent(action), {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'x-after-party-csrf': token, Accept: 'application/json' }
    })
      .then(function (response) { return response.json().catch(function () { return { ok: false, message: 'The dashboard answered ' + response.status + '.' }; }); })
      .then(function (outcome) { show(outcome.ok ? 'ok' : 'error', outcome.message || 'Done.'); })
      .catch(function () { show('error', 'The dashboard could not be reached; try again.'); })
      .then(function () { release(); refresh(); });
  }

  function ask(target) {
    var task = target.closest('[data-task]').getAttribute('data-task');
    var action = target.getAttribute('data-action');
    asking = true;
    showLive();
    show('ask', target.getAttribute('data-confirm'), [
      button('Confirm', 'confirm', function () { send(task, action); }),
      button('Keep it', 'secondary', function () { flash.hidden = true; release(); })
    ]);
  }

  document.addEventListener('click', function (event) {
    var target = event.target.closest ? event.target.closest('button[data-action]') : null;
    if (target) { ask(target); }
  });

  // A press on the view holds it until the pointer is released: a view replaced between the
  // press and the release would swallow the click (a link not followed, a button not pressed),
  // and a recent run's "s ago" changes the view every second. The held view comes once the
  // click has been handled.
  view.addEventListener('pointerdown', function () { pressing = true; });
  function unpress() {
    if (!pressing) { return; }
    pressing = false;
    setTimeout(function () {
      if (!asking && !pressing && held !== null) { var html = held; held = null; apply(html); }
    }, 0);
  }
  document.addEventListener('pointerup', unpress);
  document.addEventListener('pointercancel', unpress);
  window.addEventListener('blur', unpress);
  follow();
})();
`;
