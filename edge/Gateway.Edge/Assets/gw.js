/* Gateway tag: <script async src="https://YOUR-EDGE/gw.js" data-pid="PIXEL_ID"></script>
   Sends a pageview on load (data-auto="false" turns that off) and exposes gw('event', 'name', {fields}).
   Uses navigator.sendBeacon to /e and falls back to the /p.gif image when sendBeacon is missing or refuses. */
(function (w, d) {
  var s = d.currentScript;
  if (!s) return;
  var base = s.src.replace(/\/gw\.js(?:[?#].*)?$/, '');
  var pid = s.getAttribute('data-pid') || '';
  function id() {
    if (w.crypto && w.crypto.randomUUID) return w.crypto.randomUUID();
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function send(name, fields) {
    var p = new URLSearchParams();
    p.set('pid', pid);
    p.set('e', name || 'pageview');
    p.set('eid', id());
    p.set('url', w.location.href);
    if (d.referrer) p.set('ref', d.referrer);
    p.set('ts', String(Date.now()));
    if (fields) for (var k in fields) if (Object.prototype.hasOwnProperty.call(fields, k) && fields[k] != null) p.set(k, String(fields[k]));
    var sent = false;
    try { sent = !!(w.navigator.sendBeacon && w.navigator.sendBeacon(base + '/e', p)); } catch (e) { sent = false; }
    if (!sent) {
      var img = new Image(1, 1);
      img.src = base + '/p.gif?' + p.toString();
    }
    return p.get('eid');
  }
  var queued = (w.gw && w.gw.q) || [];
  w.gw = function (cmd, name, fields) {
    if (cmd === 'event') return send(name, fields);
    if (cmd === 'pid') { pid = String(name); }
  };
  for (var i = 0; i < queued.length; i++) w.gw.apply(null, queued[i]);
  if (s.getAttribute('data-auto') !== 'false') send('pageview');
})(window, document);
