/**
 * The abstract syntax of the Codeguide expression language.
 *
 * Every node carries a {@link Span}: character offsets into the expression
 * text (start inclusive, end exclusive). The compiler maps those offsets back
 * to line:column in the YAML file that holds the expression.
 */

/** Character offsets into the expression text; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type BinaryOp =
  | 'or'
  | 'and'
  | '=='
  | '!='
  | '<'
  | '<='
  | '>'
  | '>='
  | 'in'
  | 'not in'
  | '+'
  | '-'
  | '*'
  | '/';

export type UnaryOp = 'not' | '-';

/** `15`, `7.5` */
export interface NumberLit { kind: 'number'; value: number; span: Span }
/** `"RN"` or `'RN'` (value is unescaped) */
export interface StringLit { kind: 'string'; value: string; span: Span }
/** `2024-03-31` (value kept as written, YYYY-MM-DD) */
export interface DateLit { kind: 'date'; value: string; span: Span }
/** `true`, `false` */
export interface BoolLit { kind: 'bool'; value: boolean; span: Span }
/** `null` */
export interface NullLit { kind: 'null'; span: Span }
/** A code + defining-modifier pattern: `T2040:U6`, `G9008:U1`, `G9007` (no modifiers). */
export interface ComboLit { kind: 'combo'; code: string; modifiers: string[]; span: Span }
/** `[a, b, c]` */
export interface ListLit { kind: 'list'; items: Expr[]; span: Span }
/** A field of the line being judged, a named set, or a named date: `minutes`, `clinicalCredentials`. */
export interface NameRef { kind: 'name'; name: string; span: Span }
/** A field of the other line inside an aggregate: `other.combination`. */
export interface OtherRef { kind: 'other'; name: string; span: Span }
export interface Unary { kind: 'unary'; op: UnaryOp; operand: Expr; span: Span }
export interface Binary { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
/** `ruleOfEights(minutes)`, `whole(units)`, `any(memberDay, other.combination == T2050:U6)` */
export interface Call { kind: 'call'; callee: string; calleeSpan: Span; args: Expr[]; span: Span }
/** `if c then a else b` */
export interface IfExpr { kind: 'if'; cond: Expr; then: Expr; else: Expr; span: Span }

export type Expr =
  | NumberLit
  | StringLit
  | DateLit
  | BoolLit
  | NullLit
  | ComboLit
  | ListLit
  | NameRef
  | OtherRef
  | Unary
  | Binary
  | Call
  | IfExpr;

/** A problem found while lexing or parsing, located by offsets into the expression text. */
export interface SyntaxProblem {
  /**
   * `expr-lex` (a character no token starts with), `expr-syntax` (tokens in the wrong order),
   * `expr-too-deep` or `expr-too-long` (past a limit of `limits.ts`).
   */
  code: 'expr-lex' | 'expr-syntax' | 'expr-too-deep' | 'expr-too-long';
  message: string;
  hint: string;
  span: Span;
}

/** The result of parsing: an AST when there were no problems. */
export interface ParseResult {
  expr: Expr | undefined;
  problems: SyntaxProblem[];
}
