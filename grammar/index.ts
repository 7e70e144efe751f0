/**
 * The expression language's front end: `parseExpression(text)` → AST or one
 * syntax problem (the first), located by offsets into the text. Never throws.
 */
import type { IRecognitionException, IToken } from 'chevrotain';
import type { ParseResult, Span, SyntaxProblem } from './ast.ts';
import { lexer } from './lexer.ts';
import { parser } from './parser.ts';

export type { BinaryOp, Expr, ParseResult, Span, SyntaxProblem, UnaryOp } from './ast.ts';
export { printExpr } from './print.ts';

const VALUE_HINT = 'expected a value, a name or "(" here';

export function parseExpression(text: string): ParseResult {
  try {
    return parseUnsafe(text);
  } catch (err) {
    // Defensive: the parser is not expected to throw, but a compiler must never crash on input.
    return { expr: undefined, problems: [{ code: 'expr-syntax', message: `cannot parse: ${(err as Error).message}`, hint: 'simplify the expression', span: { start: 0, end: text.length } }] };
  }
}

function parseUnsafe(text: string): ParseResult {
  if (text.trim() === '') return fail('expr-syntax', 'empty expression', 'write a condition, e.g. minutes > 0', { start: 0, end: 0 });
  const lexed = lexer.tokenize(text);
  const bad = lexed.errors[0];
  if (bad) {
    const ch = text.charAt(bad.offset);
    const hint = ch === '=' ? 'use == to compare' : ch === '&' || ch === '|' ? 'write "and" / "or"' : ch === '!' ? 'write "not", or != to compare'
      : ch === '"' || ch === "'" ? 'close the string with a matching quote on the same line'
      : 'expressions use letters, digits, quotes, ( ) [ ] , . : and the operators == != < <= > >= + - * /';
    return fail('expr-lex', `unexpected character ${JSON.stringify(ch)}`, hint, { start: bad.offset, end: bad.offset + Math.max(1, bad.length) });
  }
  parser.input = lexed.tokens;
  const expr = parser.expression();
  const error = parser.errors[0];
  if (error) return { expr: undefined, problems: [describe(error, text, lexed.tokens)] };
  return { expr, problems: [] };
}

function fail(code: SyntaxProblem['code'], message: string, hint: string, span: Span): ParseResult {
  return { expr: undefined, problems: [{ code, message, hint, span }] };
}

function tokenSpan(tok: IToken, text: string): Span {
  if (tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset)) return { start: text.length, end: text.length };
  return { start: tok.startOffset, end: (tok.endOffset ?? tok.startOffset) + 1 };
}

/** Turn Chevrotain's recognition error into a problem in plain words. */
function describe(error: IRecognitionException, text: string, tokens: IToken[]): SyntaxProblem {
  const tok = error.token;
  const atEnd = tok.tokenType.name === 'EOF';
  const shown = atEnd ? 'the end of the expression' : `"${tok.image}"`;
  const span = tokenSpan(tok, text);
  if (error.name === 'NotAllInputParsedException') {
    return { code: 'expr-syntax', message: `unexpected ${shown} after the end of the expression`, hint: 'join the parts with "and", "or" or an operator', span };
  }
  if (error.name === 'MismatchedTokenException' && /RParen|RBracket/.test(error.message)) {
    const closer = /RParen/.test(error.message) ? ')' : ']';
    const opener = closer === ')' ? '(' : '[';
    const open = findUnclosed(tokens, opener, closer, tok.startOffset);
    const where = open === null ? '' : ` opened at offset ${open}`;
    return { code: 'expr-syntax', message: `missing "${closer}"`, hint: `close the "${opener}"${where}`, span: open === null ? span : { start: open, end: open + 1 } };
  }
  if (error.name === 'MismatchedTokenException') {
    const wanted = /--> (.*) <--/.exec(error.message)?.[1];
    const word = wanted ? KEYWORD_FOR[wanted] ?? wanted : 'something else';
    return { code: 'expr-syntax', message: `unexpected ${shown}`, hint: `expected ${word} here`, span };
  }
  return { code: 'expr-syntax', message: atEnd ? 'the expression ends too soon' : `unexpected ${shown}`, hint: VALUE_HINT, span };
}

const KEYWORD_FOR: Record<string, string> = {
  Then: '"then"', Else: '"else"', Identifier: 'a field name', Dot: '"."', In: '"in"', Comma: '","',
};

/** Offset of the innermost opener that is still open when the parser stopped. */
function findUnclosed(tokens: IToken[], opener: string, closer: string, stop: number): number | null {
  const stack: number[] = [];
  for (const tok of tokens) {
    if (!Number.isNaN(stop) && tok.startOffset >= stop) break;
    if (tok.image === opener) stack.push(tok.startOffset);
    else if (tok.image === closer) stack.pop();
  }
  return stack.length ? stack[stack.length - 1]! : null;
}
