/**
 * The parser of the expression language: a Chevrotain parser with embedded
 * actions that builds the AST directly (the AST is small and each rule maps to
 * one node kind). One instance, reused: `parser.input = tokens`.
 */
import { EmbeddedActionsParser, type IToken, type TokenType } from 'chevrotain';
import type { BinaryOp, Expr, Span } from './ast.ts';
import * as t from './tokens.ts';

const span = (start: number, end: number): Span => ({ start, end });
const tokenSpan = (tok: IToken): Span => span(tok.startOffset, (tok.endOffset ?? tok.startOffset) + 1);
const binary = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: span(left.span.start, right.span.end) });

const COMPARISON_OPS = new Map<TokenType, BinaryOp>([[t.Eq, '=='], [t.Ne, '!='], [t.Lt, '<'], [t.Le, '<='], [t.Gt, '>'], [t.Ge, '>=']]);

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };

function unescape(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return ESCAPES[c] ?? c;
  });
}

export class ExpressionParser extends EmbeddedActionsParser {
  constructor() {
    super(t.allTokens, { recoveryEnabled: false, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public expression = this.RULE('expression', (): Expr => {
    return this.OR([
      { ALT: () => this.SUBRULE(this.ifExpression) },
      { ALT: () => this.SUBRULE(this.orExpression) },
    ]);
  });

  private ifExpression = this.RULE('ifExpression', (): Expr => {
    const start = this.CONSUME(t.If);
    const cond = this.SUBRULE1(this.expression);
    this.CONSUME(t.Then);
    const then = this.SUBRULE2(this.expression);
    this.CONSUME(t.Else);
    const otherwise = this.SUBRULE3(this.expression);
    return this.ACTION(() => ({ kind: 'if', cond, then, else: otherwise, span: span(start.startOffset, otherwise.span.end) }) as Expr);
  });

  private orExpression = this.RULE('orExpression', (): Expr => {
    let left = this.SUBRULE1(this.andExpression);
    this.MANY(() => {
      this.CONSUME(t.Or);
      const right = this.SUBRULE2(this.andExpression);
      left = this.ACTION(() => binary('or', left, right));
    });
    return left;
  });

  private andExpression = this.RULE('andExpression', (): Expr => {
    let left = this.SUBRULE1(this.notExpression);
    this.MANY(() => {
      this.CONSUME(t.And);
      const right = this.SUBRULE2(this.notExpression);
      left = this.ACTION(() => binary('and', left, right));
    });
    return left;
  });

  private notExpression = this.RULE('notExpression', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const not = this.CONSUME(t.Not);
          const operand = this.SUBRULE(this.notExpression);
          return this.ACTION(() => ({ kind: 'unary', op: 'not', operand, span: span(not.startOffset, operand.span.end) }) as Expr);
        },
      },
      { ALT: () => this.SUBRULE(this.comparison) },
    ]);
  });

  private comparison = this.RULE('comparison', (): Expr => {
    const left = this.SUBRULE1(this.additive);
    let result = left;
    this.OPTION(() => {
      this.OR([
        {
          ALT: () => {
            const op = this.OR2([
              { ALT: () => this.CONSUME(t.Eq) }, { ALT: () => this.CONSUME(t.Ne) }, { ALT: () => this.CONSUME(t.Le) },
              { ALT: () => this.CONSUME(t.Ge) }, { ALT: () => this.CONSUME(t.Lt) }, { ALT: () => this.CONSUME(t.Gt) },
            ]);
            const right = this.SUBRULE2(this.additive);
            result = this.ACTION(() => binary(COMPARISON_OPS.get(op.tokenType)!, left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME1(t.In);
            const right = this.SUBRULE3(this.additive);
            result = this.ACTION(() => binary('in', left, right));
          },
        },
        {
          ALT: () => {
            this.CONSUME(t.Not);
            this.CONSUME2(t.In);
            const right = this.SUBRULE4(this.additive);
            result = this.ACTION(() => binary('not in', left, right));
          },
        },
      ]);
    });
    return result;
  });

  private additive = this.RULE('additive', (): Expr => {
    let left = this.SUBRULE1(this.multiplicative);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(t.Plus) }, { ALT: () => this.CONSUME(t.Minus) }]);
      const right = this.SUBRULE2(this.multiplicative);
      left = this.ACTION(() => binary(op.tokenType === t.Plus ? '+' : '-', left, right));
    });
    return left;
  });

  private multiplicative = this.RULE('multiplicative', (): Expr => {
    let left = this.SUBRULE1(this.unary);
    this.MANY(() => {
      const op = this.OR([{ ALT: () => this.CONSUME(t.Star) }, { ALT: () => this.CONSUME(t.Slash) }]);
      const right = this.SUBRULE2(this.unary);
      left = this.ACTION(() => binary(op.tokenType === t.Star ? '*' : '/', left, right));
    });
    return left;
  });

  private unary = this.RULE('unary', (): Expr => {
    return this.OR([
      {
        ALT: () => {
          const minus = this.CONSUME(t.Minus);
          const operand = this.SUBRULE(this.unary);
          return this.ACTION(() => ({ kind: 'unary', op: '-', operand, span: span(minus.startOffset, operand.span.end) }) as Expr);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', (): Expr => {
    return this.OR([
      { ALT: () => { const k = this.CONSUME(t.NumberLiteral); return { kind: 'number', value: Number(k.image), span: tokenSpan(k) } as Expr; } },
      { ALT: () => { const k = this.CONSUME(t.StringLiteral); return { kind: 'string', value: unescape(k.image), span: tokenSpan(k) } as Expr; } },
      { ALT: () => { const k = this.CONSUME(t.DateLiteral); return { kind: 'date', value: k.image, span: tokenSpan(k) } as Expr; } },
      { ALT: () => { const k = this.CONSUME(t.True); return { kind: 'bool', value: true, span: tokenSpan(k) } as Expr; } },
      { ALT: () => { const k = this.CONSUME(t.False); return { kind: 'bool', value: false, span: tokenSpan(k) } as Expr; } },
      { ALT: () => { const k = this.CONSUME(t.Null); return { kind: 'null', span: tokenSpan(k) } as Expr; } },
      {
        ALT: () => {
          const k = this.CONSUME(t.CodePattern);
          const [code, ...modifiers] = k.image.split(':');
          return { kind: 'combo', code: code!, modifiers, span: tokenSpan(k) } as Expr;
        },
      },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.parenthesised) },
      { ALT: () => this.SUBRULE(this.otherField) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
    ]);
  });

  private list = this.RULE('list', (): Expr => {
    const open = this.CONSUME(t.LBracket);
    const items: Expr[] = [];
    this.OPTION(() => {
      items.push(this.SUBRULE1(this.expression));
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.OPTION2(() => items.push(this.SUBRULE2(this.expression)));
      });
    });
    const close = this.CONSUME(t.RBracket);
    return { kind: 'list', items, span: span(open.startOffset, close.startOffset + 1) };
  });

  private parenthesised = this.RULE('parenthesised', (): Expr => {
    const open = this.CONSUME(t.LParen);
    const inner = this.SUBRULE(this.expression);
    const close = this.CONSUME(t.RParen);
    return this.ACTION(() => ({ ...inner, span: span(open.startOffset, close.startOffset + 1) }));
  });

  private otherField = this.RULE('otherField', (): Expr => {
    const other = this.CONSUME(t.Other);
    this.CONSUME(t.Dot);
    const field = this.CONSUME(t.Identifier);
    return { kind: 'other', name: field.image, span: span(other.startOffset, (field.endOffset ?? field.startOffset) + 1) };
  });

  private nameOrCall = this.RULE('nameOrCall', (): Expr => {
    const id = this.CONSUME(t.Identifier);
    let result: Expr = { kind: 'name', name: id.image, span: tokenSpan(id) };
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      const args: Expr[] = [];
      this.OPTION2(() => {
        args.push(this.SUBRULE1(this.expression));
        this.MANY(() => {
          this.CONSUME(t.Comma);
          args.push(this.SUBRULE2(this.expression));
        });
      });
      const close = this.CONSUME(t.RParen);
      result = { kind: 'call', callee: id.image, calleeSpan: tokenSpan(id), args, span: span(id.startOffset, close.startOffset + 1) };
    });
    return result;
  });
}

/** The one parser instance. */
export const parser = new ExpressionParser();
