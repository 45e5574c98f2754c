// Draws the overview's charts with uPlot from the page's data block (no inline script: the
// page's Content-Security-Policy allows scripts from /console/assets only).
(function () {
  'use strict';
  var el = document.getElementById('overview-data');
  if (!el || typeof uPlot === 'undefined') return;
  var v = JSON.parse(el.textContent);
  var palette = ['#1a73e8', '#d93025', '#188038', '#e37400', '#9334e6', '#007b83', '#5f6368', '#b06000'];
  var width = function (node) { return Math.max(260, Math.min(760, node.clientWidth || 320)); };
  var days = v.days.map(function (d) { return Date.parse(d + 'T00:00:00Z') / 1000; });
  var bars = uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 40] }) : undefined;
  var drawn = [];
  function draw(id, data, series, opts) {
    var node = document.getElementById(id);
    if (!node) return;
    var plot = new uPlot(Object.assign({ width: width(node), height: 220, series: [{}].concat(series), legend: { show: true } }, opts || {}), data, node);
    node.setAttribute('data-drawn', 'true');
    drawn.push([plot, node]);
  }
  // One series per email kind, in the order of the kind registry the page was given.
  draw('chart-sent', [days].concat(v.kinds.map(function (k) { return v.sentPerKind[k]; })),
    v.kinds.map(function (k, i) { return { label: k, stroke: palette[i % palette.length], width: 2 }; }));
  draw('chart-ratings', [days, v.ratings.perDay, v.ratings.averagePerDay],
    [{ label: 'ratings', stroke: '#5f6368', fill: 'rgba(95,99,104,0.15)', paths: bars, scale: 'n' },
     { label: 'average stars', stroke: '#e37400', width: 2, scale: 'stars', spanGaps: true }],
    { axes: [{}, { scale: 'n' }, { scale: 'stars', side: 1, grid: { show: false } }], scales: { stars: { range: [1, 5] } } });
  var stars = [1, 2, 3, 4, 5];
  draw('chart-distribution', [stars, v.ratings.distribution],
    [{ label: 'ratings', stroke: '#1a73e8', fill: 'rgba(26,115,232,0.3)', paths: bars }],
    { scales: { x: { time: false, range: [0.5, 5.5] } }, axes: [{ values: function (u, t) { return t.map(function (x) { return Number.isInteger(x) ? x + '★' : ''; }); } }, {}] });
  var dayBuckets = v.daysToDelivery.map(function (_, i) { return i; });
  draw('chart-days', [dayBuckets, v.daysToDelivery],
    [{ label: 'orders', stroke: '#188038', fill: 'rgba(24,128,56,0.3)', paths: bars }],
    { scales: { x: { time: false } } });
  window.addEventListener('resize', function () {
    drawn.forEach(function (d) { d[0].setSize({ width: width(d[1]), height: 220 }); });
  });
})();
