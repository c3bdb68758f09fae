/*
 * Live progress for a batch page (progressive enhancement: without it the page still shows the
 * state at load time and a reload link).
 *
 * Markup it reads (views/batches/show.ejs and card.ejs):
 *   [data-batch-progress]        the summary; attributes data-progress-url (GET …/progress.json),
 *                                data-events-url (GET …/events, server-sent events), data-total
 *     [data-progress-text]       gets "3 of 10 described, 2 waiting, 1 failed."
 *     [data-progress-bar]        a <progress>; value = finished images, max = total
 *     [data-reload-hint]         hidden once live updates run
 *     [data-while-pending]       removed when nothing is queued or processing (e.g. the cancel form)
 *   [data-image-id="…"]          one card per image; data-status is kept current
 *     [data-status-text]         gets the status label
 *   When an image finishes (done or failed), its card is replaced by the same card from a fresh
 *   copy of this page, so the text, the forms and the CSRF token come from the server's own view.
 *
 * Events: `progress` with JSON { total, finished, complete, counts: {queued, processing, done,
 * failed, cancelled, refused}, images: [{ id, status, error }] }. Falls back to polling the JSON
 * every 3 s when EventSource is missing, the server refuses the stream, or it keeps failing.
 */
(function () {
  'use strict';
  var root = document.querySelector('[data-batch-progress]');
  if (!root) return;

  var LABELS = { queued: 'Waiting to be described', processing: 'Being described', done: 'Described', failed: 'Failed', cancelled: 'Cancelled', refused: 'Not accepted' };
  var FINISHED = { done: true, failed: true, cancelled: true, refused: true };
  var progressUrl = root.getAttribute('data-progress-url');
  var eventsUrl = root.getAttribute('data-events-url');
  var known = {};
  var refreshQueue = {};
  var refreshTimer = null;
  var pollTimer = null;
  var source = null;
  var failures = 0;

  Array.prototype.forEach.call(document.querySelectorAll('[data-image-id]'), function (card) {
    known[card.getAttribute('data-image-id')] = card.getAttribute('data-status');
  });
  Array.prototype.forEach.call(root.querySelectorAll('[data-reload-hint]'), function (el) { el.hidden = true; });

  function summary(p) {
    var c = p.counts;
    var parts = [c.done + ' of ' + p.total + ' described'];
    if (c.queued + c.processing > 0) parts.push(c.queued + c.processing + ' waiting');
    if (c.failed > 0) parts.push(c.failed + ' failed');
    if (c.refused > 0) parts.push(c.refused + ' refused');
    if (c.cancelled > 0) parts.push(c.cancelled + ' cancelled');
    return parts.join(', ') + '.';
  }

  function render(p) {
    var text = root.querySelector('[data-progress-text]');
    if (text) text.textContent = summary(p);
    var bar = root.querySelector('[data-progress-bar]');
    if (bar) {
      bar.max = Math.max(1, p.total);
      bar.value = p.finished;
    }
    p.images.forEach(function (image) {
      if (known[image.id] === image.status) return;
      var wasFinished = FINISHED[known[image.id]];
      known[image.id] = image.status;
      var card = document.querySelector('[data-image-id="' + cssEscape(image.id) + '"]');
      if (!card) return;
      card.setAttribute('data-status', image.status);
      var label = card.querySelector('[data-status-text]');
      if (label) label.textContent = LABELS[image.status] || image.status;
      if (FINISHED[image.status] && !wasFinished) queueRefresh(image.id);
    });
    if (p.complete) {
      Array.prototype.forEach.call(document.querySelectorAll('[data-while-pending]'), function (el) { el.remove(); });
      stop();
    }
  }

  function queueRefresh(id) {
    refreshQueue[id] = true;
    if (!refreshTimer) refreshTimer = setTimeout(refreshCards, 400);
  }

  /** Swaps finished cards for their server-rendered versions from a fresh copy of this page. */
  function refreshCards() {
    var ids = Object.keys(refreshQueue);
    refreshQueue = {};
    refreshTimer = null;
    fetch(window.location.pathname + window.location.search, { credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) { return res.ok ? res.text() : Promise.reject(new Error(String(res.status))); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, 'text/html');
        ids.forEach(function (id) {
          var selector = '[data-image-id="' + cssEscape(id) + '"]';
          var next = fresh.querySelector(selector);
          var current = document.querySelector(selector);
          // A card someone is typing in, or has unsaved edits in (card-edits.js), keeps what they typed.
          if (next && current && !current.contains(document.activeElement) && !current.hasAttribute('data-unsaved')) {
            current.replaceWith(document.importNode(next, true));
          }
        });
        document.dispatchEvent(new CustomEvent('batch-progress:cards-updated', { detail: { ids: ids } }));
      })
      .catch(function () { /* the reload link stays the fallback */ });
  }

  function poll() {
    fetch(progressUrl, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : Promise.reject(new Error(String(res.status))); })
      .then(function (p) {
        render(p);
        if (!p.complete) pollTimer = setTimeout(poll, 3000);
      })
      .catch(function () { pollTimer = setTimeout(poll, 10000); });
  }

  function stop() {
    if (source) source.close();
    source = null;
    clearTimeout(pollTimer);
  }

  function listen() {
    source = new EventSource(eventsUrl);
    source.addEventListener('progress', function (event) {
      failures = 0;
      render(JSON.parse(event.data));
    });
    source.onerror = function () {
      failures += 1;
      // CLOSED: the server refused the stream (429 when too many are open, 503 while it restarts) and
      // the browser will not retry. Otherwise the browser reconnects; repeated errors mean no stream.
      if (source.readyState === EventSource.CLOSED || failures >= 3) {
        stop();
        poll();
      }
    };
  }

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
  }

  if (window.EventSource && eventsUrl) listen();
  else if (progressUrl) poll();
})();
