// The enroll flow: the same shape as reset, with the current password and new methods as the last steps.
import { createFlowMachine } from './flow-machine.js';

export const enrollMachine = createFlowMachine('enroll');
export type EnrollMachine = typeof enrollMachine;
