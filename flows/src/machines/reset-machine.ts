// The reset flow: verify enough methods, then choose a new password (architecture.md "Flows").
import { createFlowMachine } from './flow-machine.js';

export const resetMachine = createFlowMachine('reset');
export type ResetMachine = typeof resetMachine;
