// The API's own sections (server, store, limits, policies, delivery, audit, demo), owned by the app.
import type { z } from 'zod';

export const serviceSections = {} satisfies Record<string, z.ZodType>;
