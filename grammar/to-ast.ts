/**
 * CST → AST: a Chevrotain CST visitor with one method per grammar rule.
 *
 * Spans are character offsets into the expression text, end exclusive. A
 * binary node spans from its left operand's start to its right operand's end;
 * a prefix operator from the operator to its operand's end. A parenthesised
 * expression keeps the inner node but widens its span to take in the
 * parentheses, so `(a + b) * c` spans the whole text.
 */
import type { CstNode, IToken } from 'chevrotain';
import type { BinaryOp, Expr, Span, SyntaxProblem } from './ast.ts';
import { EXPRESSION_LIMITS, tooDeep } from './limits.ts';
import { parser } from './parser.ts';

// The children of each rule's CST node, as the parser produces them (keys are token or rule names).
type Tokens = IToken[] | undefined;
type Nodes = CstNode[] | undefined;
interface ExpressionCtx { ifExpr?: CstNode[]; orExpr?: CstNode[] }
interface IfCtx { If: IToken[]; expression: CstNode[] }
interface OrCtx { andExpr: CstNode[]; Or?: IToken[] }
interface AndCtx { notExpr: CstNode[]; And?: IToken[] }
interface NotCtx { Not?: IToken[]; comparison: CstNode[] }
interface ComparisonCtx { additive: CstNode[]; CompareOp?: IToken[]; Not?: IToken[]; In?: IToken[] }
interface AdditiveCtx { multiplicative: CstNode[]; AddOp?: IToken[] }
interface MultiplicativeCtx { unary: CstNode[]; MulOp?: IToken[] }
interface UnaryCtx { Minus?: IToken[]; primary: CstNode[] }
interface PrimaryCtx {
  NumberLit?: IToken[]; StringLit?: IToken[]; DateLit?: IToken[]; True?: IToken[]; False?: IToken[]; Null?: IToken[]; ComboLit?: IToken[];
  list?: CstNode[]; parenExpr?: CstNode[]; otherRef?: CstNode[]; nameOrCall?: CstNode[];
}
interface ListCtx { LBracket: IToken[]; RBracket: IToken[]; expression?: CstNode[] }
interface ParenCtx { LParen: IToken[]; RParen: IToken[]; expression: CstNode[] }
interface OtherCtx { Other: IToken[]; Identifier: IToken[] }
interface NameOrCallCtx { Identifier: IToken[]; RParen?: IToken[]; expression?: CstNode[] }

const first = <T>(xs: T[] | undefined): T | undefined => xs?.[0];
const tokenSpan = (tok: IToken): Span => ({ start: tok.startOffset, end: tok.startOffset + tok.image.length });
const binaryNode = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right, span: { start: left.span.start, end: right.span.end } });

const ESCAPES: Record<string, string> = { n: '\n', t: '\t' };

/** The value of a quoted string token (the lexer admits only valid escapes). */
export function unescapeString(image: string): string {
  return image.slice(1, -1).replace(/\\(u[0-9A-Fa-f]{4}|.)/g, (_, c: string) =>
    c.length === 5 ? String.fromCharCode(parseInt(c.slice(1), 16)) : ESCAPES[c] ?? c);
}

const BaseVisitor = parser.getBaseCstVisitorConstructor<undefined, Expr>();

class AstBuilder extends BaseVisitor {
  /** Nesting depth of each node built (see limits.ts); parentheses add a level. */
  private depths = new WeakMap<Expr, number>();
  /** The first node built deeper than the limit: the smallest part of the expression that is too deep. */
  problem: SyntaxProblem | undefined;

  constructor() {
    super();
    this.validateVisitor();
  }

  /** Start a new expression. */
  reset(): void {
    this.depths = new WeakMap();
    this.problem = undefined;
  }

  private depthOf(e: Expr): number {
    return this.depths.get(e) ?? 0;
  }

  /** Record `e`'s depth (one more than its deepest part); the first node past the limit is reported at `at`. */
  private nested(e: Expr, parts: readonly Expr[], at: IToken, chain?: string): Expr {
    let depth = 0;
    for (const p of parts) depth = Math.max(depth, this.depthOf(p));
    depth += 1;
    this.depths.set(e, depth);
    if (depth > EXPRESSION_LIMITS.maxDepth && !this.problem) this.problem = tooDeep(tokenSpan(at), depth, chain);
    return e;
  }

  private binary(op: BinaryOp, left: Expr, right: Expr, at: IToken): Expr {
    const chain = op === 'or' || op === 'and' ? `"${op}"` : op === '+' || op === '-' || op === '*' || op === '/' ? 'arithmetic' : undefined;
    return this.nested(binaryNode(op, left, right), [left, right], at, chain);
  }

  /** Visit the one node a rule produced under `key` (the grammar guarantees it is there). */
  private one(nodes: Nodes): Expr {
    return this.visit(nodes![0]!);
  }

  /** Fold `x (op x)*` into left-associative binary nodes. */
  private leftFold(operands: CstNode[], ops: Tokens, opOf: (tok: IToken) => BinaryOp): Expr {
    let left = this.visit(operands[0]!);
    for (let i = 1; i < operands.length; i++) {
      const op = ops![i - 1]!;
      left = this.binary(opOf(op), left, this.visit(operands[i]!), op);
    }
    return left;
  }

  /** Wrap `operand` in prefix operators, innermost (rightmost) first. */
  private prefixed(ops: Tokens, op: 'not' | '-', operand: Expr): Expr {
    let e = operand;
    for (let i = (ops?.length ?? 0) - 1; i >= 0; i--) {
      const tok = ops![i]!;
      e = this.nested({ kind: 'unary', op, operand: e, span: { start: tok.startOffset, end: e.span.end } }, [e], tok, `"${op}"`);
    }
    return e;
  }

  expression(ctx: ExpressionCtx): Expr {
    return this.one(ctx.ifExpr ?? ctx.orExpr);
  }

  ifExpr(ctx: IfCtx): Expr {
    const [cond, then, otherwise] = ctx.expression.map((n) => this.visit(n));
    const node: Expr = { kind: 'if', cond: cond!, then: then!, else: otherwise!, span: { start: ctx.If[0]!.startOffset, end: otherwise!.span.end } };
    return this.nested(node, [cond!, then!, otherwise!], ctx.If[0]!);
  }

  orExpr(ctx: OrCtx): Expr {
    return this.leftFold(ctx.andExpr, ctx.Or, () => 'or');
  }

  andExpr(ctx: AndCtx): Expr {
    return this.leftFold(ctx.notExpr, ctx.And, () => 'and');
  }

  notExpr(ctx: NotCtx): Expr {
    return this.prefixed(ctx.Not, 'not', this.one(ctx.comparison));
  }

  comparison(ctx: ComparisonCtx): Expr {
    const left = this.visit(ctx.additive[0]!);
    const right = ctx.additive[1];
    if (!right) return left;
    const opTok = first(ctx.CompareOp) ?? ctx.Not![0]!;
    return this.binary(first(ctx.CompareOp) ? (opTok.image as BinaryOp) : 'not in', left, this.visit(right), opTok);
  }

  additive(ctx: AdditiveCtx): Expr {
    return this.leftFold(ctx.multiplicative, ctx.AddOp, (tok) => tok.image as BinaryOp);
  }

  multiplicative(ctx: MultiplicativeCtx): Expr {
    return this.leftFold(ctx.unary, ctx.MulOp, (tok) => tok.image as BinaryOp);
  }

  unary(ctx: UnaryCtx): Expr {
    return this.prefixed(ctx.Minus, '-', this.one(ctx.primary));
  }

  primary(ctx: PrimaryCtx): Expr {
    let tok: IToken | undefined;
    if ((tok = first(ctx.NumberLit))) return { kind: 'number', value: Number(tok.image), span: tokenSpan(tok) };
    if ((tok = first(ctx.StringLit))) return { kind: 'string', value: unescapeString(tok.image), span: tokenSpan(tok) };
    if ((tok = first(ctx.DateLit))) return { kind: 'date', value: tok.image, span: tokenSpan(tok) };
    if ((tok = first(ctx.True))) return { kind: 'bool', value: true, span: tokenSpan(tok) };
    if ((tok = first(ctx.False))) return { kind: 'bool', value: false, span: tokenSpan(tok) };
    if ((tok = first(ctx.Null))) return { kind: 'null', span: tokenSpan(tok) };
    if ((tok = first(ctx.ComboLit))) {
      const [code, ...modifiers] = tok.image.split(':');
      return { kind: 'combo', code: code!, modifiers, span: tokenSpan(tok) };
    }
    return this.one(ctx.list ?? ctx.parenExpr ?? ctx.otherRef ?? ctx.nameOrCall);
  }

  list(ctx: ListCtx): Expr {
    const items = (ctx.expression ?? []).map((n) => this.visit(n));
    return this.nested({ kind: 'list', items, span: { start: ctx.LBracket[0]!.startOffset, end: ctx.RBracket[0]!.startOffset + 1 } }, items, ctx.LBracket[0]!);
  }

  parenExpr(ctx: ParenCtx): Expr {
    const inner = this.one(ctx.expression);
    inner.span = { start: ctx.LParen[0]!.startOffset, end: ctx.RParen[0]!.startOffset + 1 };
    return this.nested(inner, [inner], ctx.LParen[0]!);
  }

  otherRef(ctx: OtherCtx): Expr {
    const field = ctx.Identifier[0]!;
    return { kind: 'other', name: field.image, span: { start: ctx.Other[0]!.startOffset, end: tokenSpan(field).end } };
  }

  nameOrCall(ctx: NameOrCallCtx): Expr {
    const id = ctx.Identifier[0]!;
    const close = first(ctx.RParen);
    if (!close) return { kind: 'name', name: id.image, span: tokenSpan(id) };
    const args = (ctx.expression ?? []).map((n) => this.visit(n));
    return this.nested({ kind: 'call', callee: id.image, calleeSpan: tokenSpan(id), args, span: { start: id.startOffset, end: close.startOffset + 1 } }, args, id);
  }
}

const builder = new AstBuilder();

/**
 * The AST of a CST the parser produced without errors, or the problem when the
 * tree nests deeper than {@link EXPRESSION_LIMITS.maxDepth} (at the operator,
 * bracket or call where the smallest too-deep part of the expression begins).
 */
export function toAst(cst: CstNode): { expr: Expr; problem: SyntaxProblem | undefined } {
  builder.reset();
  const expr = builder.visit(cst);
  const problem = builder.problem;
  builder.reset();
  return { expr, problem };
}
