// Counts the images ticked for a bulk action and offers to tick the whole page. Without it the boxes and
// the form work as they are; the server refuses an empty selection with a message.
(function () {
  var form = document.querySelector('[data-bulk-form]');
  if (!form) return;
  var boxes = function () { return Array.prototype.slice.call(document.querySelectorAll('[data-select-image]')); };
  var count = form.querySelector('[data-bulk-count]');
  var selectPage = form.querySelector('[data-select-page]');
  var buttons = Array.prototype.slice.call(form.querySelectorAll('button[name="action"]'));

  var matching = form.querySelector('[data-bulk-matching]');

  function update() {
    var all = boxes();
    var ticked = all.filter(function (b) { return b.checked; }).length;
    if (matching && matching.checked) {
      count.textContent = 'Every image in this view (' + matching.getAttribute('data-count') + ') is selected.';
      buttons.forEach(function (b) { b.disabled = false; });
      selectPage.textContent = 'Select all on this page';
      return;
    }
    count.textContent = ticked === 0 ? 'Tick images to act on several at once.' : ticked + (ticked === 1 ? ' image selected.' : ' images selected.');
    buttons.forEach(function (b) { b.disabled = ticked === 0; });
    selectPage.textContent = ticked === all.length && all.length > 0 ? 'Clear the selection' : 'Select all on this page';
  }

  selectPage.hidden = false;
  selectPage.addEventListener('click', function () {
    var all = boxes();
    var tickAll = all.some(function (b) { return !b.checked; });
    all.forEach(function (b) { b.checked = tickAll; });
    update();
  });
  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el && el.hasAttribute && (el.hasAttribute('data-select-image') || el.hasAttribute('data-bulk-matching'))) update();
  });
  update();
})();
