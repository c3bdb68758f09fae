/*
 * Unsaved edits on result cards (progressive enhancement: without it every form posts normally).
 *
 * - A card whose description fields differ from their saved values is marked [data-unsaved]
 *   (batch-progress.js leaves such a card alone), and leaving the page then asks first (beforeunload).
 * - Forms marked [data-card-action] inside a card (save, review, restore, keep or use new text) are
 *   sent with fetch; the server answers as for the plain form (a redirect to the batch page), and
 *   only this card is swapped for its fresh copy from that page, so other cards keep what is typed
 *   in them. The page's flash message is shown in the card's [data-card-message]. When the answer
 *   is an error, the card keeps what the person typed.
 * - A submit button marked [data-replaces-text] asks first when its card has unsaved edits; any other
 *   action of a card (review, keep my edits) carries the card's unsaved typing over to its fresh copy.
 * Dispatches `cards:updated` ({ detail: { ids } }) after swapping a card.
 */
(function () {
  'use strict';
  if (!window.fetch || !window.DOMParser || !window.URLSearchParams) return;

  var FIELDS = 'textarea, input[type="text"], input[type="checkbox"]';

  function isDirty(form) {
    return Array.prototype.some.call(form.querySelectorAll(FIELDS), function (el) {
      return el.type === 'checkbox' ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
    });
  }

  function cardDirty(card) {
    var form = card.querySelector('[data-description-form]');
    return Boolean(form && isDirty(form));
  }

  function markCard(card) {
    if (cardDirty(card)) card.setAttribute('data-unsaved', '');
    else card.removeAttribute('data-unsaved');
  }

  function onEdit(event) {
    var form = event.target.closest && event.target.closest('[data-description-form]');
    var card = form && form.closest('[data-image-id]');
    if (card) markCard(card);
  }
  document.addEventListener('input', onEdit);
  document.addEventListener('change', onEdit);

  window.addEventListener('beforeunload', function (event) {
    var unsaved = Array.prototype.some.call(document.querySelectorAll('[data-image-id]'), cardDirty);
    if (!unsaved) return;
    event.preventDefault();
    event.returnValue = ''; // older browsers need a value to show the dialog
  });

  function cssEscape(value) {
    return window.CSS && CSS.escape ? CSS.escape(value) : String(value).replace(/["\\]/g, '\\$&');
  }

  function showMessage(card, text, isError) {
    var box = card.querySelector('[data-card-message]');
    if (!box) return;
    box.classList.toggle('card-message-error', Boolean(isError));
    box.textContent = text;
    box.focus();
  }

  function flashOf(page) {
    var error = page.querySelector('.flash-error');
    var any = page.querySelector('.flash');
    return { error: Boolean(error), text: (error || any) ? (error || any).textContent.trim() : '' };
  }

  /** What is typed but not saved in a card, to carry over when another of its forms is sent. */
  function unsavedValues(card) {
    var form = card.querySelector('[data-description-form]');
    if (!form) return [];
    return Array.prototype.filter.call(form.querySelectorAll(FIELDS), function (el) {
      return el.type === 'checkbox' ? el.checked !== el.defaultChecked : el.value !== el.defaultValue;
    }).map(function (el) { return { name: el.name, value: el.type === 'checkbox' ? el.checked : el.value }; });
  }

  function applyValues(card, values) {
    var form = card.querySelector('[data-description-form]');
    if (!form) return;
    values.forEach(function (v) {
      var el = form.querySelector('[name="' + cssEscape(v.name) + '"]');
      if (!el) return;
      if (el.type === 'checkbox') el.checked = v.value;
      else el.value = v.value;
    });
    markCard(card);
  }

  function send(form, submitter, card) {
    var id = card.getAttribute('data-image-id');
    var keep = form.hasAttribute('data-description-form') || (submitter && submitter.hasAttribute('data-replaces-text')) ? [] : unsavedValues(card);
    var body = new URLSearchParams(new FormData(form));
    // The pressed button's name and value (keep or use), as a plain form post would send them.
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var buttons = form.querySelectorAll('button');
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    function release() { Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; }); }

    fetch(form.action, { method: 'POST', body: body, credentials: 'same-origin', headers: { accept: 'text/html' } })
      .then(function (res) {
        return res.text().then(function (html) { return { ok: res.ok, html: html }; });
      })
      .then(function (answer) {
        var page = new DOMParser().parseFromString(answer.html, 'text/html');
        var flash = flashOf(page);
        var fresh = page.querySelector('[data-image-id="' + cssEscape(id) + '"]');
        if (!answer.ok || flash.error || !fresh) {
          release();
          var reason = page.querySelector('main p');
          showMessage(card, flash.text || (reason ? reason.textContent.trim() : '') || 'That did not work. Please try again.', true);
          return;
        }
        var next = document.importNode(fresh, true);
        card.replaceWith(next);
        applyValues(next, keep);
        document.dispatchEvent(new CustomEvent('cards:updated', { detail: { ids: [id] } }));
        showMessage(next, flash.text || 'Done.', false);
      })
      .catch(function () {
        release();
        showMessage(card, 'Could not reach the server; nothing was changed. Please try again.', true);
      });
  }

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!form.matches || !form.matches('[data-card-action]')) return;
    var card = form.closest('[data-image-id]');
    if (!card) return;
    var submitter = event.submitter || null;
    if (submitter && submitter.hasAttribute('data-replaces-text') && cardDirty(card) &&
        !window.confirm('This card has changes you have not saved. Replace them with the chosen version?')) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    send(form, submitter, card);
  });
})();

// Opened from the review table's r key: the describe-again form is open; put the keyboard in it.
(function () {
  var again = document.querySelector('[data-open-again]');
  var first = again && again.querySelector('textarea, input:not([type=hidden]), select');
  if (first) first.focus();
})();
