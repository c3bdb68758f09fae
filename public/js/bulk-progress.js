/*
 * A long bulk action (deleting, or describing again, 51 to 1,000 images) sent in pieces of 50, with
 * a progress bar and a way to stop. Its confirmation form (data-bulk-chunks) carries the chosen ids;
 * each piece is the same form with fewer ids, answered in JSON. "Stop" lets the piece in flight
 * finish and sends no more: what was done stays done, the rest is left as it was. Without
 * JavaScript the form is sent whole and the server does it all in one request.
 */
(function () {
  'use strict';
  var form = document.querySelector('form[data-bulk-chunks]');
  if (!form) return;
  var CHUNK = 50;
  var region = document.querySelector('[data-bulk-progress]');
  var bar = region.querySelector('progress');
  var status = region.querySelector('[data-bulk-status]');
  var stop = region.querySelector('[data-bulk-stop]');
  var back = region.querySelector('[data-bulk-back]');
  var verb = form.getAttribute('data-bulk-verb');
  var stopping = false;

  function say(text) { status.textContent = text; }
  function images(n) { return n === 1 ? '1 image' : n + ' images'; }

  function finish(done, total, message) {
    stop.hidden = true;
    say(message);
    back.hidden = false;
    back.focus();
  }

  async function send(ids) {
    var body = new URLSearchParams(new FormData(form));
    body.set('ids', ids.join(','));
    // getAttribute: the form has a field named "action", which form.action would return instead.
    var res = await fetch(form.getAttribute('action'), { method: 'POST', body: body, headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    var answer = await res.json().catch(function () { return {}; });
    if (!res.ok) throw new Error((answer.error && answer.error.message) || 'The server answered ' + res.status + '.');
    return answer;
  }

  form.addEventListener('submit', async function (event) {
    var ids = String(new FormData(form).get('ids') || '').split(',').filter(Boolean);
    if (ids.length <= CHUNK) return; // one piece: sent as the form is, answered with the page
    event.preventDefault();
    var total = ids.length;
    var done = 0;
    var skipped = 0;
    form.hidden = true;
    region.hidden = false;
    bar.max = total;
    bar.value = 0;
    say(verb + ' 0 of ' + images(total) + '…');
    stop.focus();
    for (var i = 0; i < total; i += CHUNK) {
      if (stopping) {
        return finish(done, total, 'Stopped: ' + verb.toLowerCase() + ' ' + done + ' of ' + images(total) + '; the other ' + (total - i) + ' were left as they were.');
      }
      try {
        var answer = await send(ids.slice(i, i + CHUNK));
        done += answer.done;
        skipped += answer.skipped || 0;
      } catch (err) {
        return finish(done, total, 'Stopped by an error after ' + images(done) + ': ' + err.message);
      }
      bar.value = Math.min(i + CHUNK, total);
      say(verb + ' ' + done + ' of ' + images(total) + '…');
    }
    finish(done, total, verb + ' ' + done + ' of ' + images(total) + '.' + (skipped ? ' ' + images(skipped) + ' could not be: ' + form.getAttribute('data-bulk-skipped') : ''));
  });

  stop.addEventListener('click', function () {
    stopping = true;
    stop.disabled = true;
    say(status.textContent + ' Stopping after the images in progress…');
  });
})();
