/* crossroads guide page: the table's evaluator and the form that drives it.
 *
 * The evaluator reads the compiled table embedded as JSON (masks as hex
 * strings → BigInt, numbers as decimal strings compared exactly) and answers
 * as `crossroads evaluate --format json` does. No network, no storage: the
 * answers live in the form and in the URL fragment.
 */
"use strict";
(function () {
  // -- exact decimals: value = sign × coef × 10^exp (coef keeps its trailing zeros, as Decimal does)
  // The number grammar of engine/table/numbers.py: ASCII spaces around, nothing else; its limits below.
  var DECIMAL = /^ *(([-+]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([-+]?([0-9]+)))?) *$/;
  var INTEGER = /^ *[-+]?[0-9]+ *$/;
  var MAX_SIGNIFICANT_DIGITS = 100, MAX_EXPONENT = 999n, MIN_EXPONENT = -999n, MAX_EXPONENT_DIGITS = 6, MAX_TEXT = 4096;

  function decimal(text) { // numbers.parse_number: null when malformed or out of range
    var m = DECIMAL.exec(text);
    if (!m || m[1].length > MAX_TEXT || (m[7] !== undefined && m[7].length > MAX_EXPONENT_DIGITS)) return null;
    var whole = m[3] !== undefined ? m[3] : "", frac = m[4] !== undefined ? m[4] : (m[5] || "");
    var coef = (whole + frac).replace(/^0+(?=[0-9])/, "");
    var exp = BigInt(m[6] || "0") - BigInt(frac.length);
    var zero = /^0*$/.test(coef);
    var d = { sign: zero ? 0 : (m[2] === "-" ? -1 : 1), neg: m[2] === "-", coef: zero ? "0" : coef, exp: exp };
    if (!zero && (stripped(d).c.length > MAX_SIGNIFICANT_DIGITS || adjusted(d) < MIN_EXPONENT || adjusted(d) > MAX_EXPONENT)) return null;
    return d;
  }

  // The date grammar of engine/table/dates.py: YYYY-MM-DD, years 0001-9999, a real day of the
  // proleptic Gregorian calendar, ASCII spaces around. A date is held as that canonical text:
  // fixed width, so comparing two as strings is comparing the days (no Date object, no time zone).
  var DATE = /^ *([0-9]{4})-([0-9]{2})-([0-9]{2}) *$/;
  function parseDate(text) { // dates.parse_date: the canonical text, or null
    var m = DATE.exec(text);
    if (!m) return null;
    var y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
    var leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    var days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mo - 1];
    if (y < 1 || !days || d < 1 || d > days) return null;
    return m[1] + "-" + m[2] + "-" + m[3];
  }
  function compareDays(a, b) { return a < b ? -1 : a > b ? 1 : 0; }

  function stripped(d) { // the coefficient without trailing zeros, for comparisons
    var c = d.coef.replace(/0+$/, "");
    return { c: c, e: d.exp + BigInt(d.coef.length - c.length) };
  }

  function compare(a, b) {
    if (a.sign !== b.sign) return a.sign < b.sign ? -1 : 1;
    if (a.sign === 0) return 0;
    var x = stripped(a), y = stripped(b);
    var lx = x.e + BigInt(x.c.length), ly = y.e + BigInt(y.c.length); // position of the leading digit
    var mag;
    if (lx !== ly) mag = lx < ly ? -1 : 1;
    else {
      var n = Math.max(x.c.length, y.c.length), cx = x.c.padEnd(n, "0"), cy = y.c.padEnd(n, "0");
      mag = cx < cy ? -1 : cx > cy ? 1 : 0;
    }
    return a.sign > 0 ? mag : -mag;
  }

  function adjusted(d) { return d.exp + BigInt(d.coef.length) - 1n; }
  function integral(d) { return d.sign === 0 || stripped(d).e >= 0n; }

  // Python's format_number(exact(d)): plain digits near 1, Decimal's str() far from it.
  function formatNumber(d) {
    if (integral(d)) { // exact() makes every integral value an int
      var s = stripped(d);
      return d.sign === 0 ? "0" : (d.sign < 0 ? "-" : "") + s.c + "0".repeat(Number(s.e));
    }
    var sign = d.neg ? "-" : "", c = d.coef, e = d.exp, adj = adjusted(d);
    if (adj > -30n && adj < 30n) { // format(d, "f")
      if (e >= 0n) return sign + c + "0".repeat(Number(e));
      var point = c.length + Number(e);
      return sign + (point > 0 ? c.slice(0, point) + "." + c.slice(point) : "0." + "0".repeat(-point) + c);
    }
    var left = e + BigInt(c.length), dot = (e <= 0n && left > -6n) ? left : 1n, out; // str(Decimal)
    if (dot <= 0n) out = "0." + "0".repeat(Number(-dot)) + c;
    else if (dot >= BigInt(c.length)) out = c + "0".repeat(Number(dot - BigInt(c.length)));
    else out = c.slice(0, Number(dot)) + "." + c.slice(Number(dot));
    if (left !== dot) { var x = left - dot; out += "E" + (x >= 0n ? "+" : "") + x.toString(); }
    return sign + out;
  }

  // numbers.exact: an integral value as an integer (exponent 0, as Python's int), else unchanged.
  function exact(d) {
    if (!integral(d)) return d;
    if (d.sign === 0) return { sign: 0, neg: false, coef: "0", exp: 0n };
    var s = stripped(d);
    return { sign: d.sign, neg: d.sign < 0, coef: s.c + "0".repeat(Number(s.e)), exp: 0n };
  }

  // numbers.add: Decimal's exact sum (at the smaller exponent, so trailing zeros as Decimal keeps them), then exact().
  function add(a, b) {
    var e = a.exp < b.exp ? a.exp : b.exp;
    var sum = BigInt(a.sign) * BigInt(a.coef) * 10n ** (a.exp - e) + BigInt(b.sign) * BigInt(b.coef) * 10n ** (b.exp - e);
    var sign = sum < 0n ? -1 : sum > 0n ? 1 : 0;
    return exact({ sign: sign, neg: sign < 0, coef: (sign < 0 ? -sum : sum).toString(), exp: e });
  }

  // policies.fold: sum, min or max of exact numbers (non-empty); min/max keep the first of equal values.
  function fold(how, numbers) {
    if (how === "sum") return numbers.reduce(add, { sign: 0, neg: false, coef: "0", exp: 0n });
    var best = numbers[0];
    numbers.forEach(function (n) { var c = compare(n, best); if (how === "min" ? c < 0 : c > 0) best = n; });
    return best;
  }

  // A number's value as a key: equal values (0.10, 0.1) one key, as Decimal equality has it.
  function canonical(d) {
    if (d.sign === 0) return "0";
    var s = stripped(d);
    return (d.sign < 0 ? "-" : "") + s.c + "e" + s.e.toString();
  }

  // answers.to_json / values.to_json of an exact number: an integer as a JSON number, a decimal as a
  // JSON number when a double writes it back exactly, else its exact text (an integer beyond 2^53 too:
  // JavaScript numbers cannot hold it).
  function numberJson(d) {
    var text = formatNumber(d), n = Number(text);
    if (integral(d)) return Number.isSafeInteger(n) ? n : text;
    var back = Number.isFinite(n) ? decimal(String(n)) : null;
    return back && compare(back, d) === 0 ? n : text;
  }

  function pyRepr(s) { // repr() of a str, as the engine's messages quote it
    var q = s.indexOf("'") >= 0 && s.indexOf('"') < 0 ? '"' : "'", out = q;
    for (var ch of s) {
      var code = ch.codePointAt(0);
      if (ch === "\\" || ch === q) out += "\\" + ch;
      else if (ch === "\n") out += "\\n";
      else if (ch === "\r") out += "\\r";
      else if (ch === "\t") out += "\\t";
      else if (code < 0x20 || (code >= 0x7f && code <= 0xa0)) out += "\\x" + code.toString(16).padStart(2, "0");
      else out += ch;
    }
    return out + q;
  }

  function show(v) {
    if (v === true || v === false) return String(v);
    if (typeof v === "string") { var cps = Array.from(v); return pyRepr(cps.length <= 60 ? v : cps.slice(0, 57).join("") + "..."); }
    if (typeof v === "number") { var d = Number.isFinite(v) ? decimal(String(v)) : null; return d ? formatNumber(d) : (Number.isNaN(v) ? "NaN" : (v > 0 ? "Infinity" : "-Infinity")); }
    if (v && typeof v === "object" && typeof v.coef === "string") return formatNumber(v);
    return Array.isArray(v) ? "a list" : "a dict";
  }

  function AnswerError(message) { this.message = message; }

  // -- the engine -------------------------------------------------------------
  function engine(data) {
    var big = function (h) { return BigInt("0x" + h); };
    var all = big(data.all), outcomeRows = data.outcomeRows.map(big), nRows = data.rules.length;
    var inputs = data.inputs.map(function (i) {
      if (i.type === "date") { // points and bounds as YYYY-MM-DD texts, compared as strings
        var day = {
          id: i.id, type: i.type, accepts: i.accepts, options: [], masks: null,
          every: big(i.every), some: big(i.some), classes: null, points: i.points, min: i.min, max: i.max,
        };
        day.index = segmentIndex(2 * day.points.length + 1, i.spans, i.inside, i.runs);
        day.pointTexts = i.points;
        return day;
      }
      var inp = {
        id: i.id, type: i.type, accepts: i.accepts, options: i.options || [], masks: i.masks ? i.masks.map(big) : null,
        every: big(i.every), some: big(i.some), classes: null,
        points: i.points ? i.points.map(decimal) : null,
        min: i.min === null ? null : decimal(i.min), max: i.max === null ? null : decimal(i.max),
        strings: i.strings ? new Map(i.strings.map(function (v, k) { return [v, k]; })) : null,
        other: i.other ? big(i.other) : null,
      };
      if (inp.points) inp.index = segmentIndex(2 * inp.points.length + 1, i.spans, i.inside, i.runs);
      inp.pointTexts = i.points || null; // as the table syntax writes them (numbers.format_number)
      inp.scalars = i.scalars || null; // option ids / named strings as wording.yaml_scalar writes them
      return inp;
    });
    var byId = new Map(inputs.map(function (i) { return [i.id, i]; }));
    var rules = data.rules, policy = data.policy, outcomes = data.outcomes;

    function bad(inp, got) { return new AnswerError(inp.id + ": expected " + inp.accepts + ", got " + got); }

    function inBounds(inp, d) {
      if ((inp.min && compare(d, inp.min) < 0) || (inp.max && compare(d, inp.max) > 0))
        throw new AnswerError(inp.id + ": " + formatNumber(d) + " is out of range: expected " + inp.accepts);
      return d;
    }

    function parseValue(inp, v) { // answers.parse_value
      if (v === null) throw new AnswerError(inp.id + ": null is not an answer; leave the key out to leave it unanswered");
      if (inp.type === "choice") {
        if (typeof v === "string" && inp.options.indexOf(v) >= 0) return inp.options.indexOf(v);
        if (typeof v === "string") throw new AnswerError(inp.id + ": unknown option " + show(v) + "; expected " + inp.accepts);
        throw bad(inp, show(v));
      }
      if (inp.type === "string") { // free text: exactly as given (case, spaces, "" included)
        if (typeof v === "string") return v;
        throw bad(inp, show(v));
      }
      if (inp.type === "boolean") {
        if (v === true || v === false) return v;
        var word = typeof v === "string" ? v.replace(/^ +| +$/g, "").toLowerCase() : null; // answers.boolean_word
        if (word !== null && data.booleanWords[0].indexOf(word) >= 0) return true;
        if (word !== null && data.booleanWords[1].indexOf(word) >= 0) return false;
        throw bad(inp, show(v));
      }
      if (inp.type === "date") {
        var day = typeof v === "string" ? parseDate(v) : null;
        if (day === null) throw bad(inp, show(v));
        if ((inp.min !== null && day < inp.min) || (inp.max !== null && day > inp.max))
          throw new AnswerError(inp.id + ": " + day + " is out of range: expected " + inp.accepts);
        return day;
      }
      if (typeof v === "string") {
        var d = (inp.type === "integer" ? INTEGER : DECIMAL).test(v) ? decimal(v) : null;
        if (!d) throw bad(inp, show(v));
        return inBounds(inp, d);
      }
      if (typeof v === "number") {
        var n = Number.isFinite(v) ? decimal(String(v)) : null;
        if (!n || (inp.type === "integer" && !integral(n))) throw bad(inp, show(v));
        return inBounds(inp, n);
      }
      throw bad(inp, show(v));
    }

    // A numeric column as compiler.SegmentIndex: per row its span of segments (flat: first, last;
    // -1: no condition), start/stop events per segment, a checkpoint mask every `step` segments
    // within the same linear budget; a segment's mask is its checkpoint plus the events since.
    // `runs` (only for union conditions): the further runs of rows, flat (row, first, last); such a row
    // stops and starts again, so its events are then applied segment by segment, in order.
    function segmentIndex(segments, spans, inside, runs) {
      var starts = [], stops = [], free = 0n, s, r, multi = !!(runs && runs.length);
      for (s = 0; s <= segments; s++) { starts.push([]); stops.push([]); }
      for (r = 0; r < nRows; r++) {
        var a = spans[2 * r], b = spans[2 * r + 1];
        if (a < 0) free |= 1n << BigInt(r);
        else if (a <= b) { starts[a].push(r); stops[b + 1].push(r); }
      }
      for (r = 0; multi && r < runs.length; r += 3) { starts[runs[r + 1]].push(runs[r]); stops[runs[r + 2] + 1].push(runs[r]); }
      var budget = Math.max(data.checkpointBits[0], data.checkpointBits[1] * nRows);
      var step = Math.max(1, Math.ceil(segments * Math.max(nRows, 1) / budget));
      var checkpoints = [], running = free, adds = [], removes = [];
      for (s = 0; s < segments; s++) {
        if (multi) running = applyEvents(running, starts[s], stops[s]);
        else { adds.push.apply(adds, starts[s]); removes.push.apply(removes, stops[s]); }
        if (s % step === 0) { running = applyEvents(running, adds, removes); adds = []; removes = []; checkpoints.push(running); }
      }
      function mask(seg) {
        var at = seg % step, base = checkpoints[(seg - at) / step];
        if (!at) return base;
        var add = [], remove = [], t;
        if (multi) { for (t = seg - at + 1; t <= seg; t++) base = applyEvents(base, starts[t], stops[t]); return base; }
        for (t = seg - at + 1; t <= seg; t++) { add.push.apply(add, starts[t]); remove.push.apply(remove, stops[t]); }
        return applyEvents(base, add, remove);
      }
      return { segments: segments, inside: inside, mask: mask, starts: starts, stops: stops, step: step, checkpoints: checkpoints };
    }

    // (base | adds) & ~removes for row lists: BigInt bit operations when few, one hex buffer when many.
    function applyEvents(base, adds, removes) {
      if (!adds.length && !removes.length) return base;
      var k;
      if (adds.length + removes.length <= 16) {
        for (k = 0; k < adds.length; k++) base |= 1n << BigInt(adds[k]);
        for (k = 0; k < removes.length; k++) base &= ~(1n << BigInt(removes[k]));
        return base;
      }
      var width = Math.ceil((nRows + 1) / 4), hex = base.toString(16).padStart(width, "0");
      var nibbles = new Uint8Array(width);
      for (k = 0; k < width; k++) nibbles[k] = parseInt(hex[hex.length - 1 - k], 16);
      for (k = 0; k < adds.length; k++) nibbles[adds[k] >> 2] |= 1 << (adds[k] & 3);
      for (k = 0; k < removes.length; k++) nibbles[removes[k] >> 2] &= ~(1 << (removes[k] & 3));
      var out = "";
      for (k = width - 1; k >= 0; k--) out += "0123456789abcdef"[nibbles[k]];
      return BigInt("0x" + out);
    }

    // The domain's answer classes of an input (distinct masks, first seen first), built on first use.
    function classesOf(inp) {
      if (inp.classes) return inp.classes;
      var seen = new Set(), out = [];
      var add = function (m) { if (!seen.has(m)) { seen.add(m); out.push(m); } };
      if (!inp.points) { inp.masks.forEach(add); if (inp.strings) add(inp.other); } // a string's named ones, then every other
      else {
        var ix = inp.index, running = ix.checkpoints[0];
        for (var s = 0; s < ix.segments; s++) {
          if (s % ix.step === 0) running = ix.checkpoints[s / ix.step];
          else running = applyEvents(running, ix.starts[s], ix.stops[s]);
          if (ix.inside[s] === "1") add(running);
        }
      }
      inp.classes = out;
      return out;
    }

    // space.MAX_PIECE_BITS: the exact search holds a mask per segment of every pending number.
    function tooBig(pending) {
      var segments = 0;
      pending.forEach(function (inp) { if (inp.points) segments += 2 * inp.points.length + 1; });
      return segments * nRows > data.maxPieceBits;
    }

    function lookup(inp, value) { // Column.lookup
      if (inp.type === "choice") return inp.masks[value];
      if (inp.type === "boolean") return inp.masks[value ? 0 : 1];
      if (inp.type === "string") { var at = inp.strings.get(value); return at === undefined ? inp.other : inp.masks[at]; }
      var cmp = inp.type === "date" ? compareDays : compare, lo = 0, hi = inp.points.length;
      while (lo < hi) { var mid = (lo + hi) >> 1; if (cmp(inp.points[mid], value) < 0) lo = mid + 1; else hi = mid; }
      return inp.index.mask(lo < inp.points.length && cmp(inp.points[lo], value) === 0 ? 2 * lo + 1 : 2 * lo);
    }

    function rows(mask) { // set bits, lowest first: one pass over the binary digits, not a shift per row
      var out = [], bin = mask.toString(2);
      for (var k = bin.length - 1, r = 0; k >= 0; k--, r++) if (bin[k] === "1") out.push(r);
      return mask ? out : [];
    }
    function lowest(mask) { return mask ? (mask & -mask).toString(2).length - 1 : undefined; }

    // -- results (issue 19): a row's `then` is an outcome index, or in a table with outputs an index
    // into the interned results (CompiledTable.results: the named outcomes first, then values given
    // inline). The hit policies of policies.py over them: priority classes (`classes`: by the choice
    // outputs, else by outcome), agreement under `any` (`agreeRows`), output-order, the aggregates.
    var outputs = data.outputs || [], nOutcomes = outcomes.length, aggregate = data.aggregate || null;
    var collects = policy === "collect" || policy === "output-order"; // HitPolicy.collects (an aggregate's policy is collect)
    var byClass = !!(data.priorityRows && data.priorityRows.length);
    var classes = byClass ? data.priorityRows.map(big) : outcomeRows;
    var agreeRows = data.agreeRows && data.agreeRows.length ? data.agreeRows.map(big) : null;
    var results = (data.results || []).map(function (r) {
      var json = {}, text = [];
      outputs.forEach(function (o, k) {
        var v = r[1][k], numeric = o.type === "number" || o.type === "integer";
        json[o.id] = numeric ? numberJson(decimal(v)) : v; // values.to_json
        text.push(o.id + ": " + (v === true || v === false ? String(v) : v)); // values.label
      });
      var first = outputs.length && (outputs[0].type === "number" || outputs[0].type === "integer") ? decimal(r[1][0]) : null;
      return { outcome: r[0], json: json, label: "{" + text.join(", ") + "}", number: first };
    });

    function thenOf(r) { return rules[r][1]; }
    function resultsOf(mask) { return new Set(rows(mask).map(thenOf)); }
    function label(i) { return i < nOutcomes ? outcomes[i] : results[i].label; } // policies.result_label
    function bestClass(mask) { for (var c = 0; c < classes.length; c++) if (mask & classes[c]) return c; return -1; }
    function disagreeing(mask) { return rows(mask).some(function (r) { return (mask & ~agreeRows[thenOf(r)]) !== 0n; }); }
    function upTo(d) { return (2n << BigInt(d)) - 1n; } // rows 0..d
    function has(mask, d) { return ((mask >> BigInt(d)) & 1n) === 1n; }
    function ordered(mask) { // output-order: by priority class, table order within one
      var out = [];
      classes.forEach(function (c) { rows(mask & c).forEach(function (r) { out.push(thenOf(r)); }); });
      return out;
    }
    function total(mask) { // policies.Aggregated.result: an exact decimal
      if (aggregate === "count") return decimal(String(rows(mask).length));
      return fold(aggregate, rows(mask).map(function (r) { return results[thenOf(r)].number; }));
    }

    function violation(mask, reason) {
      var detail = rows(mask).map(function (r) { return rules[r][0] + " → " + label(rules[r][1]); }).join(", ");
      return new AnswerError("hit policy '" + policy + "' violated: " + reason + " (" + detail + ")");
    }

    // The result of one complete answer set, given the rows it matches (policies.result_of).
    // {kind: "outcome", outs: result indexes (one, or the list of collect/output-order), rule} |
    // {kind: "total", total: decimal} (an aggregate) | {kind: "no-match"} | {kind: "violation"}.
    function leaf(mask) {
      if (aggregate) {
        if (!mask && aggregate !== "count")
          return data.default === null ? { kind: "no-match" } : { kind: "total", total: results[data.default].number, rule: null };
        return { kind: "total", total: total(mask), rule: null };
      }
      if (!mask) return data.default === null ? { kind: "no-match" } : { kind: "outcome", outs: [data.default], rule: null };
      if (policy === "collect") return { kind: "outcome", outs: rows(mask).map(thenOf), rule: null };
      if (policy === "output-order") return { kind: "outcome", outs: ordered(mask), rule: null };
      var row;
      if (policy === "first") row = lowest(mask);
      else if (policy === "unique") { if (mask & (mask - 1n)) return { kind: "violation" }; row = lowest(mask); }
      else if (policy === "priority" && byClass) row = lowest(mask & classes[bestClass(mask)]);
      else if (policy === "priority") {
        for (var o = 0; o < outcomeRows.length; o++) if (mask & outcomeRows[o]) { row = lowest(mask & outcomeRows[o]); break; }
      } else { // any
        row = lowest(mask);
        if (agreeRows ? disagreeing(mask) : mask & ~outcomeRows[rules[row][1]]) return { kind: "violation" };
      }
      return { kind: "outcome", outs: [rules[row][1]], rule: row };
    }

    var VARIES = -1, MAX_NODES = 20000;
    function Exhausted() {}
    function Done() {} // undecided and every outcome possible: nothing left to learn

    // The result over a whole region when the hit policy already fixes it, else null
    // (`guaranteed`: the live rows that accept every remaining answer). HitPolicy.fixed.
    function fixed(live, guaranteed) {
      if (!guaranteed) return null;
      var d;
      if (policy === "first") {
        d = lowest(live);
        return (guaranteed >> BigInt(d)) & 1n ? { kind: "outcome", outs: [rules[d][1]], rule: d } : null;
      }
      if (policy === "priority" && byClass) { // a class may hold rows of several results
        var b = bestClass(guaranteed);
        if (bestClass(live) < b) return null;
        var contenders = live & classes[b] & upTo(lowest(guaranteed & classes[b]));
        if (resultsOf(contenders).size > 1) return null;
        d = lowest(contenders);
        return { kind: "outcome", outs: [thenOf(d)], rule: has(guaranteed, d) ? d : VARIES };
      }
      if (policy === "priority") {
        var best = Math.min.apply(null, rows(guaranteed).map(function (r) { return rules[r][1]; }));
        if (rows(live).some(function (r) { return rules[r][1] < best; })) return null;
        d = lowest(live & outcomeRows[best]);
        return { kind: "outcome", outs: [best], rule: (guaranteed >> BigInt(d)) & 1n ? d : VARIES };
      }
      if (policy === "unique") return guaranteed & (guaranteed - 1n) ? { kind: "violation" } : null;
      if (policy === "any" && agreeRows) {
        if (disagreeing(guaranteed)) return { kind: "violation" };
        if (resultsOf(live).size !== 1 || disagreeing(live)) return null;
        d = lowest(live);
        return { kind: "outcome", outs: [thenOf(d)], rule: has(guaranteed, d) ? d : VARIES };
      }
      if (policy === "any") {
        var outs = new Set(rows(live).map(function (r) { return rules[r][1]; }));
        if (outs.size > 1) return new Set(rows(guaranteed).map(function (r) { return rules[r][1]; })).size > 1 ? { kind: "violation" } : null;
        d = lowest(live);
        return { kind: "outcome", outs: [rules[d][1]], rule: (guaranteed >> BigInt(d)) & 1n ? d : VARIES };
      }
      return null; // collect, output-order, aggregates: every row counts
    }

    // Every distinct result over the completions of the unanswered inputs: per input,
    // the domain's answer classes regrouped by `mask & live`, branched depth first,
    // cut short where the hit policy fixes the result; throws Exhausted past the budget.
    function explore(live, pending, visit, budget) {
      if (++budget.nodes > MAX_NODES) throw new Exhausted();
      pending.forEach(function (inp) { live &= inp.some; }); // rows no answer of an input satisfies match nothing
      var split = null, rest = [], guaranteed = live;
      for (var k = 0; k < pending.length && live; k++) {
        var seen = new Set(), every = live;
        classesOf(pending[k]).forEach(function (m) { seen.add(m & live); every &= m; });
        guaranteed &= every;
        if (seen.size === 1) live &= seen.values().next().value;
        else { rest.push(pending[k]); if (!split) split = { input: pending[k], masks: Array.from(seen) }; }
      }
      if (!live || !split) return visit(leaf(live));
      var known = fixed(live, guaranteed & live);
      if (known) return visit(known);
      var others = rest.filter(function (i) { return i !== split.input; });
      split.masks.forEach(function (m) { explore(live & m, others, visit, budget); });
    }

    // What the rows matching every (`definite`) / some (`possible`, non-empty) completion prove:
    // HitPolicy.bounds, {result: a leaf or null, row, candidates}.
    function bounds(definite, possible) {
      var none = { result: null, row: null, candidates: possible }, d, c, outs, candidates;
      var one = function (r, row, cand) { return { result: { kind: "outcome", outs: [r] }, row: row, candidates: cand }; };
      var whole = function (result) { return possible === definite ? { result: result, row: null, candidates: possible } : none; };
      if (aggregate) return whole({ kind: "total", total: total(definite) });
      if (policy === "collect") return whole({ kind: "outcome", outs: rows(definite).map(thenOf) });
      if (policy === "output-order") return whole({ kind: "outcome", outs: ordered(definite) });
      if (policy === "unique") return definite && possible === definite ? one(thenOf(lowest(definite)), lowest(definite), possible) : none;
      if (policy === "any") {
        if (agreeRows && definite && possible === definite && !disagreeing(definite)) return one(thenOf(lowest(definite)), lowest(definite), possible);
        if (definite && resultsOf(possible).size === 1) { d = lowest(possible); return one(thenOf(d), d === lowest(definite) ? d : null, possible); }
        return none;
      }
      if (!definite) return none;
      if (policy === "first") { // rows after the first sure match never decide
        d = lowest(definite);
        candidates = possible & upTo(d);
        if (resultsOf(candidates).size !== 1) return { result: null, row: null, candidates: candidates };
        c = lowest(candidates);
        return one(thenOf(c), c === d ? c : null, candidates);
      }
      if (byClass) { // priority by the choice outputs
        var b = bestClass(definite);
        candidates = possible & classes[b] & upTo(lowest(definite & classes[b]));
        for (c = 0; c < b; c++) candidates |= possible & classes[c];
        if (resultsOf(candidates).size !== 1) return { result: null, row: null, candidates: candidates };
        c = lowest(candidates);
        return one(thenOf(c), has(definite, c) ? c : null, candidates);
      }
      var best = Math.min.apply(null, Array.from(resultsOf(definite))); // priority by outcome
      candidates = 0n;
      for (var o = 0; o <= best; o++) candidates |= possible & outcomeRows[o];
      outs = resultsOf(candidates);
      if (outs.size !== 1 || !outs.has(best)) return { result: null, row: null, candidates: candidates };
      d = lowest(possible & outcomeRows[best]);
      return one(best, has(definite, d) ? d : null, candidates);
    }

    // The reachable results of leaves: result indexes, and an aggregate's totals by value (first seen kept).
    function reach(l, indexes, totals) {
      if (l.kind === "total") { var key = canonical(l.total); if (!totals.has(key)) totals.set(key, l.total); }
      else l.outs.forEach(function (o) { indexes.add(o); });
    }

    function valuesOf(i) { return Object.assign({}, results[i].json); }

    // `possible` as evaluate._possible shows it: outcome ids; with outputs, each result as `values` shows it.
    function shownPossible(indexes, totals) {
      var sorted = Array.from(indexes).sort(function (a, b) { return a - b; });
      if (!outputs.length) return sorted.map(function (o) { return outcomes[o]; });
      if (totals.size) return Array.from(totals.values()).sort(compare).map(function (t) { var m = {}; m[outputs[0].id] = numberJson(t); return m; });
      return sorted.map(valuesOf);
    }

    // outcome, outcomes and values of a decided result (evaluate.present).
    function present(result, l) {
      if (l.kind === "total") { result.values = {}; result.values[outputs[0].id] = numberJson(l.total); return; }
      if (collects) {
        result.outcomes = l.outs.filter(function (o) { return o < nOutcomes; }).map(function (o) { return outcomes[o]; });
        result.values = outputs.length ? l.outs.map(valuesOf) : null;
        return;
      }
      var i = l.outs[0];
      if (i < nOutcomes) { result.outcome = outcomes[i]; result.outcomes = [outcomes[i]]; }
      result.values = outputs.length ? valuesOf(i) : null;
    }

    function blank(missing, exact) {
      return { status: "undecided", outcome: null, outcomes: [], values: null, rule: null, because: null, possible: [], missing: missing, exact: exact };
    }

    // Past the budget: bounds from the rows matching every / some completion (evaluate._approximate).
    function approximate(live, definite, pending, missing) {
      var possible = live, decided = null, row = null, candidates = 0n, indexes = new Set(), totals = new Map();
      pending.forEach(function (inp) { possible &= inp.some; });
      var result = blank(missing, false);
      if (possible) {
        var bound = bounds(definite, possible);
        candidates = bound.candidates;
        if (bound.result) { decided = bound.result; row = bound.row; }
      } else { // nothing can match: the default stands in
        decided = leaf(0n);
        if (decided.kind === "no-match") { decided = null; result.status = "no-match"; }
      }
      rows(candidates).forEach(function (r) { indexes.add(thenOf(r)); });
      if (!definite && leaf(0n).kind !== "no-match") reach(leaf(0n), indexes, totals);
      if (decided) {
        result.status = "decided";
        present(result, decided);
        indexes = new Set(); totals = new Map();
        reach(decided, indexes, totals);
        if (row !== null && !collects) { result.rule = rules[row][0]; result.because = rules[row][2]; }
      } else if (aggregate) { indexes = new Set(); totals = new Map(); } // an aggregate's totals are not bounded by rows
      result.possible = shownPossible(indexes, totals);
      return { result: result, shown: decided };
    }

    function evaluate(raw) { return run(raw).result; }

    // {result: what evaluate returns, shown: the decided leaf (its result indexes or total) or null}.
    function parsed(raw) { // answers.parse_answers: input id -> answer, or throws AnswerError
      if (raw === null || typeof raw !== "object" || Array.isArray(raw)) throw new AnswerError("expected a JSON object of input id to answer");
      var answers = new Map();
      Object.keys(raw).forEach(function (key) {
        var inp = byId.get(key);
        if (!inp) throw new AnswerError("unknown input " + show(key) + "; inputs: " + inputs.map(function (i) { return i.id; }).join(", "));
        answers.set(key, parseValue(inp, raw[key]));
      });
      return answers;
    }

    function run(raw) {
      try {
        return decide(parsed(raw));
      } catch (e) {
        if (e instanceof AnswerError) return { result: { error: e.message }, shown: null };
        throw e;
      }
    }

    function decide(answers) {
      var live = all, definite = all, pending = [], missing = [];
      inputs.forEach(function (inp) {
        if (answers.has(inp.id)) { var m = lookup(inp, answers.get(inp.id)); live &= m; definite &= m; }
        else { pending.push(inp); missing.push(inp.id); definite &= inp.every; }
      });
      if (policy === "unique" && (definite & (definite - 1n))) throw violation(definite, "more than one row matches");
      if (policy === "any" && definite) {
        var first = rules[lowest(definite)][1];
        if (agreeRows ? disagreeing(definite) : rows(definite).some(function (r) { return rules[r][1] !== first; }))
          throw violation(definite, "matching rows disagree");
      }
      if (pending.length && tooBig(pending)) return approximate(live, definite, pending, missing);
      var keys = new Map(), rulesSeen = new Set(), indexes = new Set(), totals = new Map(), noMatch = 0, broken = 0;
      try {
        explore(live, pending, function (l) {
          if (l.kind === "no-match") noMatch++;
          else if (l.kind === "violation") broken++;
          else {
            var key = l.kind === "total" ? "t" + canonical(l.total) : l.outs.join(",");
            if (!keys.has(key)) keys.set(key, l);
            rulesSeen.add(l.rule);
            reach(l, indexes, totals);
          }
          // an aggregate's totals never cover every result (partial.completions): it never stops early
          if (!aggregate && indexes.size === outcomeRows.length && keys.size + (noMatch ? 1 : 0) + (broken ? 1 : 0) > 1) throw new Done();
        }, { nodes: 0 });
      } catch (e) {
        if (e instanceof Exhausted) return approximate(live, definite, pending, missing);
        if (!(e instanceof Done)) throw e;
      }
      var result = blank(missing, true), shown = null;
      result.possible = shownPossible(indexes, totals);
      if (!keys.size && !broken) { result.possible = []; result.status = "no-match"; }
      else if (keys.size === 1 && !noMatch && !broken) {
        var row = rulesSeen.size === 1 ? rulesSeen.values().next().value : null;
        if (row === VARIES) row = null;
        shown = keys.values().next().value;
        result.status = "decided";
        present(result, shown);
        var only = new Set(), onlyTotal = new Map();
        reach(shown, only, onlyTotal);
        result.possible = shownPossible(only, onlyTotal);
        if (!collects && row !== null) { result.rule = rules[row][0]; result.because = rules[row][2]; }
      }
      return { result: result, shown: shown };
    }

    // -- what would change the answer (analysis/alternatives.py) ---------------------------------
    // On a table of at most data.alternativeCells cells (one piece of every input; CANONICAL_CELLS),
    // every cell of the changed and unanswered inputs is evaluated and grouped by result, sets of
    // answered inputs are tried size by size, and each result's cells are merged as
    // space.merge_regions merges them — the engine merges from the same cells in the same order, so
    // the lines are the CLI's. null: a bigger table (or an answer that is not one).
    function isNumeric(inp) { return !!inp.points; }

    function piecesOf(inp) { // space.input_pieces: {mask, lo, hi} (segments) for a number, {mask} per value else
      if (inp.pieces) return inp.pieces;
      var out = [];
      if (!isNumeric(inp)) {
        out = inp.masks.map(function (m) { return { mask: m }; });
        if (inp.strings) out.push({ mask: inp.other }); // every other string, last
      } else {
        var ix = inp.index, start = 0;
        for (var s = 0; s < ix.segments; s++) {
          if (ix.inside[s] !== "1") continue;
          out.push({ mask: ix.mask(s), lo: start, hi: s });
          start = s + 1;
        }
        if (out.length && start < ix.segments) out[out.length - 1].hi = ix.segments - 1; // answer-less tail
      }
      inp.pieces = out;
      return out;
    }

    function resultKey(l) {
      if (l.kind === "no-match") return "none";
      if (l.kind === "violation") return "error";
      if (l.kind === "total") return "t" + canonical(l.total);
      return "o" + l.outs.join(",");
    }

    // result key -> {leaf, cells}: the cells (piece indexes; -1 for an answered input kept) in order.
    function cellsByResult(answers, free, budget) {
      var n = inputs.length, found = new Map(), cell = [], masks = [all];
      var axes = inputs.map(function (inp, i) {
        if (!free[i]) return [[-1, lookup(inp, answers.get(inp.id))]];
        return piecesOf(inp).map(function (p, k) { return [k, p.mask]; });
      });
      (function go(i) {
        if (i === n) {
          if (++budget.cells > budget.limit) throw new Exhausted();
          var l = leaf(masks[n]), key = resultKey(l);
          if (!found.has(key)) found.set(key, { leaf: l, cells: [] });
          found.get(key).cells.push(cell.slice());
          return;
        }
        for (var a = 0; a < axes[i].length; a++) { cell[i] = axes[i][a][0]; masks[i + 1] = masks[i] & axes[i][a][1]; go(i + 1); }
      })(0);
      return found;
    }

    function sameCut(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

    // space.merge_regions over cells: per input null (the whole domain), [first, last] segments, or piece indexes.
    function mergeCells(cells, free) {
      var n = inputs.length;
      var pieces = inputs.map(function (inp, i) { return free[i] ? piecesOf(inp) : null; });
      var whole = pieces.map(function (ps, i) {
        if (!ps) return null;
        return isNumeric(inputs[i]) ? [0, ps[ps.length - 1].hi] : ps.map(function (_, k) { return k; });
      });
      var cut = function (part, i) { return part === null || sameCut(part, whole[i]) ? null : part; };
      var regions = cells.map(function (c) {
        return c.map(function (k, i) {
          if (!free[i]) return null; // an answer kept: one piece, the whole of what the input may be here
          return cut(isNumeric(inputs[i]) ? [pieces[i][k].lo, pieces[i][k].hi] : [k], i);
        });
      });
      var changed = true;
      while (changed && regions.length > 1) {
        changed = false;
        for (var k = 0; k < n; k++) {
          var buckets = new Map();
          regions.forEach(function (r, m) {
            if (r[k] === null) return;
            var key = JSON.stringify(r.slice(0, k).concat(r.slice(k + 1)));
            if (!buckets.has(key)) buckets.set(key, []);
            buckets.get(key).push(m);
          });
          var merged = new Map(), gone = new Set();
          buckets.forEach(function (members) {
            if (members.length < 2) return;
            var runs;
            if (isNumeric(inputs[k])) {
              members.sort(function (a, b) { return regions[a][k][0] - regions[b][k][0] || regions[a][k][1] - regions[b][k][1]; });
              runs = [[members[0]]];
              members.slice(1).forEach(function (m) {
                var run = runs[runs.length - 1];
                if (regions[m][k][0] === regions[run[run.length - 1]][k][1] + 1) run.push(m); else runs.push([m]);
              });
            } else runs = [members];
            runs.forEach(function (run) {
              if (run.length < 2) return;
              var joined;
              if (isNumeric(inputs[k])) joined = [regions[run[0]][k][0], regions[run[run.length - 1]][k][1]];
              else {
                var union = new Set();
                run.forEach(function (m) { regions[m][k].forEach(function (v) { union.add(v); }); });
                joined = Array.from(union).sort(function (a, b) { return a - b; });
              }
              var c = regions[run[0]].slice();
              c[k] = cut(joined, k);
              merged.set(Math.min.apply(null, run), c);
              run.forEach(function (m) { gone.add(m); });
            });
          });
          if (gone.size) {
            changed = true;
            regions = regions.map(function (r, m) { return merged.has(m) ? merged.get(m) : r; })
              .filter(function (r, m) { return merged.has(m) || !gone.has(m); });
          }
        }
      }
      return regions;
    }

    // wording.yaml_scalar / describe_region of one input's part (space.condition), or null: every answer.
    function segmentEnd(inp, s, upper) { // compiler.segment_bounds: [point text or null, closed]
      var texts = inp.pointTexts;
      if (s % 2) return [texts[(s - 1) / 2], true];
      var i = s / 2;
      if (upper) return [i < texts.length ? texts[i] : null, false];
      return [i > 0 ? texts[i - 1] : null, false];
    }
    function flowList(scalars) { return "[" + scalars.join(", ") + "]"; }
    function describePart(inp, part) {
      if (isNumeric(inp)) {
        var lo = segmentEnd(inp, part[0], false), hi = segmentEnd(inp, part[1], true);
        if (lo[0] === null && hi[0] === null) return null;
        if (lo[0] !== null && part[0] === part[1] && part[0] % 2) // one point
          return inp.id + "=" + (inp.type === "date" ? '"' + lo[0] + '"' : lo[0]);
        if (lo[0] === null) return inp.id + " " + (hi[1] ? "<= " : "< ") + hi[0];
        if (hi[0] === null) return inp.id + " " + (lo[1] ? ">= " : "> ") + lo[0];
        return inp.id + " in " + (lo[1] ? "[" : "(") + lo[0] + ", " + hi[0] + (hi[1] ? "]" : ")");
      }
      var chosen = new Set(part), scalars = inp.scalars;
      if (inp.type === "boolean") return inp.id + "=" + (chosen.has(0) ? "true" : "false");
      var named = scalars.map(function (_, k) { return k; });
      var values = named.filter(function (k) { return chosen.has(k); });
      var rest = named.filter(function (k) { return !chosen.has(k); });
      var pick = function (ks) { return ks.map(function (k) { return scalars[k]; }); };
      if (inp.type === "string" && chosen.has(named.length)) // every other string is in it
        return rest.length ? inp.id + " not in " + flowList(pick(rest)) : null;
      if (inp.type === "choice" && values.length > 2 && rest.length < values.length) return inp.id + " not in " + flowList(pick(rest));
      if (values.length > 1) return inp.id + " in " + flowList(pick(values));
      var rawText = inp.type === "choice" ? inp.options[values[0]] : Array.from(inp.strings.keys())[values[0]];
      if ("[(".indexOf(rawText.charAt(0)) >= 0 && rawText) return inp.id + " in " + rawText; // as describe_region reads a text
      if ("<>=".indexOf(rawText.charAt(0)) >= 0 && rawText) return inp.id + " " + rawText;
      return inp.id + "=" + scalars[values[0]];
    }
    function describeRegion(r, free) {
      var parts = [];
      r.forEach(function (part, i) { if (free[i] && part !== null) { var d = describePart(inputs[i], part); if (d !== null) parts.push(d); } });
      return parts.length ? parts.join(", ") : "every answer";
    }

    function pyDumps(v) { // json.dumps(v, ensure_ascii=False): what the CLI writes for a values result
      if (Array.isArray(v)) return "[" + v.map(pyDumps).join(", ") + "]";
      if (v !== null && typeof v === "object") return "{" + Object.keys(v).map(function (k) { return JSON.stringify(k) + ": " + pyDumps(v[k]); }).join(", ") + "}";
      return JSON.stringify(v);
    }
    function outcomeIdsOf(l) { // the outcomes a result names (alternatives._outcome_ids)
      if (l.kind !== "outcome") return [];
      return l.outs.map(function (i) { return outputs.length ? results[i].outcome : i; }).filter(function (o) { return o !== null; });
    }
    // How a line names a result (render._result_label): words.title(id) gives an outcome's (translated) title.
    function resultLabel(l, words) {
      if (l.kind === "no-match") return words.ui.why_not_no_match;
      if (l.kind === "violation") return words.ui.why_not_error;
      if (l.kind === "total") { var m = {}; m[outputs[0].id] = numberJson(l.total); return pyDumps(m); }
      if (!outputs.length && !collects) return words.title(outcomes[l.outs[0]]) + " (" + outcomes[l.outs[0]] + ")";
      if (!outputs.length) return pyDumps(l.outs.map(function (o) { return outcomes[o]; }));
      return pyDumps(collects ? l.outs.map(valuesOf) : valuesOf(l.outs[0]));
    }

    function combinations(items, size) {
      var out = [];
      (function pick(start, chosen) {
        if (chosen.length === size) { out.push(chosen.slice()); return; }
        for (var k = start; k < items.length; k++) { chosen.push(items[k]); pick(k + 1, chosen); chosen.pop(); }
      })(0, []);
      return out;
    }

    // The lines `evaluate --why-not` writes (render.alternatives_text, unwrapped), or null.
    function alternatives(raw, words) {
      var answers;
      try { answers = parsed(raw); } catch (e) { if (e instanceof AnswerError) return null; throw e; }
      var cap = data.alternativeCells || 0, count = 1;
      inputs.forEach(function (inp) { count *= piecesOf(inp).length; });
      if (count > cap) return null;
      var n = inputs.length, budget = { cells: 0, limit: 20 * cap };
      var answered = [], base = [];
      inputs.forEach(function (inp, i) { base.push(!answers.has(inp.id)); if (answers.has(inp.id)) answered.push(i); });
      var found = [], current = [];
      try {
        var everything = cellsByResult(answers, inputs.map(function () { return true; }), budget);
        var targets = new Map();
        everything.forEach(function (v, key) { targets.set(key, v.leaf); });
        var here = answered.length ? cellsByResult(answers, base, budget) : everything;
        if (here.size === 1) here.forEach(function (v, key) { current.push(v.leaf); targets.delete(key); });
        for (var size = here.size > 1 ? 0 : 1; size <= answered.length && targets.size; size++) {
          var settled = new Map();
          combinations(answered, size).forEach(function (subset) {
            var free = base.slice();
            subset.forEach(function (i) { free[i] = true; });
            var reached = [];
            cellsByResult(answers, free, budget).forEach(function (v, key) { if (targets.has(key)) reached.push([key, v]); });
            reached.sort(function (a, b) { return compareCells(a[1].cells[0], b[1].cells[0]); });
            reached.forEach(function (r) {
              if (!settled.has(r[0])) settled.set(r[0], []);
              settled.get(r[0]).push(mergeCells(r[1].cells, free).map(function (region) { return describeRegion(region, free); }).join(" or "));
            });
          });
          settled.forEach(function (ways, key) { found.push([targets.get(key), ways]); targets.delete(key); });
        }
      } catch (e) {
        if (e instanceof Exhausted) return null;
        throw e;
      }
      var ui = words.ui, lines = [], seen = new Set();
      found.forEach(function (f) {
        outcomeIdsOf(f[0]).forEach(function (o) { seen.add(o); });
        lines.push(ui.why_not_line.replace("{result}", resultLabel(f[0], words)).replace("{changes}", f[1].join(ui.why_not_or)));
      });
      current.forEach(function (l) { outcomeIdsOf(l).forEach(function (o) { seen.add(o); }); });
      outcomes.forEach(function (id, o) {
        if (!seen.has(o)) lines.push(ui.why_not_unreached.replace("{result}", words.title(id) + " (" + id + ")")); // by its id, as alternatives lists it
      });
      return lines;
    }
    function compareCells(a, b) { for (var k = 0; k < a.length; k++) if (a[k] !== b[k]) return a[k] - b[k]; return 0; }

    return {
      evaluate: evaluate, run: run, alternatives: alternatives, inputs: inputs,
      parse: function (id, v) { return parseValue(byId.get(id), v); },
    };
  }

  // -- the page -----------------------------------------------------------------
  var holder = document.getElementById("crossroads-data");
  if (!holder) { window.crossroads = { engine: engine }; return; }
  var data = JSON.parse(holder.textContent);
  var table = engine(data.engine);
  var words = { ui: data.ui, title: function (id) { return data.view.outcomes[id].title; } };
  window.crossroads = { evaluate: table.evaluate, engine: engine, alternatives: function (raw) { return table.alternatives(raw, words); } };

  var form = document.getElementById("questions");
  var region = document.getElementById("result");
  var ui = data.ui, view = data.view;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) { if (c !== null) node.append(c); });
    return node;
  }

  function list(items, attrs) { return el("ul", attrs, items.map(function (t) { return el("li", {}, [t]); })); }

  // The recommendation: title (h2) and sections (h3); content marked English when it is.
  function outcomeBlock(id, because) {
    var o = view.outcomes[id], content = view.lang ? { lang: view.lang } : {};
    var parts = [el("h2", Object.assign({ class: "outcome-title" }, content), [o.title])];
    if (o.summary) parts.push(el("p", content, [o.summary]));
    if (because) parts.push(el("h3", {}, [ui.why]), el("p", Object.assign({ class: "because" }, content), [because]));
    if (o.choose_when.length) parts.push(el("h3", {}, [ui.choose_when]), list(o.choose_when, content));
    if (o.tradeoffs.length) parts.push(el("h3", {}, [ui.tradeoffs]), list(o.tradeoffs, content));
    return parts;
  }

  // A table with outputs: values under the outputs' titles (a choice's option label, yes/no), as page.py writes them.
  var outputsView = view.outputs || null, resultsData = data.engine.results || [];
  function valueText(k, v) {
    var labels = outputsView[k].options;
    if (data.engine.outputs[k].type === "choice" && Object.prototype.hasOwnProperty.call(labels, v)) return labels[v];
    if (v === true || v === false) return v ? ui.yes : ui.no;
    return v === "" ? '""' : String(v); // a number as its exact text
  }
  function valuesBlock(values) {
    var content = view.lang ? { lang: view.lang } : {};
    return el("dl", Object.assign({ class: "values" }, content), values.map(function (v, k) {
      return el("div", {}, [el("dt", {}, [outputsView[k].title]), el("dd", {}, [valueText(k, v)])]);
    }));
  }
  function inlineText(values) {
    return values.map(function (v, k) { return outputsView[k].title + ": " + valueText(k, v); }).join(", ");
  }
  // A decided result of a table with outputs; `shown`: its result indexes, or an aggregate's total.
  function valuesResult(result, shown) {
    var content = view.lang ? { lang: view.lang } : {}, because = result.rule && view.because[result.rule];
    if (shown.kind === "total") return [valuesBlock([formatNumber(shown.total)])];
    if (Array.isArray(result.values)) { // collect, output-order: every match, in the policy's order
      return [el("p", {}, [ui.collected]), list(shown.outs.map(function (i) {
        var named = resultsData[i][0];
        return (named !== null ? view.outcomes[data.engine.outcomes[named]].title + " — " : "") + inlineText(resultsData[i][1]);
      }), content)];
    }
    var values = valuesBlock(resultsData[shown.outs[0]][1]);
    if (result.outcome !== null) {
      var parts = outcomeBlock(result.outcome, because);
      parts.splice(view.outcomes[result.outcome].summary ? 2 : 1, 0, values);
      return parts;
    }
    return because ? [values, el("h3", {}, [ui.why]), el("p", Object.assign({ class: "because" }, content), [because])] : [values];
  }

  // The controls of each input, found once by their name attribute: never through form properties
  // (form.elements, form.reset, form[name]), which a control named "elements" or "reset" shadows.
  var controls = new Map(table.inputs.map(function (i) { return [i.id, []]; }));
  Array.prototype.forEach.call(form.querySelectorAll("input[name]"), function (input) {
    var group = controls.get(input.getAttribute("name"));
    if (group) group.push(input);
  });

  function radioValue(group) { // the checked radio's value, or the number field's text
    if (group[0].type !== "radio") return group[0].value;
    var on = group.filter(function (r) { return r.checked; })[0];
    return on ? on.value : "";
  }

  function answersFromForm() {
    var answers = {}, errors = {};
    table.inputs.forEach(function (inp) {
      var field = controls.get(inp.id);
      if (!field || !field.length) return;
      if (inp.type === "integer" || inp.type === "number" || inp.type === "date") {
        var text = field[0].value;
        if (field[0].validity && field[0].validity.badInput) errors[inp.id] = true;
        else if (text !== "") {
          try { table.parse(inp.id, text); answers[inp.id] = text; } catch (e) { if (e instanceof AnswerError) errors[inp.id] = true; else throw e; }
        }
      } else if (radioValue(field) !== "") {
        answers[inp.id] = inp.type === "boolean" ? radioValue(field) === "true" : radioValue(field);
      }
    });
    return { answers: answers, errors: errors };
  }

  function showErrors(errors) {
    table.inputs.forEach(function (inp) {
      var field = document.getElementById("q-" + inp.id + "-error");
      var control = document.getElementById("q-" + inp.id);
      if (!field || !control) return;
      field.hidden = !errors[inp.id];
      if (errors[inp.id]) control.setAttribute("aria-invalid", "true"); else control.removeAttribute("aria-invalid");
    });
  }

  var shown = null;
  function render(result, decided, lines) {
    var key = JSON.stringify([result, lines]);
    if (key === shown) return; // unchanged: nothing new for the live region to announce
    shown = key;
    var content = [];
    document.querySelectorAll(".option[data-outcome], .option[data-result]").forEach(function (card) {
      var index = card.getAttribute("data-result"), on; // data-result: a table with outputs, by result index
      if (index !== null) on = result.status === "decided" && decided.kind === "outcome" && decided.outs.indexOf(Number(index)) >= 0;
      else on = result.status === "decided" && result.outcomes.indexOf(card.getAttribute("data-outcome")) >= 0;
      card.classList.toggle("recommended", on);
      card.querySelector(".badge").hidden = !on;
    });
    if (result.error) content = [el("p", { class: "problem" }, [ui.violation]), el("p", {}, [result.error])];
    else if (result.status === "no-match") content = [el("p", { class: "problem" }, [ui.no_match])];
    else if (result.status !== "decided") content = [el("p", { class: "placeholder" }, [ui.placeholder])];
    else {
      content.push(el("p", { class: "eyebrow" }, [ui.recommendation]));
      if (outputsView) content = content.concat(valuesResult(result, decided));
      else if (result.outcome !== null) content = content.concat(outcomeBlock(result.outcome, result.rule && view.because[result.rule]));
      else {
        content.push(el("p", {}, [ui.collected]));
        Array.from(new Set(result.outcomes)).forEach(function (id) { content = content.concat(outcomeBlock(id, null)); });
      }
    }
    if (lines && lines.length) // what would change this: the lines of `evaluate --why-not`
      content.push(el("section", { class: "alternatives" }, [el("h3", {}, [ui.why_not_page]), list(lines)]));
    var box = el("div", { class: "result-body status-" + (result.error ? "error" : result.status) }, content);
    region.replaceChildren(box);
  }

  function writeFragment(answers) {
    var params = new URLSearchParams();
    Object.keys(answers).forEach(function (k) { params.set(k, String(answers[k])); });
    var hash = params.toString();
    var url = hash ? "#" + hash : location.pathname + location.search;
    try { history.replaceState(null, "", url); } catch (e) { if (hash) location.hash = hash; }
  }

  function readFragment() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    HTMLFormElement.prototype.reset.call(form); // not form.reset(): an input named "reset" shadows it
    params.forEach(function (value, key) {
      var group = controls.get(key) || [];
      group.forEach(function (field) {
        if (field.type === "radio") field.checked = field.value === value;
        else field.value = value;
      });
    });
  }

  function update(write) {
    var state = answersFromForm();
    showErrors(state.errors);
    var out = table.run(state.answers);
    // decided, no matching row, or a broken hit policy (the form's answers are valid): what would change it
    var lines = out.result.status === "undecided" ? null : table.alternatives(state.answers, words);
    render(out.result, out.shown, lines);
    if (write) writeFragment(state.answers);
  }

  form.addEventListener("input", function () { update(true); });
  form.addEventListener("change", function () { update(true); });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  form.addEventListener("reset", function () { setTimeout(function () { update(true); }, 0); });
  window.addEventListener("hashchange", function () { readFragment(); update(false); });
  readFragment();
  update(false);
  document.documentElement.classList.add("js");
})();
