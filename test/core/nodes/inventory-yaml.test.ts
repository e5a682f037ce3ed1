import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryYaml } from '../../../src/core/nodes/inventory-yaml.js';
import { emptyInventory, formatInventory, parseInventory, serializeInventory } from '../../../src/core/nodes/inventory-file.js';
import { stringifyYaml } from '../../../src/core/yaml-text.js';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

// Values a person or an import may put into vars and kernel arguments: every one that YAML could read as something else.
const AWKWARD = ['true', 'True', 'FALSE', 'null', 'Null', '~', '', ' lead', 'trail ', '1.5', '10', '0x1F', '0o17', '1e3', '.inf', '.nan', '-1',
  'yes', 'no', 'on', 'a: b', 'a #b', '#x', "it's", 'say "hi"', '- x', '? x', '@x', '`x', '!x', '&x', '*x', '%x', '|x', '>x', '{x}', '[x]', 'a,b',
  'console=ttyS0,115200 quiet', 'é ü 中', '\u0007bell', 'x\ty', 'tail:', 'a:b', '12:34:56:78:90:12', '10.0.0.1', 'fd00::1', '192.168.001.010',
  '--- x', '...', 'x'.repeat(300)];

function document(): Record<string, unknown> {
  const vars = Object.fromEntries(AWKWARD.map((value, index) => [`v${index}`, value]));
  return {
    profiles: { compute: { image: 'gold', kernelArgs: 'console=ttyS0 quiet', vars, overlays: ['hostname', 'root-ssh'] }, empty: {}, 'gpu.a+b-c': { p2p: true } },
    nodes: {
      c00001: { profiles: ['compute'], mac: ['52:54:00:12:34:56'], ip: '10.0.0.1', vars: { rack: 'a1' } },
      c00002: { profiles: ['compute', 'gpu.a+b-c'], image: 'gold', servers: ['s1', 's2'], p2p: false },
      'c00003.example.org': { profiles: ['compute'], ip: 'fd00::1' },
      n_1: {},
    },
    servers: { s1: { url: 'http://10.0.0.2/diskless' }, s2: { url: 'http://[fd00::2]:8080/x' } },
  };
}

test('nodes.yml is written byte for byte as the yaml package writes it, awkward values included', () => {
  const value = document();
  assert.equal(inventoryYaml(value, OPTIONS), stringifyYaml(value, OPTIONS));
});

test('names or values the fixed layout cannot say are left to the yaml package (a multi-line value, a name that needs quotes)', () => {
  for (const value of [
    { profiles: {}, nodes: { c1: { vars: { motd: 'line one\nline two' } } } },
    { profiles: { 1: { image: 'gold' } }, nodes: {} },
    { profiles: {}, nodes: { true: { image: 'gold' } } },
    { profiles: {}, nodes: { '10.5': { image: 'gold' } } },
  ]) {
    assert.equal(inventoryYaml(value, OPTIONS), undefined, JSON.stringify(value));
  }
});

test('the file written reads back as the same inventory, whichever writer wrote it', () => {
  const inventory = emptyInventory();
  inventory.profiles.compute = { image: 'gold', vars: Object.fromEntries(AWKWARD.map((value, index) => [`v${index}`, value])) };
  inventory.nodes.c001 = { profiles: ['compute'], ip: '10.0.0.1', mac: ['52:54:00:12:34:56'], vars: { note: 'x: y' } };
  inventory.nodes['042'] = { profiles: ['compute'] };
  const { text, stored } = serializeInventory(inventory, 'nodes.yml');
  assert.equal(text, formatInventory(inventory));
  assert.deepEqual(parseInventory(text, 'nodes.yml'), stored);
  assert.match(text, /^# disklessset node inventory/u, 'the header comment stays');
  // A node name starting with a digit needs quotes as a key: the package wrote that file; without it, the direct writer did.
  delete inventory.nodes['042'];
  const direct = serializeInventory(inventory, 'nodes.yml');
  assert.deepEqual(parseInventory(direct.text, 'nodes.yml'), direct.stored);
  assert.match(direct.text, /\n {2}c001:\n {4}profiles:\n {6}- compute\n/u);
});
