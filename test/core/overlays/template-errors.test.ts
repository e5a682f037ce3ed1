import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';

/** A template's text, the line its error must name and what the message says there. */
interface Case { name: string; text: string | Buffer; line: number; detail: string | RegExp }

const cases: Case[] = [
  { name: 'a bad call (nunjucks counted its line from 0)', text: 'one\ntwo\n{{ node.name(1) }}\n', line: 3, detail: 'Unable to call `node["name"]`, which is not a function' },
  { name: 'a bad call on line 1 (line 0 printed no line)', text: '{{ node.name(1) }}\n', line: 1, detail: /^Unable to call/ },
  { name: 'a for without endfor', text: 'one\n{% for x in [1] %}\n{{ x }}\n', line: 2, detail: '{% for %} is not closed (no {% endfor %})' },
  { name: 'an if without endif', text: 'one\ntwo\n{% if 1 %}\nthree\n', line: 3, detail: '{% if %} is not closed (no {% endif %})' },
  { name: 'the innermost block left open', text: '{% for x in [1] %}\n{% set a = 1 %}{% if x %}{% endif %}\n{% set y %}\nz\n', line: 3, detail: '{% set %} is not closed (no {% endset %})' },
  { name: 'an if after tags hidden in raw, comments and strings', text: '{% raw %}{% for %}\'{% endraw %}\n{# {% if %} #}\n{{ "{% for" }}\n{% if 1 %}\n', line: 4, detail: '{% if %} is not closed (no {% endif %})' },
  { name: 'an elif chain without endif', text: 'one\n{% if 0 %}\n{% elif 1 %}\n', line: 2, detail: '{% if %} is not closed (no {% endif %})' },
  { name: 'a {{ never closed', text: 'one\n{{ node.name\n', line: 2, detail: '{{ is not closed (no }})' },
  { name: 'a comment never closed', text: 'one\n{# note\n', line: 2, detail: '{# is not closed (no #})' },
  { name: 'a #} outside a comment (the lexer gives up there)', text: 'one\ncolour #}\n', line: 2, detail: 'unexpected end of comment' },
  { name: 'an unknown filter', text: '{{ node.name | upper }}\ntwo\n{{ node.name | nosuch }}\n', line: 3, detail: 'filter not found: nosuch' },
  { name: 'an error inside a filter', text: '{{ range(2) | join }}\ntwo\n{{ 1 | dictsort }}\n', line: 3, detail: 'dictsort filter: val must be an object' },
  { name: 'a forbidden member', text: 'one\ntwo\n{{ node.constructor }}\n', line: 3, detail: '"constructor" cannot be read in an overlay template' },
  { name: 'a forbidden name after a call', text: '{{ range(2) | join }}\ntwo\n{{ constructor }}\n', line: 3, detail: '"constructor" cannot be read in an overlay template' },
  { name: '5000 nested parentheses', text: `one\n{{ ${'('.repeat(5000)}1${')'.repeat(5000)} }}\n`, line: 2, detail: /^expressions or blocks are nested too deeply/ },
  { name: '3000 nested ifs, one a line (the 101st on line 102)', text: `one\n${'{% if 1 %}\n'.repeat(3000)}x${'{% endif %}'.repeat(3000)}\n`, line: 102, detail: /^expressions or blocks are nested too deeply/ },
  { name: 'bytes that are not UTF-8', text: Buffer.concat([Buffer.from('one\ntwo {{ node.name }}\n'), Buffer.from([0xe9]), Buffer.from('cole\n')]), line: 3, detail: 'is not UTF-8 text' },
];

test('every template error names its file and the right line', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n1', {});
    for (const [index, { name, text, line, detail }] of cases.entries()) {
      const dir = join(services.paths.overlaysDir, `t${index}`, 'etc');
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'app.conf.j2'), text);
      await services.inventory.changeNodes('n1', { set: { overlays: [`t${index}`] } });
      await assert.rejects(services.overlays.renderNode('n1'), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'E_OVERLAY_TEMPLATE', name);
        const prefix = `overlay t${index}, file etc/app.conf.j2, line ${line}: `;
        assert.ok(error.message.startsWith(prefix), `${name}: ${error.message}`);
        const rest = error.message.slice(prefix.length);
        if (typeof detail === 'string') assert.equal(rest, detail, name);
        else assert.match(rest, detail, name);
        assert.ok(!error.message.includes('\n'), `${name}: one line`);
        return true;
      }, name);
    }
  } finally {
    await root.cleanup();
  }
});

test('a template that is not UTF-8 is refused with a hint to convert it or deliver it as a plain file', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'latin1', 'etc');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'motd.j2'), Buffer.from('caf\xe9 {{ node.name }}\n', 'latin1'));
    await writeFile(join(dir, 'issue'), Buffer.from('caf\xe9\n', 'latin1'));
    await services.inventory.addNodes('n1', { overlays: ['latin1'] });
    await assert.rejects(services.overlays.renderNode('n1'), (error: Error & { code?: string; hint?: string }) =>
      error.code === 'E_OVERLAY_TEMPLATE' && error.message === 'overlay latin1, file etc/motd.j2, line 1: is not UTF-8 text' && /iconv/.test(error.hint ?? '') && /without \.j2/.test(error.hint ?? ''));
    await writeFile(join(dir, 'motd.j2'), 'café {{ node.name }}\n');
    const rendered = await services.overlays.renderNode('n1');
    assert.equal(rendered.entries.find((entry) => entry.path === '/etc/motd')?.data?.toString('utf8'), 'café n1\n');
    assert.deepEqual(rendered.entries.find((entry) => entry.path === '/etc/issue')?.data, Buffer.from('caf\xe9\n', 'latin1'), 'a plain file is copied byte for byte');
  } finally {
    await root.cleanup();
  }
});
