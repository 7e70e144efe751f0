/**
 * Limits on one expression, enforced where its text is first read so that no
 * later phase (resolution, evaluation, code generation — all of which walk
 * the tree recursively) ever sees a tree deeper than {@link EXPRESSION_LIMITS}.
 *
 * Nesting depth counts one level for each operator, bracket pair, call, list
 * and if-expression around a value: `x` is 0 levels, `not not x` is 2, `(a)`
 * is 1, `a or b or c` is 2 (a chain of operators nests to the left).
 *
 * Two checks share one limit: before parsing, the brackets and if-expressions
 * still open at each token (the parser recurses on exactly those); after
 * parsing, the depth of the tree (operator chains and prefix operators, which
 * the parser reads with loops, included).
 */
import { tokenMatcher, type IToken, type TokenType } from 'chevrotain';
import type { Span, SyntaxProblem } from './ast.ts';
import { Comma, Else, If, LBracket, LParen, RBracket, RParen, Then } from './tokens.ts';

/** The limits every expression must keep. Every DHCS rule fits with room to spare (deepest: 7 levels, longest: 34 tokens). */
export const EXPRESSION_LIMITS = {
  /** Deepest nesting of operators, brackets, calls, lists and if-expressions. */
  maxDepth: 64,
  /** Most tokens (names, literals, operators, brackets) in one expression. */
  maxTokens: 1000,
} as const;

const spanOf = (tok: IToken): Span => ({ start: tok.startOffset, end: tok.startOffset + tok.image.length });

/** A problem for an expression that nests deeper than the limit, at the token where it passes it. */
export function tooDeep(at: Span, depth: number, chain: string | undefined): SyntaxProblem {
  const hint =
    chain === '"or"' || chain === '"and"' ? `a chain of ${chain} this long is hard to read: test membership with x in [a, b, c], name the values in a set, or split the rule`
      : chain === '"not"' || chain === '"-"' ? `two ${chain} in a row cancel out: remove them in pairs`
        : 'split the expression: name long lists in a set, or move part of the condition into another rule';
  return {
    code: 'expr-too-deep',
    message: `the expression nests ${depth} levels deep here; the limit is ${EXPRESSION_LIMITS.maxDepth}`,
    hint,
    span: at,
  };
}

/** The size check: at most {@link EXPRESSION_LIMITS.maxTokens} tokens; the problem points at the first token past the limit. */
export function checkSize(tokens: readonly IToken[]): SyntaxProblem | undefined {
  const limit = EXPRESSION_LIMITS.maxTokens;
  const first = tokens[limit];
  if (!first) return undefined;
  return {
    code: 'expr-too-long',
    message: `the expression has ${tokens.length} tokens; the limit is ${limit} (this is token ${limit + 1})`,
    hint: 'move long lists of values into a named set (sets: { name: { items: [...] } }) or split the rule in two',
    span: spanOf(first),
  };
}

interface Open {
  tok: IToken;
  /** For `if`: which part is being read. */
  part?: 'cond' | 'then' | 'else';
}

const isIf = (o: Open | undefined): boolean => o !== undefined && o.part !== undefined;
const is = (tok: IToken, type: TokenType): boolean => tokenMatcher(tok, type);

/**
 * The bracket check, before parsing: the brackets and if-expressions open at
 * each token, which bound how deep the parser recurses. Unbalanced brackets
 * are left to the parser to report.
 */
export function checkNesting(tokens: readonly IToken[]): SyntaxProblem | undefined {
  const open: Open[] = [];
  const closeIfs = (finishedOnly: boolean): void => {
    while (isIf(open[open.length - 1]) && (!finishedOnly || open[open.length - 1]!.part === 'else')) open.pop();
  };
  for (const tok of tokens) {
    if (is(tok, LParen) || is(tok, LBracket) || is(tok, If)) {
      open.push(is(tok, If) ? { tok, part: 'cond' } : { tok });
      if (open.length > EXPRESSION_LIMITS.maxDepth) return tooDeep(spanOf(tok), open.length, undefined);
    } else if (is(tok, Then) || is(tok, Else)) {
      closeIfs(true); // an if-expression inside a condition or then-branch ends where its parent's then/else begins
      const top = open[open.length - 1];
      if (top && isIf(top)) top.part = is(tok, Then) ? 'then' : 'else';
    } else if (is(tok, Comma)) {
      closeIfs(false);
    } else if (is(tok, RParen) || is(tok, RBracket)) {
      closeIfs(false);
      if (open.length > 0) open.pop();
    }
  }
  return undefined;
}
