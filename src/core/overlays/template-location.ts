/**
 * The line of an overlay template's error, where nunjucks gives none or a
 * wrong one. At render time its compiled code records a line only at
 * function calls, counted from 0 while every other error of nunjucks counts
 * from 1: filters and lookups are made to record theirs too, and the count
 * is shifted. At compile time an error at the end of the text (a block never
 * closed) or a nesting that exhausts the parser's stack has no line at all:
 * the text is lexed again with nunjucks' own lexer, after the failure only,
 * so strings, comments and raw blocks are read exactly as the parser reads
 * them. Also the line of a template's first byte that is not UTF-8.
 */
import { isUtf8 } from 'node:buffer';

/** A token of nunjucks' lexer; its line and column count from 0. */
interface Token { type: string; value: string; lineno: number; colno: number }

/** nunjucks' tokenizer, as far as used here (@types/nunjucks does not describe it). */
interface Tokenizer {
  lineno: number;
  nextToken(): Token | null;
  _extractRegex(pattern: RegExp): RegExpMatchArray | null;
  backN(count: number): void;
}

/** The internals of the nunjucks module used here, not in @types/nunjucks. */
export interface NunjucksInternals {
  lexer: { lex(text: string): Tokenizer };
  compiler: { Compiler: { prototype: Record<string, unknown> } };
  runtime: { handleError(error: unknown, lineno: unknown, colno: unknown): unknown };
}

/** A line (from 1) and, when nunjucks' own words are unclear, what is wrong there. */
export interface Blame { line: number; detail?: string }

/**
 * Nesting reported as too deep. nunjucks' parser runs out of stack at about
 * 400 parentheses or 700 `for` blocks; no written template comes near 100.
 */
export const SANE_DEPTH = 100;

/** Block tags that need an end tag, and that tag (`set` only without `=`, as a block). */
const CLOSERS = new Map([['for', 'endfor'], ['asyncEach', 'endeach'], ['asyncAll', 'endall'], ['if', 'endif'], ['ifAsync', 'endif'],
  ['macro', 'endmacro'], ['call', 'endcall'], ['filter', 'endfilter'], ['block', 'endblock'], ['switch', 'endswitch'], ['set', 'endset']]);
/** Tokens that each add a level to the parser's or compiler's recursion while their tag lasts (`a ~ b ~ c` is a tree). */
const CHAINING = new Set(['operator', 'tilde', 'pipe']);
const CHAINING_WORDS = new Set(['and', 'or', 'not']);

/** Line-tracking compiler methods (see trackRuntimeLines). */
const TRACKED = ['compileFilter', 'compileLookupVal', 'compileSymbol'];
type CompileMethod = (this: { _emit(code: string): void }, node: { lineno: number; colno: number }, frame: unknown) => void;

/**
 * Makes every render error of nunjucks carry its line, counted from 1. Its
 * compiled code sets `lineno` (from 0) at function calls only, so an unknown
 * filter, an error inside a filter or a forbidden member was blamed on the
 * last call before it, or on line 0, which nunjucks prints as no line at all.
 * Filters and lookups now set it as calls do, and `handleError`, through
 * which every render error passes, adds the missing 1. Installed once, with
 * the runtime guard, before any template is compiled.
 */
export function trackRuntimeLines(library: NunjucksInternals): void {
  const prototype = library.compiler.Compiler.prototype;
  for (const name of TRACKED) {
    const compile = prototype[name] as CompileMethod | undefined;
    // A nunjucks that renamed them would silently lose the lines: refuse it instead.
    if (typeof compile !== 'function') throw new Error(`nunjucks has no Compiler.${name}: its line tracking changed`);
    prototype[name] = function (this: ThisParameterType<CompileMethod>, node: { lineno: number; colno: number }, frame: unknown) {
      this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
      compile.call(this, node, frame);
      this._emit(')');
    } satisfies CompileMethod;
  }
  const handleError = library.runtime.handleError.bind(library.runtime);
  const shift = (value: unknown): unknown => (typeof value === 'number' ? value + 1 : value);
  library.runtime.handleError = (error, lineno, colno) => handleError(error, shift(lineno), shift(colno));
}

/** An open block tag, or `{{ }}` / `{% %}` tag, while the text is scanned. */
interface Open { name: string; closer: string; line: number; levels: number }

/** What one pass of the lexer found. */
interface Scan { end?: Blame; deepLine?: number }

/**
 * Steps over a raw (or verbatim) block exactly as nunjucks' parser does (the
 * same pattern and loop, which also consumes the end tag): its text is not
 * template code, and the lexer alone would read a quote in it as a string.
 */
function skipRaw(tokenizer: Tokenizer, name: string): void {
  const pattern = new RegExp(`([\\s\\S]*?){%\\s*(${name}|end${name})\\s*(?=%})%}`);
  let level = 1;
  let match: RegExpMatchArray | null;
  while ((match = tokenizer._extractRegex(pattern)) && level > 0) {
    level += match[2] === name ? 1 : -1;
    if (level === 0) tokenizer.backN(match[0].length - (match[1] ?? '').length);
  }
}

/** Lexes `text` once: the blocks and tags left open at its end, and where its nesting first goes past SANE_DEPTH. */
function scan(library: NunjucksInternals, text: string): Scan {
  const tokenizer = library.lexer.lex(text);
  const blocks: Open[] = [];
  let blockLevels = 0;
  let tag: (Open & { assigns: boolean }) | undefined;
  let deepLine: number | undefined;
  for (;;) {
    const startLine = tokenizer.lineno + 1;
    let token: Token | null;
    try {
      token = tokenizer.nextToken();
      if (token?.type === 'block-end' && (tag?.name === 'raw' || tag?.name === 'verbatim')) skipRaw(tokenizer, tag.name);
    } catch (error) {
      // The lexer gives up at a comment never closed (at the end of the text) or at a `#}` outside a comment.
      if (error instanceof Error && error.message.startsWith('expected end of comment')) return { end: { line: startLine, detail: '{# is not closed (no #})' }, deepLine };
      return { end: { line: tokenizer.lineno + 1 }, deepLine };
    }
    if (!token) break;
    const { type, value } = token;
    if (type === 'block-start' || type === 'variable-start') {
      tag = { name: '', closer: type === 'block-start' ? '%}' : '}}', line: token.lineno + 1, levels: 0, assigns: false };
    } else if (tag && (type === 'block-end' || type === 'variable-end')) {
      const closer = CLOSERS.get(tag.name);
      if (closer && !(tag.name === 'set' && tag.assigns)) {
        blocks.push({ name: tag.name, closer, line: tag.line, levels: 1 });
        blockLevels += 1;
      } else if ((tag.name === 'elif' || tag.name === 'elseif') && blocks.length > 0) {
        // Each elif is parsed and compiled as an if nested in the previous one.
        (blocks.at(-1) as Open).levels += 1;
        blockLevels += 1;
      } else if (blocks.at(-1)?.closer === tag.name) {
        blockLevels -= (blocks.pop() as Open).levels;
      }
      tag = undefined;
    } else if (tag && type !== 'whitespace') {
      if (tag.closer === '%}' && tag.name === '' && type === 'symbol') tag.name = value;
      else if (type.startsWith('left-') || CHAINING.has(type) || (type === 'symbol' && CHAINING_WORDS.has(value))) tag.levels += 1;
      else if (type.startsWith('right-')) tag.levels -= 1;
      if (tag.name === 'set' && type === 'operator' && value === '=') tag.assigns = true;
    }
    if (deepLine === undefined && blockLevels + (tag?.levels ?? 0) > SANE_DEPTH) deepLine = token.lineno + 1;
  }
  if (tag) return { end: { line: tag.line, detail: `${tag.closer === '%}' ? '{%' : '{{'} is not closed (no ${tag.closer})` }, deepLine };
  const block = blocks.at(-1);
  return { end: block && { line: block.line, detail: `{% ${block.name} %} is not closed (no {% ${block.closer} %})` }, deepLine };
}

/**
 * Where a template whose compile failed without a line went wrong: the
 * innermost tag or block still open at the end of the text (the parser only
 * notices at the end), or where the lexer gave up.
 * @returns undefined when nothing is open (the failure is elsewhere).
 */
export function unclosedAtEnd(library: NunjucksInternals, text: string): Blame | undefined {
  return scan(library, text).end;
}

/**
 * The `{{` or `{%` tag in which the parser failed at `line`, `column` (from
 * 1) with "expected variable/block end": a tag left open swallows the text
 * of the next lines, and the parser notices only there.
 * @returns the tag's line, with a detail when it is never closed; undefined when no tag starts before.
 */
export function openTagBefore(library: NunjucksInternals, text: string, line: number, column: number): Blame | undefined {
  const tokenizer = library.lexer.lex(text);
  const before = (token: Token): boolean => token.lineno + 1 < line || (token.lineno + 1 === line && token.colno + 1 < column);
  let open: { line: number; closer: string; name: string; closed: boolean } | undefined;
  for (;;) {
    let token: Token | null;
    try {
      token = tokenizer.nextToken();
    } catch {
      break;
    }
    if (!token || (open?.closed && !before(token))) break;
    if (token.type === 'block-start' || token.type === 'variable-start') {
      if (!before(token)) break;
      open = { line: token.lineno + 1, closer: token.type === 'block-start' ? '%}' : '}}', name: '', closed: false };
    } else if (open && !open.closed && (token.type === 'block-end' || token.type === 'variable-end')) {
      open.closed = true;
      if (open.name === 'raw' || open.name === 'verbatim') skipRaw(tokenizer, open.name);
    } else if (open?.closer === '%}' && open.name === '' && token.type === 'symbol') {
      open.name = token.value;
    }
  }
  if (!open) return undefined;
  return open.closed ? { line: open.line } : { line: open.line, detail: `${open.closer === '%}' ? '{%' : '{{'} is not closed (no ${open.closer})` };
}

/**
 * The line (from 1) where the nesting of blocks, brackets and operator
 * chains first goes past SANE_DEPTH, for a template that exhausted the stack.
 * @returns undefined when it never does.
 */
export function deepNestingLine(library: NunjucksInternals, text: string): number | undefined {
  return scan(library, text).deepLine;
}

/**
 * The line (from 1) of the first byte of `data` that is not UTF-8.
 * @returns undefined for valid UTF-8 (checked in one native pass, the common case).
 */
export function firstNonUtf8Line(data: Uint8Array): number | undefined {
  if (isUtf8(data)) return undefined;
  // A newline byte never occurs inside a multi-byte sequence, so each line can be checked alone.
  let line = 1;
  for (let start = 0; start <= data.length; line += 1) {
    const end = data.indexOf(0x0a, start);
    const stop = end === -1 ? data.length : end;
    if (!isUtf8(data.subarray(start, stop))) return line;
    start = stop + 1;
  }
  return undefined;
}
