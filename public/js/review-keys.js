// Keyboard-first review on a batch's table view (views/review/table.ejs). Without it every row is
// plain forms and links. With it: j / k (or the arrow keys) move between images, e edits the alt
// text, Ctrl+Enter saves it without leaving the page, Esc leaves the text box, a marks reviewed,
// r opens "describe again" for the image, x selects, s selects the page, m marks the selected reviewed, o opens the image's page, ? shows the list. Saving keeps focus on the same image.
(function () {
  var table = document.querySelector('[data-review-table]');
  if (!table) return;
  var help = document.querySelector('[data-review-help]');
  var rows = function () { return Array.prototype.slice.call(table.querySelectorAll('[data-review-row]')); };
  var current = 0;

  function focusRow(index) {
    var all = rows();
    if (all.length === 0) return;
    current = Math.max(0, Math.min(all.length - 1, index));
    all.forEach(function (row, i) { row.classList.toggle('review-row-current', i === current); });
    all[current].focus();
  }

  function rowOf(el) { return el && el.closest ? el.closest('[data-review-row]') : null; }

  function send(form) {
    var body = new URLSearchParams(new FormData(form));
    return fetch(form.action, {
      method: 'POST', credentials: 'same-origin', body: body,
      headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    }).then(function (res) {
      return res.json().then(function (answer) {
        if (!res.ok) throw new Error((answer.error && answer.error.message) || 'The change was not saved.');
        return answer;
      });
    });
  }

  function saveAlt(form) {
    var status = form.querySelector('[data-alt-saved]');
    var row = rowOf(form);
    status.textContent = 'Saving…';
    return send(form).then(function (answer) {
      status.textContent = answer.changed ? 'Saved.' : 'Unchanged.';
      row.removeAttribute('data-unsaved');
    }, function (err) {
      status.textContent = err.message;
    }).then(function () { focusRow(rows().indexOf(row)); });
  }

  function toggleReviewed(form) {
    var button = form.querySelector('[data-reviewed-button]');
    var value = form.querySelector('input[name="reviewed"]');
    return send(form).then(function (answer) {
      var name = button.querySelector('.visually-hidden');
      button.textContent = answer.reviewed ? 'Reviewed' : 'Mark reviewed';
      if (name) button.appendChild(name);
      button.className = answer.reviewed ? 'reviewed' : 'secondary';
      button.setAttribute('aria-pressed', answer.reviewed ? 'true' : 'false');
      value.value = answer.reviewed ? '0' : '1';
    });
  }

  table.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.hasAttribute('data-alt-form')) { event.preventDefault(); saveAlt(form); }
    else if (form.hasAttribute('data-review-form')) { event.preventDefault(); toggleReviewed(form).then(function () { focusRow(rows().indexOf(rowOf(form))); }); }
  });

  table.addEventListener('input', function (event) {
    if (!event.target.hasAttribute('data-alt-text')) return;
    var form = event.target.form;
    form.querySelector('[data-alt-length]').textContent = String(event.target.value.length);
    rowOf(form).setAttribute('data-unsaved', '');
  });

  table.addEventListener('focusin', function (event) {
    var row = rowOf(event.target);
    if (row) current = rows().indexOf(row);
  });

  document.addEventListener('keydown', function (event) {
    var target = event.target;
    var typing = target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.tagName === 'SELECT');
    if (typing && target.hasAttribute('data-alt-text')) {
      if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) { event.preventDefault(); saveAlt(target.form); }
      else if (event.key === 'Escape') { event.preventDefault(); focusRow(rows().indexOf(rowOf(target))); }
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey) return;
    var row = rows()[current];
    switch (event.key) {
      case 'j': case 'ArrowDown': event.preventDefault(); focusRow(current + 1); break;
      case 'k': case 'ArrowUp': event.preventDefault(); focusRow(current - 1); break;
      case 'e': case 'Enter':
        if (!row || (event.key === 'Enter' && target !== row)) return;
        var text = row.querySelector('[data-alt-text]');
        if (text) { event.preventDefault(); text.focus(); text.setSelectionRange(text.value.length, text.value.length); }
        break;
      case 'a':
        var review = row && row.querySelector('[data-review-form]');
        if (review) { event.preventDefault(); toggleReviewed(review).then(function () { focusRow(current); }); }
        break;
      case 'x':
        var box = row && row.querySelector('[data-select-image]');
        if (box) { event.preventDefault(); box.checked = !box.checked; box.dispatchEvent(new Event('change', { bubbles: true })); }
        break;
      case 'r':
        var again = row && row.querySelector('[data-open-image]');
        if (again) { event.preventDefault(); window.location.href = again.href + '?again=1'; }
        break;
      case 'o':
        var link = row && row.querySelector('[data-open-image]');
        if (link) { event.preventDefault(); window.location.href = link.href; }
        break;
      case 's':
        var selectPage = document.querySelector('[data-select-page]');
        if (selectPage) { event.preventDefault(); selectPage.click(); }
        break;
      case 'm':
        var markSelected = document.querySelector('[data-bulk-form] button[value="review"]');
        if (markSelected && !markSelected.disabled) { event.preventDefault(); markSelected.click(); }
        break;
      case '?':
        if (help) { event.preventDefault(); help.open = !help.open; }
        break;
      default:
    }
  });

  // Leaving with an alt text typed but not saved asks first.
  window.addEventListener('beforeunload', function (event) {
    if (table.querySelector('[data-unsaved]')) { event.preventDefault(); event.returnValue = ''; }
  });
})();
