import { OverlayTemplate } from './dist/src/core/overlays/templates.js';
const cases = {
  undef: 'a\nb\n{{ node.nope }}\n',
  undefVar: 'a\nb\n{{ nope }}\n',
  unclosed: 'a\nb {{ node.name \nc\n',
  forNoEnd: 'a\n{% for x in node.list %}\nb\n',
  unknownFilter: 'a\nb\n{{ node.name | nosuch }}\n',
  callName: 'a\nb\n{{ node.name(1) }}\n',
  ctor: 'a\nb\n{{ node.constructor }}\n',
  ctor2: 'a\nb\n{{ constructor }}\n',
  deep: 'a\n' + '{{ ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ' }}',
  deepIf: 'a\n' + '{% if 1 %}'.repeat(3000) + '{% endif %}'.repeat(3000),
  ifNoEnd: 'x\n{% if 1 %}\n',
  badTag: 'x\n\n{% nosuch %}\n',
  include: 'x\n\n{% include "a" %}\n',
  multi: 'x\n\n{{ node.name }}\n{{ node.vars.nope }}\n',
};
for (const [k, src] of Object.entries(cases)) {
  try { const t = await OverlayTemplate.compile('o', { sourcePath: 'f.j2', data: Buffer.from(src) }); t.render({ node: { name: 'n1', list: [1], vars: {} }, image: {}, inventory: [] }); console.log(k, 'OK'); }
  catch (e) { console.log(k.padEnd(14), e.code, e.message.slice(0, 200)); }
}
