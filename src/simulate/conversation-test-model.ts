/**
 * What a conversation test (rules/tests/*.yaml, `kfbot test`) is made of, and how a failed step is
 * told: read by conversation-test.ts, told in Chinese for the console by conversation-test-zh.ts.
 */
import type { CallFixture } from './call-fixtures.ts';

export type Expectation =
  | { type: 'text'; contains: string }
  | { type: 'menu'; name: string }
  | { type: 'transfer'; to: 'queue' | 'servicer' | 'end' }
  | { type: 'nothing' };

export type Step =
  | { type: 'enter'; scene?: string; sceneParam?: string }
  | { type: 'say'; text: string }
  | { type: 'click'; id: string }
  | { type: 'servicer'; does: 'takes over' | 'ends' }
  /** Time passes with nobody writing: the idle rules due within it fire (e.g. wait: 10m). */
  | { type: 'wait'; ms: number; shown: string };

export interface TestStep {
  step: Step;
  /** undefined: the step is not checked. */
  expect?: Expectation[];
  /** Answers for the rules' `call:` actions in this step, by call name (call-fixtures.ts). */
  calls?: Record<string, CallFixture>;
  line: number;
}

export interface ConversationTest {
  name: string;
  file: string;
  line: number;
  /** Epoch ms of the first step (each later step is a minute after the one before). */
  at: number;
  steps: TestStep[];
}

/** What the customer saw (or what happened to the session) after one step. */
export type Reply =
  | { type: 'text'; text: string }
  | { type: 'menu'; name: string; text: string }
  | { type: 'transfer'; to: string };

export interface StepFailure {
  test: ConversationTest;
  index: number;
  step: TestStep;
  expected: string;
  got: string;
  /** The same in Chinese, for the console (conversation-test-zh.ts formats it). */
  zh: { expected: string; got: string };
}

export interface TestProblem {
  file: string;
  line: number;
  message: string;
}
