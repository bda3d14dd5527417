// A FEEL oracle nobody here wrote: the bpmn-io team's feelin (and dmn-moddle), driven by tests/feelin.py.
//
// Reads JSON lines on stdin and answers each with one JSON line on stdout, in order:
//   {"test": "<FEEL unary tests>", "value": <input value>, "type": "number|string|boolean|date"}
//     -> {"ok": true|false|null, "error": null|"<message>", "warnings": [...]}
//        ok is feelin's unaryTest result (null: FEEL's null, e.g. a comparison of different types).
//        A number arrives as its decimal text and is read as feelin reads a number literal
//        (parseFloat with a point, else parseInt), so a value equal to a literal is equal in feelin too;
//        a date arrives as "YYYY-MM-DD" and becomes a FEEL date value.
//   {"dmn": "<DMN XML>"}
//     -> {"ok": true|false, "error": null|"<message>", "warnings": [...], "tables": [...]}
//        dmn-moddle's fromXML: ok is false when it throws; warnings are its import warnings; tables, per
//        decision table, what dmn-moddle read: hit policy, aggregation, inputs, outputs and rules (texts).
//        dmn-moddle reads the DMN 1.3 namespace only: the caller swaps a 1.5 model's namespace to 1.3.
import { createInterface } from 'node:readline';
import { unaryTest, date } from 'feelin';
import { DmnModdle } from 'dmn-moddle';

const moddle = new DmnModdle();

function value(v, type) {
  if (type === 'number') return v.includes('.') ? parseFloat(v) : parseInt(v, 10);
  if (type === 'date') return date(v);
  return v;
}

async function answer(request) {
  if ('dmn' in request) {
    try {
      const { rootElement, warnings } = await moddle.fromXML(request.dmn, 'dmn:Definitions');
      const tables = [];
      for (const e of rootElement.drgElement || []) {
        const t = e.decisionLogic;
        if (!t || t.$type !== 'dmn:DecisionTable') continue;
        tables.push({
          decision: { id: e.id, name: e.name, description: e.description ?? null },
          id: t.id,
          hitPolicy: t.hitPolicy ?? null,
          aggregation: t.aggregation ?? null,
          inputs: (t.input || []).map((i) => ({
            id: i.id, label: i.label ?? null, expression: i.inputExpression?.text ?? null,
            typeRef: i.inputExpression?.typeRef ?? null, values: i.inputValues?.text ?? null,
          })),
          outputs: (t.output || []).map((o) => ({
            id: o.id, name: o.name ?? null, label: o.label ?? null, typeRef: o.typeRef ?? null,
            values: o.outputValues?.text ?? null, default: o.defaultOutputEntry?.text ?? null,
          })),
          rules: (t.rule || []).map((r) => ({
            id: r.id, description: r.description ?? null,
            inputs: (r.inputEntry || []).map((x) => x.text), outputs: (r.outputEntry || []).map((x) => x.text),
          })),
        });
      }
      return { ok: true, error: null, warnings: warnings.map((w) => String(w.message || w)), tables };
    } catch (e) {
      return { ok: false, error: String(e && e.message || e), warnings: (e && e.warnings || []).map((w) => String(w.message || w)) };
    }
  }
  try {
    const { value: ok, warnings } = unaryTest(request.test, { '?': value(request.value, request.type) });
    return { ok: ok === true ? true : ok === false ? false : null, error: null, warnings: warnings.map((w) => String(w.message || w)) };
  } catch (e) {
    return { ok: null, error: String(e && e.message || e), warnings: [] };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  let out;
  try {
    out = await answer(JSON.parse(line));
  } catch (e) {
    out = { ok: null, error: 'bad request: ' + String(e && e.message || e), warnings: [] };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
