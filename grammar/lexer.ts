/** The one lexer instance of the expression language. */
import { Lexer } from 'chevrotain';
import { allTokens } from './tokens.ts';

export const lexer = new Lexer(allTokens, { positionTracking: 'onlyOffset', ensureOptimizations: false });
