import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeTempRoot } from '../../helpers/temp-root.js';

/** A template's text, the line its error must name and what the message says there. */
interface Case { name: string; text: string; line: number; detail: string | RegExp; secret?: boolean }

const cases: Case[] = [
  { name: 'a range over the cap', text: 'one\n{% for i in range(1000000000) %}{% endfor %}\n', line: 2, detail: 'range() of 1,000,000,000 items, over the 100,000 allowed' },
  { name: 'a range with a tiny step', text: '{{ range(0, 1, 0.0000001) | length }}\n', line: 1, detail: 'range() of 10,000,000 items, over the 100,000 allowed' },
  { name: 'nested loops over the budget', text: 'one\n{% for i in range(100000) %}\n{% for j in range(100000) %}{% endfor %}{% endfor %}\n', line: 3,
    detail: 'the template loops or calls more than 250,000 times in one render (nested loops?)' },
  { name: 'a macro called from a method', text: '{% macro f(x) %}{{ range(100000).map(g) | length }}{% endmacro %}{% macro g(x) %}{% endmacro %}\n{{ range(100000).map(f) | length }}\n', line: 1,
    detail: /^the template loops or calls more than 250,000 times/ },
  { name: 'a huge printed output', text: '{% set s = "x" %}{% for i in range(24) %}{% set s = s ~ s %}{% endfor %}\ntwo\n{% for i in range(3) %}{{ s }}{% endfor %}\n', line: 3, detail: 'the rendered text is over 16 MiB' },
  { name: 'literal text repeated', text: `{% for i in range(100000) %}\n${'x'.repeat(200)}\n{% endfor %}\n`, line: 1, detail: 'the rendered text is over 16 MiB' },
  { name: 'a method making a huge string', text: 'one\n{% set s = "x".repeat(100000000) %}\n', line: 2, detail: 'repeat(100000000) asks for more than 1,000,000 characters or items' },
  { name: 'a method reading a text as a regular expression', text: 'one\n{{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!".match("^(a+)+$") }}\n', line: 2,
    detail: '"match" cannot be called in an overlay template: it reads its argument as a regular expression' },
  { name: 'methods charged for the text they work on', text: `{% set s = "ab" %}\n${'{% set s = s ~ s %}\n'.repeat(21)}{% set a = s.split("") %}\n`, line: 23,
    detail: /^the template loops or calls more than 250,000 times/ },
  { name: 'slice into a billion lists', text: '{{ [1, 2, 3] | slice(100000000) | length }}\n', line: 1, detail: 'slice(100000000) is over the 100,000 allowed' },
  { name: 'striptags over a long text', text: '{% set s = "<a" %}\n' + '{% set s = s ~ s %}\n'.repeat(16) + '{{ s | striptags }}\n', line: 18, detail: 'striptags of 131,072 characters, over the 65,536 allowed' },
  { name: 'center wider than the output', text: 'one\ntwo\n{{ "x" | center(1000000000) }}\n', line: 3, detail: 'center(1000000000) is over the 100,000 allowed' },
  { name: 'indent wider than the output', text: 'one\n{{ "a\\nb" | indent(1000000000) }}\n', line: 2, detail: 'indent(1000000000) is over the 100,000 allowed' },
  { name: 'a regular expression literal (exponential backtracking)', text: 'one\nx{{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!" | replace(r/^(a+)+$/, "x") }}\n', line: 2,
    detail: 'regular expressions (r/.../) are not available in overlay templates: use the replace filter with a plain text' },
  { name: 'a text doubled past the limit, never printed', text: `{% set s = "ab" %}\n${'{% set s = s ~ s %}\n'.repeat(25)}`, line: 25, detail: 'the rendered text is over 16 MiB' },
  { name: 'filters over a long text, never printed', text: `{% set s = "ab" %}\n${'{% set s = s ~ s %}\n'.repeat(20)}${'{% set x = s | list | sort %}\n'.repeat(10)}`, line: 27,
    detail: /^the template loops or calls more than 250,000 times/ },
  { name: 'a {{ left open blames its line', text: 'a\nb\nhost = {{ node.name\nport = 22\n', line: 3, detail: '{{ is not closed (no }})' },
  { name: 'an endif left open blames its line', text: '{% if 1 %}\nx\ny\nz\n{% endif\nmore\ntext\n', line: 5, detail: '{% is not closed (no %})' },
  { name: 'a closed tag with extra words keeps the parser\'s words', text: 'one\n{{ node.name\n  node.name }}\n', line: 2, detail: /^expected variable end/ },
  { name: 'a secret template\'s bad call', text: 'one\ntwo\n{{ "HUNTER2SECRET"(1) }}\n', line: 3, detail: 'error in a secret template (its text is not shown)', secret: true },
  { name: 'a secret template\'s unknown tag', text: 'one\n{% HUNTER2SECRET %}\n', line: 2, detail: 'error in a secret template (its text is not shown)', secret: true },
  { name: 'a secret template\'s unknown filter', text: '{{ 1 | HUNTER2SECRET }}\n', line: 1, detail: 'error in a secret template (its text is not shown)', secret: true },
];

test('runaway templates and secret templates fail fast with one line naming the file and line', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    await services.inventory.addNodes('n1', {});
    for (const [index, { name, text, line, detail, secret }] of cases.entries()) {
      const dir = join(services.paths.overlaysDir, `b${index}`);
      await mkdir(join(dir, 'etc'), { recursive: true });
      await writeFile(join(dir, 'etc', 'app.conf.j2'), text);
      if (secret) await writeFile(join(dir, 'overlay.yml'), 'description: test\nfiles:\n  /etc/app.conf: {secret: true}\n');
      await services.inventory.changeNodes('n1', { set: { overlays: [`b${index}`] } });
      await assert.rejects(services.overlays.renderNode('n1'), (error: Error & { code?: string; hint?: string }) => {
        assert.equal(error.code, 'E_OVERLAY_TEMPLATE', name);
        const prefix = `overlay b${index}, file etc/app.conf.j2, line ${line}: `;
        assert.ok(error.message.startsWith(prefix), `${name}: ${error.message}`);
        const rest = error.message.slice(prefix.length);
        if (typeof detail === 'string') assert.equal(rest, detail, name);
        else assert.match(rest, detail, name);
        assert.ok(!error.message.includes('\n'), `${name}: one line`);
        assert.ok(!`${error.message} ${error.hint ?? ''}`.includes('HUNTER2'), `${name}: no secret text`);
        return true;
      }, name);
    }
  } finally {
    await root.cleanup();
  }
});

test('templates within the limits still render (range at the cap, loops of loops, wide centring)', async () => {
  const root = await makeTempRoot();
  try {
    const services = await root.services();
    const dir = join(services.paths.overlaysDir, 'ok', 'etc');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'app.conf.j2'),
      '{{ range(100000) | length }}\n{% for i in range(300) %}{% for j in range(300) %}{% endfor %}{% endfor %}{{ "x" | center(5) }}|{{ "a\\nb" | indent(2) }}\n');
    await services.inventory.addNodes('n1', { overlays: ['ok'] });
    const rendered = await services.overlays.renderNode('n1');
    assert.equal(rendered.entries.find((entry) => entry.path === '/etc/app.conf')?.data?.toString('utf8'), '100000\n  x  |a\n  b\n');
  } finally {
    await root.cleanup();
  }
});
