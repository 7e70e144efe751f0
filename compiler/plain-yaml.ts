/**
 * A quick reader for the plain YAML that rule files are written in: block
 * mappings and sequences, flow collections (on one line or several), plain
 * and quoted one-line scalars, and literal or folded block scalars, resolved
 * with the YAML 1.2 core schema exactly as the `yaml` package resolves them.
 *
 * It reads the file's data only, and declines (returns undefined) at the first
 * thing outside that subset or anything the `yaml` package would report: tabs,
 * anchors, aliases, tags, directives, duplicate keys, multi-line plain or
 * quoted scalars, deep nesting. A declined file is read by the full YAML
 * parser in source.ts, which reports every mistake with its place; so is any
 * file once a diagnostic needs the places of its nodes. The data it returns
 * is what `parseDocument(text).toJS()` returns for the same text
 * (test/fuzz/plain-yaml.test.ts compares the two).
 */

/** Nesting of mappings and lists past which the reader leaves the file to the full parser (which enforces the limit). */
const MAX_DEPTH = 16;

/** Characters the reader leaves to the full parser wherever they appear. */
const UNUSUAL = /[\t\r\x00-\x08\x0b\x0c\x0e-\x1f\x7f\x85\u2028\u2029\ufeff]/;
/** Lines that are directives or document markers. */
const MARKER = /^(?:%|---(?:[ ]|$)|\.\.\.(?:[ ]|$))/m;
/** A mapping key: a plain word, or a one-line quoted string without escapes; then the colon. */
const KEY = /^(?:([A-Za-z0-9_$][A-Za-z0-9_$.\/+-]*)|"([^"\\]*)"|'((?:[^']|'')*)')[ ]*:(?:[ ]+|$)/;
/** A key in a flow mapping. */
const FLOW_KEY = /^(?:([A-Za-z0-9_$][A-Za-z0-9_$.\/+-]*)|"([^"\\]*)"|'((?:[^']|'')*)')[ ]*:(?=[ ]|$)/;
/** What may end a line after a scalar or flow collection: spaces, then a comment. */
const LINE_END = /^(?:[ ]+(?:#.*)?)?$/;
/** A block scalar header without an indentation indicator. */
const BLOCK_HEADER = /^([|>])(-?)(?:[ ]+#.*|[ ]*)$/;

/** Raised to give up on a file; caught once in readPlainYaml. */
class Decline extends Error {}
const decline = (): never => {
  throw new Decline();
};

/** Core-schema resolution of a plain scalar, as the `yaml` package does it (null, bool, int, float, string). */
function resolvePlain(s: string): unknown {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(s)) return null;
  if (/^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/.test(s)) return s[0] === 't' || s[0] === 'T';
  if (/^0o[0-7]+$/.test(s)) return parseInt(s.substring(2), 8);
  if (/^[-+]?[0-9]+$/.test(s)) return parseInt(s, 10);
  if (/^0x[0-9a-fA-F]+$/.test(s)) return parseInt(s.substring(2), 16);
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(s)) {
    return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(s) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(s)) return parseFloat(s);
  return s;
}

/** Set a key as `yaml`'s toJS does (an inherited name such as `__proto__` becomes an own property). */
function setKey(map: Record<string, unknown>, key: unknown, value: unknown): void {
  const name = key === null ? '' : String(key);
  if (Object.prototype.hasOwnProperty.call(map, name) || name === '<<' || name.length > 1000) decline();
  if (name in map) Object.defineProperty(map, name, { value, writable: true, enumerable: true, configurable: true });
  else map[name] = value;
}

/** The value of a mapping key matched by KEY. */
function keyValue(m: RegExpExecArray): unknown {
  if (m[1] !== undefined) return resolvePlain(m[1]);
  if (m[2] !== undefined) return m[2];
  return m[3]!.replace(/''/g, "'");
}

const ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

/** A one-line quoted scalar starting at `at` of `line`: its value and the offset after the closing quote. */
function quoted(line: string, at: number): { value: string; end: number } {
  const q = line[at]!;
  let value = '';
  for (let i = at + 1; i < line.length; i++) {
    const c = line[i]!;
    if (q === "'" && c === "'") {
      if (line[i + 1] === "'") {
        value += "'";
        i++;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (q === '"' && c === '"') return { value, end: i + 1 };
    if (q === '"' && c === '\\') {
      const e = ESCAPES[line[i + 1] ?? ''];
      if (e === undefined) decline();
      value += e;
      i++;
      continue;
    }
    value += c;
  }
  return decline();
}

/** The reader's state: the file's lines and the line it stands on. */
class Reader {
  readonly lines: string[];
  i = 0;

  constructor(text: string) {
    this.lines = text.split('\n');
  }

  /** Move past blank and comment lines; the indentation of the line reached, or -1 at the end. */
  next(): number {
    for (; this.i < this.lines.length; this.i++) {
      const line = this.lines[this.i]!;
      const indent = indentOf(line);
      if (indent < line.length && line[indent] !== '#') return indent;
    }
    return -1;
  }

  /** A block node whose first character is at column `col` of the current line. */
  block(col: number, depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    const rest = this.lines[this.i]!.slice(col);
    if (rest === '-' || rest.startsWith('- ')) return this.sequence(col, depth);
    if (KEY.test(rest)) return this.mapping(col, depth);
    return decline(); // a scalar on a line of its own, or something else
  }

  /** A block sequence whose dashes stand at column `col`. */
  sequence(col: number, depth: number): unknown[] {
    const items: unknown[] = [];
    for (;;) {
      const line = this.lines[this.i]!;
      let at = col + 1;
      while (line[at] === ' ') at++;
      const rest = line.slice(at);
      if (rest === '' || rest[0] === '#') {
        this.i++;
        const indent = this.next();
        items.push(indent > col ? this.block(indent, depth + 1) : null);
      } else if (rest === '-' || rest.startsWith('- ')) {
        decline(); // a list directly in a list item
      } else if (KEY.test(rest)) {
        items.push(this.mapping(at, depth + 1));
      } else {
        if (BLOCK_HEADER.test(rest)) decline();
        items.push(this.inline(line, at, col, depth + 1));
        this.i++;
      }
      const indent = this.next();
      if (indent !== col) {
        if (indent > col) decline();
        return items;
      }
      const again = this.lines[this.i]!.slice(col);
      if (again !== '-' && !again.startsWith('- ')) return items; // a list at its key's indentation ends
    }
  }

  /** A block mapping whose keys start at column `col`. */
  mapping(col: number, depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    for (;;) {
      const line = this.lines[this.i]!;
      const m = KEY.exec(line.slice(col)) ?? decline();
      const at = col + m[0].length;
      const rest = line.slice(at);
      let value: unknown;
      if (rest === '' || rest[0] === '#') {
        this.i++;
        const indent = this.next();
        const sameIndentList = indent === col && /^-(?: |$)/.test(this.lines[this.i]!.slice(col));
        value = indent > col || sameIndentList ? this.block(indent, depth + 1) : null;
      } else {
        const header = BLOCK_HEADER.exec(rest);
        if (header) value = this.blockScalar(col, header[1] === '>', header[2] === '-');
        else {
          value = this.inline(line, at, col, depth + 1);
          this.i++;
        }
      }
      setKey(map, keyValue(m), value);
      const indent = this.next();
      if (indent !== col) {
        if (indent > col) decline();
        return map;
      }
      if (/^-(?: |$)/.test(this.lines[this.i]!.slice(col))) decline();
    }
  }

  /**
   * A value at `at` of `line` in a block collection at column `col`: quoted, flow, or plain; nothing but a
   * comment may follow it. Only a flow collection may go on over lines: the reader then stands on its last.
   */
  inline(line: string, at: number, col: number, depth: number): unknown {
    const c = line[at]!;
    if (c === '"' || c === "'") {
      const q = quoted(line, at);
      if (!LINE_END.test(line.slice(q.end))) decline();
      return q.value;
    }
    if (c === '[' || c === '{') {
      const flow = new FlowReader(this.lines, this.i, at, col);
      const value = flow.node(depth);
      if (!LINE_END.test(this.lines[flow.li]!.slice(flow.at))) decline();
      this.i = flow.li;
      return value;
    }
    if ('&*!%@`|>?:,]}#'.includes(c) || (c === '-' && (line[at + 1] === undefined || line[at + 1] === ' '))) decline();
    const comment = line.indexOf(' #', at);
    const text = (comment < 0 ? line.slice(at) : line.slice(at, comment)).replace(/ +$/, '');
    if (text.includes(': ') || text.endsWith(':')) decline();
    return resolvePlain(text);
  }

  /** A literal (|) or folded (>) block scalar under a key at column `col`, clipped or stripped (-). */
  blockScalar(col: number, folded: boolean, strip: boolean): string {
    const body: string[] = [];
    let indent = -1;
    for (this.i++; this.i < this.lines.length; this.i++) {
      const line = this.lines[this.i]!;
      const lead = indentOf(line);
      if (lead === line.length) {
        if (line.length > 0) decline(); // blank lines with spaces: left to the full parser
        if (indent < 0) decline();
        body.push('');
        continue;
      }
      if (indent < 0) {
        if (lead <= col) decline(); // an empty block scalar
        indent = lead;
      }
      if (lead < indent) {
        if (lead > col) decline();
        break;
      }
      body.push(line.slice(indent));
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    if (indent < 0 || body.length === 0) decline();
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    for (const content of body) {
      if (!folded) {
        value += sep + content;
        sep = '\n';
      } else if (content[0] === ' ') {
        if (sep === ' ') sep = '\n';
        else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
        value += sep + content;
        sep = '\n';
        prevMoreIndented = true;
      } else if (content === '') {
        if (sep === '\n') value += '\n';
        else sep = '\n';
      } else {
        value += sep + content;
        sep = ' ';
        prevMoreIndented = false;
      }
    }
    return strip ? value : `${value}\n`;
  }
}

/** Reads one flow collection, which may go on over lines indented past its block's column. */
class FlowReader {
  /** The line the reader stands on (an index into `lines`) and its offset in that line. */
  li: number;
  at: number;

  constructor(private readonly lines: readonly string[], li: number, at: number, private readonly col: number) {
    this.li = li;
    this.at = at;
  }

  private get line(): string {
    return this.lines[this.li]!;
  }

  /** Skip spaces, line breaks and comments (a `#` after a space or at the start of a line). */
  private spaces(): void {
    for (;;) {
      const c = this.line[this.at];
      if (c === ' ') this.at++;
      else if (c === '#' && (this.at === 0 || this.line[this.at - 1] === ' ')) this.at = this.line.length;
      else if (c === undefined) {
        if (++this.li >= this.lines.length) decline();
        const indent = indentOf(this.line);
        if (indent <= this.col && indent < this.line.length && this.line[indent] !== '#') decline(); // under-indented
        this.at = 0;
      } else return;
    }
  }

  /** A flow node: collection, quoted or plain scalar. */
  node(depth: number): unknown {
    if (depth > MAX_DEPTH) decline();
    this.spaces();
    const c = this.line[this.at]!;
    if (c === '[') return this.list(depth);
    if (c === '{') return this.map(depth);
    if (c === '"' || c === "'") {
      const q = quoted(this.line, this.at);
      this.at = q.end;
      return q.value;
    }
    if ('-?:,[]{}#&*!|>%@`'.includes(c) && !(c === '-' && isPlainSafe(this.line[this.at + 1]))) decline();
    const line = this.line;
    let end = this.at + 1;
    for (; end < line.length; end++) {
      const d = line[end]!;
      if (',[]{}'.includes(d) || (d === ':' && !isPlainSafe(line[end + 1])) || (d === '#' && line[end - 1] === ' ')) break;
    }
    const text = line.slice(this.at, end).replace(/ +$/, '');
    this.at = end;
    return resolvePlain(text);
  }

  /** After an item: a comma (not before the closing bracket) or the closing bracket. */
  private more(close: string): boolean {
    this.spaces();
    const c = this.line[this.at];
    if (c === close) {
      this.at++;
      return false;
    }
    if (c !== ',') decline();
    this.at++;
    this.spaces();
    if (this.line[this.at] === close) decline(); // a trailing comma
    return true;
  }

  list(depth: number): unknown[] {
    const items: unknown[] = [];
    this.at++;
    this.spaces();
    if (this.line[this.at] === ']') {
      this.at++;
      return items;
    }
    do {
      items.push(this.node(depth + 1));
      this.spaces();
      if (this.line[this.at] === ':') decline(); // a one-pair mapping in a list
    } while (this.more(']'));
    return items;
  }

  map(depth: number): Record<string, unknown> {
    const map: Record<string, unknown> = {};
    this.at++;
    this.spaces();
    if (this.line[this.at] === '}') {
      this.at++;
      return map;
    }
    do {
      this.spaces();
      const m = FLOW_KEY.exec(this.line.slice(this.at)) ?? decline();
      this.at += m[0].length;
      this.spaces();
      if (',}'.includes(this.line[this.at]!)) decline(); // a key without a value
      setKey(map, keyValue(m), this.node(depth + 1));
    } while (this.more('}'));
    return map;
  }
}

/** A character that may follow `:` or `-` inside a plain scalar in a flow collection. */
function isPlainSafe(c: string | undefined): boolean {
  return c !== undefined && c !== ' ' && !',[]{}'.includes(c);
}

function indentOf(line: string): number {
  let n = 0;
  while (line.charCodeAt(n) === 32) n++;
  return n;
}

/**
 * The data of a rule file written in plain YAML, as `{ data }`; undefined when
 * the file needs the full parser (see above). Never throws.
 */
export function readPlainYaml(text: string): { data: unknown } | undefined {
  if (UNUSUAL.test(text) || MARKER.test(text)) return undefined;
  try {
    const reader = new Reader(text);
    const indent = reader.next();
    if (indent < 0) return { data: null };
    const data = reader.block(indent, 1);
    return reader.next() < 0 ? { data } : undefined;
  } catch (err) {
    if (err instanceof Decline || err instanceof RangeError) return undefined;
    throw err;
  }
}
