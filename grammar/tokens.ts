/**
 * Token types of the expression language.
 *
 * Order matters: the lexer tries patterns in the order of {@link allTokens}
 * and takes the first that matches (not the longest). So dates come before
 * numbers, two-character operators before their one-character prefixes, and
 * keywords and code patterns before identifiers — the latter two carry
 * `longer_alt: Identifier`, so `order`, `index`, `iffy` or `G9007x` still lex
 * as one identifier.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';
import { EXPRESSION_CODE_PATTERN_SOURCE } from '../compiler/codes.ts';

// --- Ignored text ----------------------------------------------------------

/** Spaces, tabs and newlines (expressions come from YAML block scalars). */
export const WhiteSpace = createToken({ name: 'WhiteSpace', pattern: /\s+/, group: Lexer.SKIPPED, line_breaks: true });
/** `#` to the end of the line. */
export const Comment = createToken({ name: 'Comment', pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

// --- Names -------------------------------------------------------------------

export const Identifier = createToken({ name: 'Identifier', label: 'a name', pattern: /[A-Za-z_][A-Za-z0-9_]*/ });

const keyword = (word: string): TokenType =>
  createToken({ name: word[0]!.toUpperCase() + word.slice(1), label: `"${word}"`, pattern: new RegExp(word), longer_alt: Identifier });

// --- Operator categories (abstract: never matched directly) ----------------

/** `==` `!=` `<` `<=` `>` `>=` `in` — the comparison consumes any of them as one token. */
export const CompareOp = createToken({ name: 'CompareOp', pattern: Lexer.NA });
/** `+` `-` */
export const AddOp = createToken({ name: 'AddOp', pattern: Lexer.NA });
/** `*` `/` */
export const MulOp = createToken({ name: 'MulOp', pattern: Lexer.NA });

// --- Keywords ------------------------------------------------------------------

export const And = keyword('and');
export const Or = keyword('or');
export const Not = keyword('not');
export const In = createToken({ name: 'In', label: '"in"', pattern: /in/, longer_alt: Identifier, categories: [CompareOp] });
export const If = keyword('if');
export const Then = keyword('then');
export const Else = keyword('else');
export const True = keyword('true');
export const False = keyword('false');
export const Null = keyword('null');
export const Other = keyword('other');

// --- Literals --------------------------------------------------------------

/** `2024-03-31`; must be tried before {@link NumberLit}. */
export const DateLit = createToken({ name: 'DateLit', label: 'a date', pattern: /\d{4}-\d{2}-\d{2}/ });
/** `15`, `7.5` — no sign: unary minus is an operator. */
export const NumberLit = createToken({ name: 'NumberLit', label: 'a number', pattern: /\d+(?:\.\d+)?/ });
/**
 * Double- or single-quoted, with escapes `\\ \" \' \n \t \uXXXX`. A raw line
 * break ends nothing, so an unterminated string is a lexing problem on its line.
 */
export const StringLit = createToken({
  name: 'StringLit',
  label: 'a string',
  pattern: /"(?:[^"\\\n\r]|\\(?:[\\"'nt]|u[0-9A-Fa-f]{4}))*"|'(?:[^'\\\n\r]|\\(?:[\\"'nt]|u[0-9A-Fa-f]{4}))*'/,
});
/**
 * A code pattern (compiler/codes.ts: HCPCS Level II or CPT), then zero or more `:XX` modifiers:
 * `T2040:U6`, `G9007`, `0001F`, `99213:U6`. Tried before numbers and dates, and never the start of a
 * longer name or number (`G9007x`).
 */
export const ComboLit = createToken({
  name: 'ComboLit',
  label: 'a code',
  pattern: new RegExp(EXPRESSION_CODE_PATTERN_SOURCE),
  longer_alt: Identifier,
});

// --- Punctuation and operators ---------------------------------------------

export const Eq = createToken({ name: 'Eq', label: '"=="', pattern: /==/, categories: [CompareOp] });
export const NotEq = createToken({ name: 'NotEq', label: '"!="', pattern: /!=/, categories: [CompareOp] });
export const LessEq = createToken({ name: 'LessEq', label: '"<="', pattern: /<=/, categories: [CompareOp] });
export const GreaterEq = createToken({ name: 'GreaterEq', label: '">="', pattern: />=/, categories: [CompareOp] });
export const Less = createToken({ name: 'Less', label: '"<"', pattern: /</, categories: [CompareOp] });
export const Greater = createToken({ name: 'Greater', label: '">"', pattern: />/, categories: [CompareOp] });
export const Plus = createToken({ name: 'Plus', label: '"+"', pattern: /\+/, categories: [AddOp] });
export const Minus = createToken({ name: 'Minus', label: '"-"', pattern: /-/, categories: [AddOp] });
export const Star = createToken({ name: 'Star', label: '"*"', pattern: /\*/, categories: [MulOp] });
export const Slash = createToken({ name: 'Slash', label: '"/"', pattern: /\//, categories: [MulOp] });
export const LParen = createToken({ name: 'LParen', label: '"("', pattern: /\(/ });
export const RParen = createToken({ name: 'RParen', label: '")"', pattern: /\)/ });
export const LBracket = createToken({ name: 'LBracket', label: '"["', pattern: /\[/ });
export const RBracket = createToken({ name: 'RBracket', label: '"]"', pattern: /\]/ });
export const Comma = createToken({ name: 'Comma', label: '","', pattern: /,/ });
export const Dot = createToken({ name: 'Dot', label: '"."', pattern: /\./ });

/** Every token type, in lexing order (categories last: they match nothing themselves). */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  StringLit,
  ComboLit,
  DateLit,
  NumberLit,
  Eq,
  NotEq,
  LessEq,
  GreaterEq,
  Less,
  Greater,
  Plus,
  Minus,
  Star,
  Slash,
  LParen,
  RParen,
  LBracket,
  RBracket,
  Comma,
  Dot,
  And,
  Or,
  Not,
  In,
  If,
  Then,
  Else,
  True,
  False,
  Null,
  Other,
  Identifier,
  CompareOp,
  AddOp,
  MulOp,
];

/** The keywords, which can never be names. */
export const KEYWORDS: ReadonlySet<string> = new Set(['and', 'or', 'not', 'in', 'if', 'then', 'else', 'true', 'false', 'null', 'other']);
