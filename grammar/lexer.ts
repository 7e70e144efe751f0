/** The one lexer of the expression language (built once, at import). */
import { Lexer } from 'chevrotain';
import { allTokens } from './tokens.ts';

/**
 * Offsets are all the AST needs, so line/column tracking is off (faster).
 * `ensureOptimizations` makes the construction fail loudly if a token pattern
 * ever defeats chevrotain's first-character optimisation.
 */
export const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: true });
