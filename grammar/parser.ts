/**
 * The grammar of the expression language, as a Chevrotain CST parser.
 *
 * Precedence, lowest to highest (one rule per level):
 *
 *   expression     := ifExpr | orExpr
 *   ifExpr         := "if" expression "then" expression "else" expression
 *   orExpr         := andExpr ("or" andExpr)*
 *   andExpr        := notExpr ("and" notExpr)*
 *   notExpr        := "not"* comparison
 *   comparison     := additive (CompareOp additive | "not" "in" additive)?   -- non-associative
 *   additive       := multiplicative (AddOp multiplicative)*                 -- left associative
 *   multiplicative := unary (MulOp unary)*                                   -- left associative
 *   unary          := "-"* primary
 *   primary        := literal | list | "(" expression ")" | "other" "." Identifier | Identifier ("(" args ")")?
 *
 * The parser only recognises; `to-ast.ts` turns the CST into the AST. Error
 * recovery is off: the first mistake stops the parse, and `index.ts` words it.
 * The parser's own messages are therefore never shown: the message provider
 * below keeps just what the wording needs (the expected token's name).
 */
import { CstParser, type CstNode, type IParserErrorMessageProvider, type ParserMethod } from 'chevrotain';
import * as t from './tokens.ts';

/** Messages are keys for `index.ts`: a mismatch records the expected token type's name, the rest nothing. */
const errorMessageProvider: IParserErrorMessageProvider = {
  buildMismatchTokenMessage: ({ expected }) => expected.name,
  buildNotAllInputParsedMessage: () => '',
  buildNoViableAltMessage: () => '',
  buildEarlyExitMessage: () => '',
};

type Rule = ParserMethod<[], CstNode>;

export class ExpressionParser extends CstParser {
  constructor() {
    super(t.allTokens, { recoveryEnabled: false, maxLookahead: 2, errorMessageProvider });
    this.performSelfAnalysis();
  }

  readonly expression: Rule = this.RULE('expression', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.ifExpr) }, { ALT: () => this.SUBRULE(this.orExpr) }]);
  });

  readonly ifExpr: Rule = this.RULE('ifExpr', () => {
    this.CONSUME(t.If);
    this.SUBRULE(this.expression);
    this.CONSUME(t.Then);
    this.SUBRULE2(this.expression);
    this.CONSUME(t.Else);
    this.SUBRULE3(this.expression);
  });

  readonly orExpr: Rule = this.RULE('orExpr', () => {
    this.SUBRULE(this.andExpr);
    this.MANY(() => {
      this.CONSUME(t.Or);
      this.SUBRULE2(this.andExpr);
    });
  });

  readonly andExpr: Rule = this.RULE('andExpr', () => {
    this.SUBRULE(this.notExpr);
    this.MANY(() => {
      this.CONSUME(t.And);
      this.SUBRULE2(this.notExpr);
    });
  });

  readonly notExpr: Rule = this.RULE('notExpr', () => {
    this.MANY(() => this.CONSUME(t.Not));
    this.SUBRULE(this.comparison);
  });

  readonly comparison: Rule = this.RULE('comparison', () => {
    this.SUBRULE(this.additive);
    this.OPTION(() => {
      this.OR([
        { ALT: () => this.CONSUME(t.CompareOp) },
        {
          ALT: () => {
            this.CONSUME(t.Not);
            this.CONSUME(t.In);
          },
        },
      ]);
      this.SUBRULE2(this.additive);
    });
  });

  readonly additive: Rule = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.CONSUME(t.AddOp);
      this.SUBRULE2(this.multiplicative);
    });
  });

  readonly multiplicative: Rule = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.CONSUME(t.MulOp);
      this.SUBRULE2(this.unary);
    });
  });

  readonly unary: Rule = this.RULE('unary', () => {
    this.MANY(() => this.CONSUME(t.Minus));
    this.SUBRULE(this.primary);
  });

  readonly primary: Rule = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(t.NumberLit) },
      { ALT: () => this.CONSUME(t.StringLit) },
      { ALT: () => this.CONSUME(t.DateLit) },
      { ALT: () => this.CONSUME(t.True) },
      { ALT: () => this.CONSUME(t.False) },
      { ALT: () => this.CONSUME(t.Null) },
      { ALT: () => this.CONSUME(t.ComboLit) },
      { ALT: () => this.SUBRULE(this.list) },
      { ALT: () => this.SUBRULE(this.parenExpr) },
      { ALT: () => this.SUBRULE(this.otherRef) },
      { ALT: () => this.SUBRULE(this.nameOrCall) },
    ]);
  });

  /** `[a, b, c]`, possibly empty, with an optional trailing comma. */
  readonly list: Rule = this.RULE('list', () => {
    this.CONSUME(t.LBracket);
    this.OPTION(() => {
      this.SUBRULE(this.expression);
      this.MANY(() => {
        this.CONSUME(t.Comma);
        this.SUBRULE2(this.expression);
      });
      this.OPTION2(() => this.CONSUME2(t.Comma));
    });
    this.CONSUME(t.RBracket);
  });

  readonly parenExpr: Rule = this.RULE('parenExpr', () => {
    this.CONSUME(t.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(t.RParen);
  });

  readonly otherRef: Rule = this.RULE('otherRef', () => {
    this.CONSUME(t.Other);
    this.CONSUME(t.Dot);
    this.CONSUME(t.Identifier);
  });

  /** A name, or a call when `(` follows: `whole(units)`, `f()`. */
  readonly nameOrCall: Rule = this.RULE('nameOrCall', () => {
    this.CONSUME(t.Identifier);
    this.OPTION(() => {
      this.CONSUME(t.LParen);
      this.MANY_SEP({ SEP: t.Comma, DEF: () => this.SUBRULE(this.expression) });
      this.CONSUME(t.RParen);
    });
  });
}

/** The one parser instance, reused for every expression (`parser.input = tokens`). */
export const parser = new ExpressionParser();
