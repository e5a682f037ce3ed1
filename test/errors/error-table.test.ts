/**
 * Keeps docs/errors.md in step with the code: every stable code thrown in
 * src/ has a row in the table, every row names a code still in src/, and no
 * code is built at run time (a template or a concatenation would hide it from
 * this check and from users grepping for it).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../helpers/temp-root.js';

const CODE = /^E_[A-Z0-9_]+$/;

/** What one source file says about codes: the literal ones, and the places building one at run time. */
interface CodeScan {
  literals: Set<string>;
  builtAtRunTime: string[];
}

/** Finds `'E_...'` literals (comments do not count) and codes assembled from pieces. */
function scanSource(fileName: string, text: string): CodeScan {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const scan: CodeScan = { literals: new Set(), builtAtRunTime: [] };
  const where = (node: ts.Node) => `${fileName}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  const visit = (node: ts.Node): void => {
    if ((ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) && CODE.test(node.text)) {
      scan.literals.add(node.text);
    } else if (ts.isTemplateExpression(node) && /^E_[A-Z0-9_]*$/.test(node.head.text)) {
      scan.builtAtRunTime.push(`${where(node)} ${node.getText()}`);
    } else if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken
      && ts.isStringLiteralLike(node.left) && /^E_[A-Z0-9_]*$/.test(node.left.text)) {
      scan.builtAtRunTime.push(`${where(node)} ${node.getText()}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return scan;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await sourceFiles(full)));
    else if (entry.name.endsWith('.ts')) found.push(full);
  }
  return found;
}

/** Scans every TypeScript file of src/. */
async function scanSrc(): Promise<CodeScan> {
  const total: CodeScan = { literals: new Set(), builtAtRunTime: [] };
  for (const file of await sourceFiles(join(REPO_ROOT, 'src'))) {
    const scan = scanSource(relative(REPO_ROOT, file), await readFile(file, 'utf8'));
    for (const code of scan.literals) total.literals.add(code);
    total.builtAtRunTime.push(...scan.builtAtRunTime);
  }
  return total;
}

/** Codes of the table rows of docs/errors.md (first column, in backquotes). */
async function documentedCodes(): Promise<string[]> {
  const text = await readFile(join(REPO_ROOT, 'docs', 'errors.md'), 'utf8');
  return [...text.matchAll(/^\| `(E_[A-Z0-9_]+)` \|/gm)].map((match) => match[1] as string);
}

test('every error code used in src/ has a row in docs/errors.md, and every row a code still used', async () => {
  const used = (await scanSrc()).literals;
  const documented = new Set(await documentedCodes());
  assert.ok(used.size > 50, `only ${used.size} codes found in src/: is the scan reading the sources?`);
  const undocumented = [...used].filter((code) => !documented.has(code)).sort();
  const stale = [...documented].filter((code) => !used.has(code)).sort();
  // Both lists at once, so one run shows everything to fix.
  assert.deepEqual({ undocumented, stale }, { undocumented: [], stale: [] },
    `missing from docs/errors.md: ${undocumented.join(', ') || 'none'}; named there but no longer in src/: ${stale.join(', ') || 'none'}`);
});

test('docs/errors.md lists each code once', async () => {
  const codes = await documentedCodes();
  const repeated = codes.filter((code, index) => codes.indexOf(code) !== index);
  assert.deepEqual(repeated, [], `rows given twice: ${repeated.join(', ')}`);
});

test('no error code in src/ is built at run time', async () => {
  assert.deepEqual((await scanSrc()).builtAtRunTime, []);
});

test('the scan sees literal codes, ignores comments, and flags codes built from pieces', () => {
  const scan = scanSource('sample.ts', [
    "// 'E_IN_A_COMMENT' is only talk",
    "throw new UsageError('E_PLAIN', 'bad');",
    'const other = `E_BACKQUOTED`;',
    'const kind = "TYPE"; const built = `E_${kind}`;',
    "const joined = 'E_' + kind;",
  ].join('\n'));
  assert.deepEqual([...scan.literals].sort(), ['E_BACKQUOTED', 'E_PLAIN']);
  assert.deepEqual(scan.builtAtRunTime, ['sample.ts:4 `E_${kind}`', "sample.ts:5 'E_' + kind"]);
});
