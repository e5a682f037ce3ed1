import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import { parse } from 'yaml';
import { parseImageData } from '../../../src/core/image/image-data.js';

const SAMPLES: Record<string, unknown>[] = [
  { name: 'a', image_class: 'LivenetImage', kernel: 'vmlinuz-6.1.0-28-amd64', password: '$6$salt$h/ash.', livenet_size: 5120,
    selinux: false, optimize: true, additional_packages: ['vim', 'htop'], nodes: 'c[001-003]', creation_date: '2026-11-25',
    message: 'hello world', empty: null, ratio: 1.5, weird: 'a: b', quoted: "it's", hash: '#x', list: [] },
  { name: 'b', image_class: 'NfsGoldenImage', nodes: '', release_version: '8', ssh: '/root/.ssh/id_rsa.pub' },
];

test('the fast reader and the YAML parser agree on every file the tool writes', () => {
  for (const sample of SAMPLES) {
    const text = stringify({ image_data: sample });
    const fast = parseImageData(text, 'x');
    const reference = (parse(text) as { image_data: Record<string, unknown> }).image_data;
    assert.deepEqual(fast, reference);
  }
});

test('the original tool\'s layout (blank first line, Python values) reads the same both ways', () => {
  const text = 'image_data:\n    \n    name: s\n    image_class: LivenetImage\n    selinux: False\n    livenet_type: Type.STANDARD\n'
    + "    additional_packages: ['vim', 'htop']\n    nodes: \n    creation_date: 2020-10-21\n";
  assert.deepEqual(parseImageData(text, 'x'), { name: 's', image_class: 'LivenetImage', selinux: false, livenet_type: 'standard',
    additional_packages: ['vim', 'htop'], nodes: null, creation_date: '2020-10-21' });
});
