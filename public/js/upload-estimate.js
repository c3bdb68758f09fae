// The upload form's estimate for the chosen files: the measured per-image time and cost of the
// describer in use (views/images/estimate.ejs) times the number of files, the time by the queue's concurrency.
(function () {
  'use strict';
  var estimate = document.querySelector('[data-estimate]');
  var input = document.getElementById('images');
  if (!estimate || !input) return;
  var total = estimate.querySelector('[data-estimate-total]');
  var ms = Number(estimate.getAttribute('data-ms-per-image'));
  var cost = Number(estimate.getAttribute('data-cost-per-image'));
  var concurrency = Math.max(1, Number(estimate.getAttribute('data-concurrency')) || 1);

  function duration(milliseconds) {
    var seconds = Math.round(milliseconds / 1000);
    if (seconds < 90) return seconds + ' s';
    var minutes = Math.round(seconds / 60);
    return minutes < 90 ? minutes + ' min' : (minutes / 60).toFixed(1) + ' h';
  }

  function update() {
    var count = input.files ? input.files.length : 0;
    total.textContent = count === 0 ? '' : 'For the ' + count + (count === 1 ? ' chosen file' : ' chosen files') + ': about ' +
      duration(Math.ceil(count / concurrency) * ms) + ' and a cost of ' + (count * cost).toFixed(4) + '.';
  }
  input.addEventListener('change', update);
  // upload.js changes the files itself on a drop or a removal (no change event); it rewrites the summary then.
  var summary = document.querySelector('[data-file-summary]');
  if (summary && window.MutationObserver) new MutationObserver(update).observe(summary, { childList: true, characterData: true, subtree: true });
  update();
})();
