/**
 * Templates of overlays (`.j2` files), rendered with nunjucks (Jinja2 syntax).
 * Autoescaping is off (these are configuration files, not HTML) and an
 * undefined value printed is an error, so a missing variable refuses the
 * render instead of writing an empty address. The environment has no
 * loader at all: `include`, `import`, `from` and `extends` fail, so a
 * template reads nothing but its context (see docs/overlays.md).
 *
 * A template that reads neither `node` nor `image` gives the same text for
 * every node of one render (`/etc/hosts` from the inventory): its first
 * output is kept and reused, which keeps a render of 10,000 nodes linear.
 */
import type nunjucksModule from 'nunjucks';
import { UsageError } from '../../errors/index.js';
import type { TemplateContext } from './context.js';
import type { SourceFile } from './sources.js';
import { installBudget, MAX_OUTPUT, startRender, type BudgetInternals } from './template-budget.js';
import { deepNestingLine, firstNonUtf8Line, openTagBefore, SANE_DEPTH, trackRuntimeLines, unclosedAtEnd, type NunjucksInternals } from './template-location.js';

/**
 * Properties no template may read. Through them a template reaches the
 * Function constructor (`''.constructor.constructor('...')()`) and so runs any
 * code as root: nunjucks is not a sandbox. Every `a.b` and `a["b"]` of a
 * compiled template goes through the runtime's `memberLookup`, checked here
 * once for the whole process (the runtime object is shared by every nunjucks
 * template, and only overlays use nunjucks).
 */
const FORBIDDEN_MEMBERS = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
interface NunjucksRuntime {
  memberLookup(object: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
}
const forbidden = (key: unknown): Error => new Error(`"${String(key)}" cannot be read in an overlay template`);

/** Guards the runtime's two lookups (see FORBIDDEN_MEMBERS). */
function guardRuntime(runtime: NunjucksRuntime): void {
  const memberLookup = runtime.memberLookup.bind(runtime);
  runtime.memberLookup = (object, key) => {
    if (FORBIDDEN_MEMBERS.has(String(key))) throw forbidden(key);
    return memberLookup(object, key);
  };
  // A bare `constructor` is looked up in the context's plain objects: Object itself, whose helpers reach Function.
  const contextLookup = runtime.contextOrFrameLookup.bind(runtime);
  runtime.contextOrFrameLookup = (context, frame, name) => {
    if (FORBIDDEN_MEMBERS.has(name)) throw forbidden(name);
    return contextLookup(context, frame, name);
  };
}

interface Nunjucks {
  library: typeof nunjucksModule;
  environment: nunjucksModule.Environment;
}
let nunjucks: Nunjucks | undefined;

/**
 * nunjucks with its runtime guarded, loaded when the first template is
 * compiled rather than when the CLI starts (most commands render nothing):
 * in the bundle it is a chunk of its own, one file to read instead of its
 * twenty modules resolved one by one from node_modules. The guard is
 * installed before any template exists.
 */
async function loadNunjucks(): Promise<Nunjucks> {
  if (nunjucks) return nunjucks;
  const { default: library } = await import('nunjucks');
  // Another compile may have loaded it meanwhile: one environment, one guard.
  if (nunjucks) return nunjucks;
  guardRuntime((library as unknown as { runtime: NunjucksRuntime }).runtime);
  trackRuntimeLines(library as unknown as NunjucksInternals);
  const environment = new library.Environment([], { autoescape: false, throwOnUndefined: true });
  installBudget(library as unknown as BudgetInternals, environment);
  nunjucks = { library, environment };
  return nunjucks;
}

const FIX_HINT = 'fix the template (docs/overlays.md lists the variables it can use; `default(...)` gives a value to an optional one)';
const SECRET_DETAIL = 'error in a secret template (its text is not shown)';
const SECRET_HINT = 'the file is marked secret in overlay.yml, so nunjucks\' message (which may quote the template) is not shown or stored: check that line of the source file';

/** The one-line E_OVERLAY_TEMPLATE (no line when none is known). */
function fileError(overlay: string, file: SourceFile, line: number | undefined, detail: string, hint = FIX_HINT): UsageError {
  const where = line === undefined ? '' : `, line ${line}`;
  return new UsageError('E_OVERLAY_TEMPLATE', `overlay ${overlay}, file ${file.sourcePath}${where}: ${detail}`, hint);
}

/**
 * Turns a nunjucks error into the one-line E_OVERLAY_TEMPLATE. nunjucks
 * prints its line (from 1, see trackRuntimeLines) in the message; an error
 * without one is located here in `text` (see template-location.ts).
 */
function nunjucksError(overlay: string, file: SourceFile, text: string, library: NunjucksInternals, error: unknown): UsageError {
  // nunjucks quotes the template (`Unable to call "..."`, `unknown block tag: ...`), and the message is stored and shown: a secret file's keeps only its line.
  const refuse = (line: number | undefined, detail: string): UsageError =>
    file.secret ? fileError(overlay, file, line, SECRET_DETAIL, SECRET_HINT) : fileError(overlay, file, line, detail);
  const message = error instanceof Error ? error.message : String(error);
  const located = /\[Line (\d+)(?:, Column \d+)?\]\s*\n([\s\S]*)$/.exec(message);
  const lines = (located?.[2] ?? message).split('\n').map((line) => line.trim()).filter(Boolean);
  let detail = (lines.at(-1) ?? 'error').replace(/^(?:Error|Template render error): /, '');
  if (/attempted to output null or undefined value/.test(detail)) detail = 'a variable or attribute printed is undefined (or null)';
  if (/template not found/.test(detail)) detail = 'include, import and extends are not available in overlay templates';
  // Blocks nested by the thousand exhaust the parser's stack (a RangeError with no line).
  if (/Maximum call stack size exceeded/.test(detail)) {
    const deep = deepNestingLine(library, text);
    if (deep !== undefined) return refuse(deep, `expressions or blocks are nested too deeply (over ${SANE_DEPTH} levels from here)`);
    if (!located) return refuse(undefined, 'expressions or blocks are nested too deeply');
  }
  if (located) {
    const line = Number(located[1]);
    // A tag never closed is noticed where the parser runs into the next line's text: blame the tag.
    if (/^expected (?:variable|block) end/.test(detail)) {
      const column = Number(/\[Line \d+, Column (\d+)\]/.exec(message)?.[1] ?? 1);
      const open = openTagBefore(library, text, line, column);
      if (open) return refuse(open.line, open.detail ?? detail);
    }
    return refuse(line, detail);
  }
  const blame = unclosedAtEnd(library, text);
  return refuse(blame?.line, blame?.detail ?? detail);
}

/** Wraps `value` so that reading any of its properties sets `touched.value`. */
function watched<T extends object>(value: T, touched: { value: boolean }): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      touched.value = true;
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      touched.value = true;
      return Reflect.has(target, key);
    },
  });
}

/** One template of one overlay, compiled once per render session. */
export class OverlayTemplate {
  private readonly template: nunjucksModule.Template;
  /** Whether the output depends on the node; undefined until the first render. */
  private perNode: boolean | undefined;
  private shared: Buffer | undefined;

  /**
   * Compiles `file` of `overlay` (the first call loads nunjucks).
   * @throws UsageError E_OVERLAY_TEMPLATE on a syntax error.
   */
  static async compile(overlay: string, file: SourceFile): Promise<OverlayTemplate> {
    return new OverlayTemplate(overlay, file, await loadNunjucks());
  }

  private constructor(private readonly overlay: string, private readonly file: SourceFile, private readonly engine: Nunjucks) {
    const data = file.data ?? Buffer.alloc(0);
    // Decoding would silently turn each invalid byte into U+FFFD in the node's file.
    const badLine = firstNonUtf8Line(data);
    if (badLine !== undefined) {
      throw fileError(overlay, file, badLine, 'is not UTF-8 text',
        'convert it to UTF-8 (e.g. `iconv -f latin1 -t utf-8`), or deliver it as a plain file: without .j2 it is copied byte for byte');
    }
    try {
      this.template = new engine.library.Template(data.toString('utf8'), engine.environment, file.sourcePath, true);
    } catch (error) {
      throw this.error(error);
    }
  }

  /**
   * The text for one node, as bytes.
   * @throws UsageError E_OVERLAY_TEMPLATE (undefined value, bad call...).
   */
  render(context: TemplateContext): Buffer {
    if (this.perNode === false) return this.shared as Buffer;
    if (this.perNode === true) return this.run(context);
    const touched = { value: false };
    const output = this.run({ ...context, node: watched(context.node, touched), image: context.image && watched(context.image, touched) });
    this.perNode = touched.value;
    if (!touched.value) this.shared = output;
    return output;
  }

  private run(context: TemplateContext): Buffer {
    let text: string;
    try {
      startRender();
      text = this.template.render(context as unknown as object);
    } catch (error) {
      throw this.error(error);
    }
    // The budget counts characters as they are added; a text of many multi-byte characters is caught here.
    const output = Buffer.from(text, 'utf8');
    if (output.length > MAX_OUTPUT) throw fileError(this.overlay, this.file, undefined, `the rendered text is over ${MAX_OUTPUT / 1024 / 1024} MiB`);
    return output;
  }

  /** The E_OVERLAY_TEMPLATE of a nunjucks error of this template (its text is decoded again, on failure only). */
  private error(error: unknown): UsageError {
    const text = (this.file.data ?? Buffer.alloc(0)).toString('utf8');
    return nunjucksError(this.overlay, this.file, text, this.engine.library as unknown as NunjucksInternals, error);
  }
}
