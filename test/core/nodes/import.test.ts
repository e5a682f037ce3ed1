import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planAnsibleImport, planCsvImport } from '../../../src/core/nodes/import.js';

const refused = (pattern: RegExp, code = 'E_IMPORT_CSV') => (error: Error & { code?: string; kind?: string }) =>
  error.code === code && error.kind === 'usage' && pattern.test(error.message);

test('CSV: duplicate rows and columns and a missing name column are refused naming the line; BOM and CRLF are read', () => {
  assert.throws(() => planCsvImport('name,ip\nn1,10.0.0.1\nn2,10.0.0.2\nn1,10.0.0.3\n', 'a.csv'), refused(/a\.csv line 4: node n1 already given on line 2/));
  assert.throws(() => planCsvImport('name,ip,ip\nn1,10.0.0.1,10.0.0.2\n', 'a.csv'), refused(/a\.csv line 1: column "ip" appears twice/));
  assert.throws(() => planCsvImport('host,ip\nn1,10.0.0.1\n', 'a.csv'), refused(/a\.csv line 1: no "name" column/));
  const plan = planCsvImport('\uFEFFname,ip,profiles\r\nn1,10.0.0.1,compute\r\nn2,10.0.0.2,\r\n', 'b.csv');
  assert.deepEqual(Object.keys(plan.nodes), ['n1', 'n2']);
  assert.equal(plan.nodes.n1?.ip, '10.0.0.1');
  assert.deepEqual(plan.profiles, ['compute']);
});

test('Ansible: an invalid host name refuses the import unless skipped; group variables go to the profile, not into each host', () => {
  const list = {
    _meta: { hostvars: { c1: { mac: '52:54:00:00:00:01', rack: 'r1' }, c2: {} } },
    all: { children: ['ungrouped', 'compute'], vars: { site: 'paris' } },
    compute: { hosts: ['c1', 'c2', 'bad_name!'], vars: { image_tag: 'v2', ansible_user: 'root' } },
  };
  assert.throws(() => planAnsibleImport(list, 'inv'), refused(/1 host name\(s\) cannot be node names: "bad_name!"/, 'E_IMPORT_HOST_NAME'));
  const plan = planAnsibleImport(list, 'inv', { skipInvalid: true });
  assert.deepEqual(Object.keys(plan.nodes), ['c1', 'c2']);
  assert.deepEqual(plan.profileVars, { all: { site: 'paris' }, compute: { image_tag: 'v2' } });
  assert.deepEqual(plan.nodes.c1, { profiles: ['all', 'compute'], mac: ['52:54:00:00:00:01'], vars: { rack: 'r1' } });
  assert.deepEqual(plan.nodes.c2?.vars, {}, 'no group variable copied into the host');
  assert.match(plan.skipped.join('\n'), /bad_name!/);
});

test('a reserved variable name (__proto__), which the CSV parser and plain objects drop, is refused in a CSV header and left out of an Ansible import with a line', () => {
  assert.throws(() => planCsvImport('name,__proto__\nn1,x\n', 'a.csv'), refused(/variable name __proto__ in a\.csv line 1 \(column "__proto__"\) is a reserved name/, 'E_NODE_VAR'));
  assert.throws(() => planCsvImport('name,rack-id\nn1,x\n', 'a.csv'), refused(/invalid variable name "rack-id" in a\.csv line 1/, 'E_NODE_VAR'));
  const list = JSON.parse('{"_meta": {"hostvars": {"c1": {"__proto__": "x", "rack": "r1"}}}, "all": {"hosts": ["c1"], "vars": {"__proto__": "y"}}}') as unknown;
  const plan = planAnsibleImport(list, 'inv');
  assert.deepEqual(plan.nodes.c1?.vars, { rack: 'r1' });
  assert.deepEqual(plan.profileVars, {});
  assert.deepEqual(plan.skipped.filter((line) => line.includes('__proto__')).length, 2, plan.skipped.join('\n'));
});

test('Ansible: an ansible_host that is a DNS name is left out with one line listing the hosts; an IP address becomes ip; an ip variable wins', () => {
  const list = {
    _meta: { hostvars: {
      c1: { ansible_host: 'c1.cluster.example' }, c2: { ansible_host: 'c2.cluster.example' }, c3: { ansible_host: '2001:0DB8::3' },
      c4: { ansible_host: 'c4.example', ip: '10.0.0.4' }, c5: { ansible_host: '127.0.0.1' },
    } },
    all: { hosts: ['c1', 'c2', 'c3', 'c4', 'c5'] },
  };
  const plan = planAnsibleImport(list, 'inv');
  assert.deepEqual(Object.keys(plan.nodes), ['c1', 'c2', 'c3', 'c4', 'c5'], 'the import goes on');
  assert.deepEqual([plan.nodes.c1?.ip, plan.nodes.c3?.ip, plan.nodes.c4?.ip, plan.nodes.c5?.ip], [undefined, '2001:db8::3', '10.0.0.4', undefined]);
  const lines = plan.skipped.filter((line) => line.includes('ansible_host'));
  assert.equal(lines.length, 1, plan.skipped.join('\n'));
  assert.match(lines[0] as string, /3 host\(s\).*c\[1-2,5\]/);
  assert.throws(() => planAnsibleImport({ _meta: { hostvars: { c1: { ip: 'c1.example' } } }, all: { hosts: ['c1'] } }, 'inv'), refused(/invalid IP address/, 'E_NODE_IP'));
});

test('CSV: an empty file is refused as having no name column', () => {
  for (const text of ['', '\n\n', '\uFEFF']) assert.throws(() => planCsvImport(text, 'empty.csv'), refused(/empty\.csv line 1: no "name" column/), JSON.stringify(text));
});

test('a CSV overlays column gives nodes their overlays, in order', () => {
  const plan = planCsvImport('name,overlays\nn1,hostname;network\n', 'nodes.csv');
  assert.deepEqual(plan.nodes.n1?.overlays, ['hostname', 'network']);
  assert.throws(() => planCsvImport('name,overlays\nn1,../x\n', 'nodes.csv'), (error: Error & { code?: string }) => error.code === 'E_OVERLAY_NAME');
});
