/**
 * The expression language's front end: `parseExpression(text)` gives the AST,
 * or exactly one problem (the first mistake) located by offsets into the
 * text. It never throws.
 *
 * Where problems point:
 * - a character no token starts with: that character (`expr-lex`); an
 *   unterminated string: its opening quote; a bad escape: the escape;
 * - an unclosed `(` or `[` at the end of the input: the opening bracket;
 * - anything else missing at the end of the input: zero-width at `text.length`;
 * - an unexpected token: that token;
 * - an empty (blank or comment-only) expression: the whole text;
 * - an expression past a limit of `limits.ts`: the first token past it
 *   (`expr-too-long`), or the token where the nesting passes the limit
 *   (`expr-too-deep`). The limits are checked before and while the tree is
 *   built, so no caller ever holds a tree deeper than the limit.
 */
import { EOF, MismatchedTokenException, NotAllInputParsedException, tokenMatcher, type IRecognitionException, type IToken } from 'chevrotain';
import type { ParseResult, Span, SyntaxProblem } from './ast.ts';
import { lexer } from './lexer.ts';
import { checkNesting, checkSize, EXPRESSION_LIMITS } from './limits.ts';
import { parser } from './parser.ts';
import { toAst } from './to-ast.ts';
import { CompareOp, Identifier, If, LBracket, LParen, RBracket, RParen } from './tokens.ts';

export type {
  Binary, BinaryOp, BoolLit, Call, ComboLit, DateLit, Expr, IfExpr, ListLit, NameRef, NullLit, NumberLit, OtherRef, ParseResult, Span, StringLit,
  SyntaxProblem, Unary, UnaryOp,
} from './ast.ts';
export { EXPRESSION_LIMITS } from './limits.ts';
export { printExpr } from './print.ts';

const VALUE = 'a value, a name or "("';
const CHARACTERS = 'expressions use letters, digits, quotes, ( ) [ ] , . : and the operators == != < <= > >= + - * /';
const IF_SHAPE = 'an if-expression reads: if <condition> then <value> else <value>';

/** Parse one expression. */
export function parseExpression(text: string): ParseResult {
  try {
    return parse(text);
  } catch (err) {
    // Not expected to happen (the limits keep the parser's recursion shallow); a compiler must still never crash on its input.
    if (err instanceof RangeError) {
      return failed('expr-too-deep', 'the expression nests too deeply to read', `keep nesting under ${EXPRESSION_LIMITS.maxDepth} levels: split the expression`, { start: 0, end: text.length });
    }
    return failed('expr-syntax', 'internal error while parsing the expression', `please report this: ${String(err)}`, { start: 0, end: text.length });
  }
}

function parse(text: string): ParseResult {
  const lexed = lexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad) return { expr: undefined, problems: [lexProblem(text, bad.offset)] };
  if (lexed.tokens.length === 0) return failed('expr-syntax', 'empty expression', 'write a condition or a value, e.g. minutes > 0', { start: 0, end: text.length });
  const limit = checkSize(lexed.tokens) ?? checkNesting(lexed.tokens);
  if (limit) return { expr: undefined, problems: [limit] };
  parser.input = lexed.tokens;
  const cst = parser.expression();
  const error = parser.errors[0];
  if (error) return { expr: undefined, problems: [syntaxProblem(error, lexed.tokens, text)] };
  const built = toAst(cst);
  if (built.problem) return { expr: undefined, problems: [built.problem] };
  return { expr: built.expr, problems: [] };
}

function failed(code: SyntaxProblem['code'], message: string, hint: string, span: Span): ParseResult {
  return { expr: undefined, problems: [{ code, message, hint, span }] };
}

// --- Lexing problems -----------------------------------------------------------

function lexProblem(text: string, offset: number): SyntaxProblem {
  const ch = String.fromCodePoint(text.codePointAt(offset)!);
  const span = { start: offset, end: offset + ch.length };
  const problem = (hint: string, message = `unexpected character ${JSON.stringify(ch)}`): SyntaxProblem => ({ code: 'expr-lex', message, hint, span });
  switch (ch) {
    case '=': return problem('use == to compare');
    case '!': return problem('use != to compare, or "not" to negate');
    case '&': case '|': return problem('write "and" / "or"');
    case ':': return problem('a modifier follows a code directly: an upper-case letter and four digits, then ":" and two upper-case letters or digits, e.g. T2040:U6');
    case '"': case "'": return stringProblem(text, offset, ch);
    default: return problem(CHARACTERS);
  }
}

/** Why the string opening at `start` does not lex: a bad escape, or no closing quote on its line. */
function stringProblem(text: string, start: number, quote: string): SyntaxProblem {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote || c === '\n' || c === '\r') break;
    if (c !== '\\') continue;
    const next = text[i + 1];
    if (next === undefined || next === '\n' || next === '\r') break;
    if ('\\"\'nt'.includes(next)) i++;
    else if (next === 'u' && /^[0-9A-Fa-f]{4}/.test(text.slice(i + 2, i + 6))) i += 5;
    else {
      return {
        code: 'expr-lex',
        message: `unknown escape "\\${next}" in a string`,
        hint: 'strings allow the escapes \\\\ \\" \\\' \\n \\t and \\uXXXX',
        span: { start: i, end: i + 2 },
      };
    }
  }
  return { code: 'expr-lex', message: 'unterminated string', hint: `close the string with ${quote} on the same line`, span: { start, end: start + 1 } };
}

// --- Syntax problems -----------------------------------------------------------

const spanOf = (tok: IToken): Span => ({ start: tok.startOffset, end: tok.startOffset + tok.image.length });

function syntaxProblem(error: IRecognitionException, tokens: IToken[], text: string): SyntaxProblem {
  const tok = error.token;
  const atEnd = tok.tokenType === EOF;
  const index = atEnd ? tokens.length : tokens.indexOf(tok);
  const prev = tokens[index - 1];
  const span = atEnd ? { start: text.length, end: text.length } : spanOf(tok);
  const unexpected = atEnd ? 'unexpected end of the expression' : `unexpected "${tok.image}"`;
  const problem = (message: string, hint: string, at: Span = span): SyntaxProblem => ({ code: 'expr-syntax', message, hint, span: at });

  if (error instanceof NotAllInputParsedException) {
    if (tok.tokenType === RParen || tok.tokenType === RBracket) return problem(unexpected, `this "${tok.image}" has no matching opening bracket`);
    if (tokenMatcher(tok, CompareOp)) return problem(unexpected, 'comparisons do not chain: join them with "and", e.g. a < b and b < c');
    return problem(`unexpected "${tok.image}" after the end of the expression`, 'join the parts with "and", "or" or an operator');
  }
  if (error instanceof MismatchedTokenException) {
    // The message provider in parser.ts leaves the expected token type's name as the message.
    switch (error.message) {
      case 'RParen':
      case 'RBracket': {
        const open = unclosed(tokens, index);
        const [o, c] = error.message === 'RParen' ? ['(', ')'] : ['[', ']'];
        const where = open ? ' opened earlier' : '';
        if (atEnd) return problem(`missing "${c}"`, open ? `add "${c}" to close this "${o}"` : `add "${c}"`, open ? spanOf(open) : span);
        const isCall = o === '(' && open !== undefined && tokens[tokens.indexOf(open) - 1]?.tokenType === Identifier;
        const expected = prev === open ? `a value, a name, "(" or "${c}"` : o === '[' || isCall ? `"," or "${c}"` : `an operator or "${c}"`;
        return problem(unexpected, `expected ${expected} to close the "${o}"${where}`);
      }
      case 'Then':
      case 'Else': {
        const word = error.message.toLowerCase();
        return problem(atEnd ? `missing "${word}"` : unexpected, `expected "${word}" here: ${IF_SHAPE}`);
      }
      case 'Identifier': return problem(unexpected, 'expected a field name after "other.", e.g. other.combination');
      case 'Dot': return problem(unexpected, '"other" is followed by "." and a field name, e.g. other.combination');
      case 'In': return problem(unexpected, 'expected "in" after "not" (a not in b)');
      default: return problem(unexpected, `expected ${error.message}`);
    }
  }
  // No viable alternative: a value was expected (the only choice points are expression and primary).
  if (tok.tokenType === If) return problem(unexpected, 'an if-expression inside a larger expression needs parentheses: (if c then a else b)');
  return problem(unexpected, prev ? `expected ${VALUE} after "${prev.image}"` : `expected ${VALUE}`);
}

/** The innermost `(` or `[` still open before token `index`. */
function unclosed(tokens: IToken[], index: number): IToken | undefined {
  const stack: IToken[] = [];
  for (let i = 0; i < index && i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (type === LParen || type === LBracket) stack.push(tokens[i]!);
    else if (type === RParen || type === RBracket) stack.pop();
  }
  return stack[stack.length - 1];
}
