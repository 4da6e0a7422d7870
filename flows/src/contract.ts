// The MyPass API v1 contract (shared/design/api.md) as zod 4 schemas: the server validates every request with
// these, clients validate every response, and the OpenAPI document is generated from the operations table.
// Requests are strict (an unknown field is invalid_request); responses are lenient objects so a newer server
// may add fields without breaking an older client.
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------------------
// Limits (every string has one; the server's body limit is 16 KiB on top of these)
// ---------------------------------------------------------------------------------------------------------
export const limits = {
  usernameMax: 256,
  localeMax: 35,
  flowIdMax: 128,
  flowTokenMax: 256,
  methodIdMax: 32,
  challengeIdMax: 128,
  confirmMax: 320,
  hintMax: 64,
  codeMinDigits: 4,
  codeMaxDigits: 10,
  /** Entra ID accepts passwords of at most 256 characters; counted in Unicode code points. */
  passwordMaxChars: 256,
  /** Hard bound in UTF-16 units so a 256-code-point password of astral characters still fits. */
  passwordMaxUnits: 1024,
  phoneMax: 32,
  emailMax: 320,
  enrollMethodsMax: 5,
  bodyMaxBytes: 16 * 1024,
} as const;

/** Counts Unicode code points, the way a person (and the password rules) count characters. */
export function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

// ---------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------
const rfc3339 = z.iso.datetime({ offset: true });

export const flowPurposeSchema = z.enum(['reset', 'enroll']);
export type FlowPurpose = z.infer<typeof flowPurposeSchema>;

/** `verifying` until enough methods are proven, `verified` (for 5 minutes), then `completed`. */
export const flowStateSchema = z.enum(['verifying', 'verified', 'completed']);
export type FlowState = z.infer<typeof flowStateSchema>;

export const methodKindSchema = z.enum(['sms', 'email', 'password']);
export type MethodKind = z.infer<typeof methodKindSchema>;

/** `sms:1`, `email:2`, `password`: the kind, then a per-flow ordinal. */
export const methodIdSchema = z
  .string()
  .min(1)
  .max(limits.methodIdMax)
  .regex(/^[a-z][a-z0-9_-]*(:[0-9]{1,4})?$/);
export type MethodId = z.infer<typeof methodIdSchema>;

/** Public flow id (in paths). Malformed ids answer flow_not_found, exactly like unknown ones. */
/** A base64url-alphabet string of bounded length: the shape of every id and token we mint. */
const base64urlString = (min: number, max: number) =>
  z
    .string()
    .min(min)
    .max(max)
    .regex(/^[A-Za-z0-9_-]+$/);

export const flowIdSchema = base64urlString(1, limits.flowIdMax);

/** Secret flow token (≥ 128 random bits, base64url), carried as `Authorization: Bearer <flowToken>`. */
export const flowTokenSchema = base64urlString(16, limits.flowTokenMax);

export const challengeIdSchema = base64urlString(1, limits.challengeIdMax);

/** BCP 47-shaped tag (`da`, `pt-BR`, `zh-Hant`); which tags exist is the locales package's business. */
export const localeTagSchema = z
  .string()
  .min(2)
  .max(limits.localeMax)
  .regex(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$/);

export const methodSchema = z.object({
  id: methodIdSchema,
  kind: methodKindSchema,
  hint: z.string().max(limits.hintMax).optional(),
});
export type Method = z.infer<typeof methodSchema>;

export const passwordSchema = z
  .string()
  .min(1)
  .max(limits.passwordMaxUnits)
  .refine((s) => codePointLength(s) <= limits.passwordMaxChars, {
    message: `At most ${limits.passwordMaxChars} characters`,
  });

export const codeSchema = z
  .string()
  .regex(new RegExp(`^[0-9]{${limits.codeMinDigits},${limits.codeMaxDigits}}$`), { message: '4–10 digits' });

// ---------------------------------------------------------------------------------------------------------
// Requests (strict)
// ---------------------------------------------------------------------------------------------------------
export const startFlowRequestSchema = z.strictObject({
  purpose: flowPurposeSchema,
  username: z.string().min(1).max(limits.usernameMax),
  locale: localeTagSchema.optional(),
});
export type StartFlowRequest = z.infer<typeof startFlowRequestSchema>;

export const challengeRequestSchema = z.strictObject({
  method: methodIdSchema,
  /** The full phone number or e-mail address of the chosen method, as the user typed it. */
  confirm: z.string().min(1).max(limits.confirmMax),
});
export type ChallengeRequest = z.infer<typeof challengeRequestSchema>;

export const codeVerificationRequestSchema = z.strictObject({
  challengeId: challengeIdSchema,
  code: codeSchema,
});
export const passwordVerificationRequestSchema = z.strictObject({
  method: z.literal('password'),
  password: passwordSchema,
});
export const verificationRequestSchema = z.union([
  codeVerificationRequestSchema,
  passwordVerificationRequestSchema,
]);
export type VerificationRequest = z.infer<typeof verificationRequestSchema>;

export const newPasswordRequestSchema = z.strictObject({
  newPassword: passwordSchema,
});
export type NewPasswordRequest = z.infer<typeof newPasswordRequestSchema>;

/**
 * A personal method to register: a mobile number (any format; parsed with the user's region, and it must be
 * from a country on the SMS allow-list) or a private e-mail address.
 */
export const enrollmentMethodSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sms'), phone: z.string().min(1).max(limits.phoneMax) }),
  z.strictObject({ kind: z.literal('email'), email: z.string().min(1).max(limits.emailMax) }),
]);
export type EnrollmentMethod = z.infer<typeof enrollmentMethodSchema>;
/**
 * `POST /flows/{flowId}/enrollment`: each method gets a code of its own. Sending it again (e.g. a mistyped
 * number, or to resend the codes after `resendAfter`) replaces the methods still waiting for their code.
 */
export const enrollmentRequestSchema = z.strictObject({
  methods: z.array(enrollmentMethodSchema).min(1).max(limits.enrollMethodsMax),
});
export type EnrollmentRequest = z.infer<typeof enrollmentRequestSchema>;

/** `POST /flows/{flowId}/enrollment/confirmations`: the code a new method received, proving it is the user's. */
export const enrollmentConfirmationRequestSchema = z.strictObject({
  challengeId: challengeIdSchema,
  code: codeSchema,
});
export type EnrollmentConfirmationRequest = z.infer<typeof enrollmentConfirmationRequestSchema>;

// ---------------------------------------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------------------------------------
export const flowCreatedSchema = z.object({
  flowId: flowIdSchema,
  flowToken: flowTokenSchema,
  purpose: flowPurposeSchema,
  state: flowStateSchema,
  expiresAt: rfc3339,
  methods: z.array(methodSchema),
});
export type FlowCreated = z.infer<typeof flowCreatedSchema>;

export const challengeAcceptedSchema = z.object({
  challengeId: challengeIdSchema,
  method: methodIdSchema,
  codeLength: z.int().min(limits.codeMinDigits).max(limits.codeMaxDigits),
  expiresAt: rfc3339,
  /** Seconds until this method may be challenged again. */
  resendAfter: z.int().min(0),
});
export type ChallengeAccepted = z.infer<typeof challengeAcceptedSchema>;

export const verificationResultSchema = z.object({
  state: z.enum(['verifying', 'verified']),
  verified: z.array(methodIdSchema),
  methodsRemaining: z.int().min(0),
});
export type VerificationResult = z.infer<typeof verificationResultSchema>;

/**
 * Password rules. Every field has the product default (api.md, issue 3), so `passwordPolicySchema.parse({})`
 * is the default policy and a configuration file may name only what it changes.
 */
export const passwordPolicySchema = z
  .object({
    minLength: z.int().min(1).max(limits.passwordMaxChars).default(8),
    maxLength: z.int().min(1).max(limits.passwordMaxChars).default(limits.passwordMaxChars),
    minCharacterClasses: z.int().min(0).max(4).default(3),
    forbidUserNameParts: z.boolean().default(true),
    blockCommonPasswords: z.boolean().default(true),
    /** zxcvbn score 0–4; absent = no strength rule beyond the others. */
    minStrengthScore: z.int().min(0).max(4).optional(),
  })
  .refine((p) => p.minLength <= p.maxLength, { message: 'minLength must not exceed maxLength' });
export type PasswordPolicy = z.infer<typeof passwordPolicySchema>;
export const defaultPasswordPolicy: PasswordPolicy = Object.freeze(passwordPolicySchema.parse({}));

export const completedSchema = z.object({ state: z.literal('completed') });
export type Completed = z.infer<typeof completedSchema>;

/** The kinds a person may register through enrollment (the password is proven, never registered). */
export const enrollableKindSchema = z.enum(['sms', 'email']);
export type EnrollableKind = z.infer<typeof enrollableKindSchema>;

/** A new method waiting for the code that was sent to it. */
export const pendingEnrollmentSchema = z.object({
  /** Confirm with this id and the code the method received. */
  challengeId: challengeIdSchema,
  kind: enrollableKindSchema,
  /** Masked like every hint (api.md): the number or address the code went to. */
  hint: z.string().max(limits.hintMax),
  codeLength: z.int().min(limits.codeMinDigits).max(limits.codeMaxDigits),
  expiresAt: rfc3339,
  /** Seconds until the enrollment may be sent again (a resend). */
  resendAfter: z.int().min(0),
});
export type PendingEnrollment = z.infer<typeof pendingEnrollmentSchema>;

/** A new method confirmed by its code: stored, announced, and usable for resets from `usableFrom`. */
export const enrolledMethodSchema = z.object({
  kind: enrollableKindSchema,
  hint: z.string().max(limits.hintMax),
  usableFrom: rfc3339,
});
export type EnrolledMethod = z.infer<typeof enrolledMethodSchema>;

/** `202` to `POST /flows/{flowId}/enrollment`: codes are on their way to every new method. */
export const enrollmentAcceptedSchema = z.object({
  state: z.literal('verified'),
  pending: z.array(pendingEnrollmentSchema).min(1),
  /** Hours between a confirmation and the method's first use for a reset (the user's policy; T12). */
  holdHours: z.int().min(0),
});
export type EnrollmentAccepted = z.infer<typeof enrollmentAcceptedSchema>;

/** `200` to a confirmation: `completed` once no method is waiting any more. */
export const enrollmentConfirmedSchema = z.object({
  state: z.enum(['verified', 'completed']),
  /** Every method confirmed in this flow so far. */
  confirmed: z.array(enrolledMethodSchema),
  /** The methods still waiting for their code. */
  pending: z.array(pendingEnrollmentSchema),
});
export type EnrollmentConfirmed = z.infer<typeof enrollmentConfirmedSchema>;

export const challengeStatusSchema = z.enum(['queued', 'sent', 'failed']);
export type ChallengeStatus = z.infer<typeof challengeStatusSchema>;

export const flowPublicStateSchema = z.object({
  flowId: flowIdSchema,
  purpose: flowPurposeSchema,
  state: flowStateSchema,
  expiresAt: rfc3339,
  methods: z.array(methodSchema),
  verified: z.array(methodIdSchema),
  methodsRemaining: z.int().min(0).optional(),
  challenges: z.array(
    z.object({
      challengeId: challengeIdSchema,
      method: methodIdSchema,
      status: challengeStatusSchema,
      expiresAt: rfc3339,
    }),
  ),
  /** Enroll flows, once methods were submitted: what is pending (with its delivery status) and confirmed. */
  enrollment: z
    .object({
      pending: z.array(pendingEnrollmentSchema.extend({ status: challengeStatusSchema })),
      confirmed: z.array(enrolledMethodSchema),
    })
    .optional(),
});
export type FlowPublicState = z.infer<typeof flowPublicStateSchema>;

export const demoOutboxSchema = z.object({
  messages: z.array(
    z.object({
      /** The full destination: an E.164 number or a bare address. */
      to: z.string(),
      channel: z.enum(['sms', 'email']),
      text: z.string(),
      code: z.string().optional(),
      sentAt: rfc3339,
    }),
  ),
});
export type DemoOutbox = z.infer<typeof demoOutboxSchema>;

/** `GET /healthz`: the process is up. */
export const healthzSchema = z.object({ status: z.literal('ok') });
export type Healthz = z.infer<typeof healthzSchema>;

/** `GET /readyz`: 200 `ready` when every check is `ok`, else 503 `not_ready` with the same body shape. */
export const readyzSchema = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.record(z.string(), z.enum(['ok', 'failed'])),
});
export type Readyz = z.infer<typeof readyzSchema>;

// ---------------------------------------------------------------------------------------------------------
// Problems (RFC 9457)
// ---------------------------------------------------------------------------------------------------------

/** Every stable problem code of the API with its HTTP status. This list is exhaustive. */
export const problemStatus = {
  invalid_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  not_found: 404,
  method_not_allowed: 405,
  flow_not_found: 404,
  rate_limited: 429,
  resend_too_soon: 429,
  too_many_challenges: 429,
  method_not_available: 400,
  code_invalid: 400,
  code_expired: 400,
  attempts_exhausted: 403,
  password_invalid: 400,
  flow_not_verified: 409,
  password_policy: 422,
  /** Enrollment: a new number or address cannot be registered (`invalidMethods` says which and why). */
  destination_invalid: 422,
  directory_unavailable: 503,
  service_unavailable: 503,
  /** Only for genuine bugs, never for input. */
  internal_error: 500,
  /** Client-side only (the API never sends them): the transport could not reach the API at all, */
  network_error: 503,
  /** or reached a server whose certificate is not from the pinned CA (T10): the kiosk never shows a dialog. */
  certificate_error: 503,
} as const satisfies Record<string, number>;
export type ProblemCode = keyof typeof problemStatus;
export const problemCodes = Object.keys(problemStatus) as ProblemCode[];
export const problemCodeSchema = z.enum(problemCodes as [ProblemCode, ...ProblemCode[]]);

/** Short English titles for the `title` member (for operators; the UI localizes by `code`). */
export const problemTitles: Record<ProblemCode, string> = {
  invalid_request: 'The request is not valid',
  payload_too_large: 'The request body is too large',
  unsupported_media_type: 'The request body must be JSON',
  not_found: 'No such resource',
  method_not_allowed: 'Method not allowed',
  flow_not_found: 'The flow does not exist or has expired',
  rate_limited: 'Too many requests',
  resend_too_soon: 'Wait before asking for another code',
  too_many_challenges: 'Too many codes for this flow',
  method_not_available: 'This method is not available',
  code_invalid: 'The code is not correct',
  code_expired: 'The code has expired',
  attempts_exhausted: 'Too many wrong attempts',
  password_invalid: 'The password could not be verified',
  flow_not_verified: 'The flow is not verified',
  password_policy: 'The new password does not meet the rules',
  destination_invalid: 'A new method cannot be registered',
  directory_unavailable: 'The directory is not available',
  service_unavailable: 'The service is not available',
  internal_error: 'Internal error',
  network_error: 'The service could not be reached',
  certificate_error: 'The service is not trusted',
};

/**
 * Problem type URIs are `https://mypass.example/problems/<code>`: stable identifiers, not fetched. They are
 * on a reserved example domain on purpose, so no deployment has to host documentation at them.
 */
export const problemTypeBase = 'https://mypass.example/problems/';
export function problemType(code: ProblemCode): string {
  return problemTypeBase + code;
}

/** Rule identifiers a 422 `password_policy` names in `violations` (and the live checklist uses). */
export const passwordViolationSchema = z.enum([
  'too_short',
  'too_long',
  'too_few_character_classes',
  'contains_user_name',
  'common_password',
  'too_weak',
  'rejected_by_directory',
]);
export type PasswordViolation = z.infer<typeof passwordViolationSchema>;

/** Why a new method cannot be registered (422 `destination_invalid`, one entry per refused method). */
export const destinationProblemSchema = z.enum([
  /** Not a valid mobile number (libphonenumber-js, the user's region for national formats). */
  'invalid_phone',
  /** Not a valid e-mail address. */
  'invalid_address',
  /** A valid number from a country outside the SMS allow-list. */
  'country_not_allowed',
  /** The user already has this number or address (registered in Entra or enrolled before). */
  'already_registered',
  /** The same number or address twice in one request. */
  'duplicate',
  /** The user's policy allows no more enrolled methods (or not this kind). */
  'not_allowed',
]);
export type DestinationProblem = z.infer<typeof destinationProblemSchema>;
export const invalidMethodSchema = z.object({
  /** Index into the request's `methods`. */
  index: z.int().min(0),
  reason: destinationProblemSchema,
});
export type InvalidMethod = z.infer<typeof invalidMethodSchema>;

export const problemSchema = z.looseObject({
  type: z.string().max(512),
  title: z.string().max(512),
  status: z.int().min(400).max(599),
  code: problemCodeSchema,
  detail: z.string().max(2048).optional(),
  /** Seconds; on rate_limited, resend_too_soon, directory_unavailable, service_unavailable. */
  retryAfter: z.int().min(0).optional(),
  /** On code_invalid. */
  attemptsLeft: z.int().min(0).optional(),
  /** On password_policy. */
  violations: z.array(passwordViolationSchema).optional(),
  /** On destination_invalid. */
  invalidMethods: z.array(invalidMethodSchema).optional(),
});
export type Problem = z.infer<typeof problemSchema>;

export interface ProblemExtras {
  detail?: string;
  retryAfter?: number;
  attemptsLeft?: number;
  violations?: PasswordViolation[];
  invalidMethods?: InvalidMethod[];
}

/** Builds a problem document; `detail` must never carry a secret, code, password or token. */
export function makeProblem(code: ProblemCode, extras: ProblemExtras = {}): Problem {
  const doc: Problem = {
    type: problemType(code),
    title: problemTitles[code],
    status: problemStatus[code],
    code,
  };
  if (extras.detail !== undefined) doc.detail = extras.detail;
  if (extras.retryAfter !== undefined) doc.retryAfter = extras.retryAfter;
  if (extras.attemptsLeft !== undefined) doc.attemptsLeft = extras.attemptsLeft;
  if (extras.violations !== undefined) doc.violations = extras.violations;
  if (extras.invalidMethods !== undefined) doc.invalidMethods = extras.invalidMethods;
  return doc;
}

export const problemContentType = 'application/problem+json';

// ---------------------------------------------------------------------------------------------------------
// Operations table: routes (server), OpenAPI (generator), typed client and Electron bridge all read this.
// ---------------------------------------------------------------------------------------------------------
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface OperationDefinition {
  method: HttpMethod;
  /** Full path template with `{param}` placeholders, e.g. `/api/v1/flows/{flowId}/challenges`. */
  path: string;
  /** Whether `Authorization: Bearer <flowToken>` is required. */
  auth: boolean;
  summary: string;
  /** Request body schema, or null for operations without a body. */
  request: z.ZodType | null;
  success: { status: number; schema: z.ZodType | null };
  /** Every problem code the operation may answer (besides not_found/method_not_allowed of the router). */
  problems: readonly ProblemCode[];
}

/** Problems any operation may answer. */
const anyOperation = ['rate_limited', 'service_unavailable', 'internal_error'] as const;
/** Problems of operations with a JSON body. */
const withBody = ['invalid_request', 'payload_too_large', 'unsupported_media_type'] as const;
/** Problems of operations on an existing flow (a dead flow answers attempts_exhausted to everything). */
const onFlow = ['flow_not_found', 'attempts_exhausted'] as const;

export const operations = {
  startFlow: {
    method: 'POST',
    path: '/api/v1/flows',
    auth: false,
    summary: 'Start a reset or enroll flow for a user name',
    request: startFlowRequestSchema,
    success: { status: 201, schema: flowCreatedSchema },
    problems: [...withBody, ...anyOperation, 'directory_unavailable'],
  },
  getFlow: {
    method: 'GET',
    path: '/api/v1/flows/{flowId}',
    auth: true,
    summary: "The flow's public state, with each challenge's delivery status",
    request: null,
    success: { status: 200, schema: flowPublicStateSchema },
    problems: [...onFlow, ...anyOperation],
  },
  cancelFlow: {
    method: 'DELETE',
    path: '/api/v1/flows/{flowId}',
    auth: true,
    summary: 'Cancel the flow (any state)',
    request: null,
    success: { status: 204, schema: null },
    problems: [...onFlow, ...anyOperation],
  },
  createChallenge: {
    method: 'POST',
    path: '/api/v1/flows/{flowId}/challenges',
    auth: true,
    summary: "Send a code to a method, after the user typed the method's full number or address",
    request: challengeRequestSchema,
    success: { status: 202, schema: challengeAcceptedSchema },
    problems: [
      ...withBody,
      ...onFlow,
      ...anyOperation,
      'resend_too_soon',
      'too_many_challenges',
      'method_not_available',
    ],
  },
  verify: {
    method: 'POST',
    path: '/api/v1/flows/{flowId}/verifications',
    auth: true,
    summary: 'Prove a method with its code (or, in enroll flows, the current password)',
    request: verificationRequestSchema,
    success: { status: 200, schema: verificationResultSchema },
    problems: [
      ...withBody,
      ...onFlow,
      ...anyOperation,
      'code_invalid',
      'code_expired',
      'password_invalid',
      'flow_not_verified',
      'method_not_available',
      'directory_unavailable',
    ],
  },
  getPasswordPolicy: {
    method: 'GET',
    path: '/api/v1/flows/{flowId}/password-policy',
    auth: true,
    summary: 'The password rules that apply to this flow, for live feedback',
    request: null,
    success: { status: 200, schema: passwordPolicySchema },
    problems: [...onFlow, ...anyOperation],
  },
  setPassword: {
    method: 'POST',
    path: '/api/v1/flows/{flowId}/password',
    auth: true,
    summary: 'Set the new password (reset flows)',
    request: newPasswordRequestSchema,
    success: { status: 200, schema: completedSchema },
    problems: [
      ...withBody,
      ...onFlow,
      ...anyOperation,
      'flow_not_verified',
      'password_policy',
      'directory_unavailable',
    ],
  },
  enroll: {
    method: 'POST',
    path: '/api/v1/flows/{flowId}/enrollment',
    auth: true,
    summary:
      'Register new methods (enroll flows, once verified): each gets a code of its own to confirm; sent again, it replaces the pending ones',
    request: enrollmentRequestSchema,
    success: { status: 202, schema: enrollmentAcceptedSchema },
    problems: [
      ...withBody,
      ...onFlow,
      ...anyOperation,
      'flow_not_verified',
      'destination_invalid',
      'resend_too_soon',
      'too_many_challenges',
    ],
  },
  confirmEnrollment: {
    method: 'POST',
    path: '/api/v1/flows/{flowId}/enrollment/confirmations',
    auth: true,
    summary:
      'Confirm a new method with the code it received: it is stored, announced to the existing methods and usable for resets after the hold',
    request: enrollmentConfirmationRequestSchema,
    success: { status: 200, schema: enrollmentConfirmedSchema },
    problems: [
      ...withBody,
      ...onFlow,
      ...anyOperation,
      'flow_not_verified',
      'code_invalid',
      'code_expired',
      'destination_invalid',
    ],
  },
} as const satisfies Record<string, OperationDefinition>;

export type Operations = typeof operations;
export type OperationName = keyof Operations;
export const operationNames = Object.keys(operations) as OperationName[];

/** Operational endpoints: not part of the flow client, but in the OpenAPI document and routed the same way. */
export const serviceOperations = {
  healthz: {
    method: 'GET',
    path: '/healthz',
    auth: false,
    summary: 'The process is up',
    request: null,
    success: { status: 200, schema: healthzSchema },
    problems: ['internal_error'],
  },
  readyz: {
    method: 'GET',
    path: '/readyz',
    auth: false,
    summary: 'The store is reachable and a directory token is obtainable (503 with the same body when not)',
    request: null,
    success: { status: 200, schema: readyzSchema },
    problems: ['service_unavailable', 'internal_error'],
  },
  demoOutbox: {
    method: 'GET',
    path: '/api/demo/outbox',
    auth: false,
    summary: 'Demo mode only: the messages that would have been sent, newest first',
    request: null,
    success: { status: 200, schema: demoOutboxSchema },
    problems: ['internal_error'],
  },
} as const satisfies Record<string, OperationDefinition>;

/** Request body type of an operation (`undefined` when it takes none). */
export type OperationRequest<N extends OperationName> = Operations[N]['request'] extends z.ZodType
  ? z.input<Operations[N]['request']>
  : undefined;
/** Success body type of an operation (`undefined` for 204). */
export type OperationResponse<N extends OperationName> = Operations[N]['success']['schema'] extends z.ZodType
  ? z.output<Operations[N]['success']['schema']>
  : undefined;

/** Fills a path template: `/api/v1/flows/{flowId}` + {flowId} → `/api/v1/flows/f_1`. Values are URI-encoded. */
export function fillPath(template: string, params: Readonly<Record<string, string>>): string {
  return template.replace(/\{([A-Za-z]+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

/** The same template in Fastify's route syntax: `/api/v1/flows/:flowId`. */
export function toRouterPath(template: string): string {
  return template.replace(/\{([A-Za-z]+)\}/g, ':$1');
}
