// The facts a reset flow keeps from its start (store FlowContext, JSON), read back with a schema so a
// damaged or foreign row fails closed instead of half-working.
import { z } from 'zod';
import type { FlowContext } from '../store/store.js';

export const resetFlowContextSchema = z.object({
  /** Why this flow is a decoy (audit vocabulary), or null for a real one. */
  decoyReason: z.string().nullable(),
  /** Key of the per-user limits: the object id, or a per-name pseudonym for decoys. */
  subject: z.string(),
  userPrincipalName: z.string().nullable(),
  displayName: z.string().nullable(),
  /** The user's usageLocation (default region when parsing typed numbers). */
  region: z.string().nullable(),
  atRisk: z.boolean(),
  methodsRequired: z.number().int().min(1),
  /** Every registered method of the user, told after a completed reset (T1). Empty for decoys. */
  notify: z.array(z.object({ kind: z.enum(['sms', 'email']), destination: z.string() })),
  /** Decoys of a refused member: the policy they matched (audit only; the flow shows another). */
  matchedPolicy: z.string().nullable().optional(),
  /** Enroll flows: the proof the policy asks for, and what the password proved so far (T12). */
  enrollment: z
    .object({
      proof: z.enum(['code-then-password', 'code', 'password']),
      passwordFactor: z.enum(['full', 'first_factor_only']).nullable(),
    })
    .optional(),
});

export type ResetFlowContext = z.infer<typeof resetFlowContextSchema>;

export function toFlowContext(context: ResetFlowContext): FlowContext {
  const { enrollment, ...rest } = context;
  return {
    ...rest,
    notify: context.notify.map((n) => ({ ...n })),
    ...(enrollment ? { enrollment: { ...enrollment } } : {}),
  };
}

export function readFlowContext(context: FlowContext | undefined): ResetFlowContext | undefined {
  const parsed = resetFlowContextSchema.safeParse(context ?? {});
  return parsed.success ? parsed.data : undefined;
}
