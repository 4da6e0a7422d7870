// The one configuration schema: the file (YAML or JSON) after environment overrides.
// Sections live beside the code that owns them; this file only composes them.
import { z } from 'zod';
import { directoryConfigSchema } from './directory-config.js';
import { serviceSections } from './service-config.js';

export const configSchema = z.strictObject({
  directory: directoryConfigSchema,
  ...serviceSections,
});

export type MyPassConfig = z.infer<typeof configSchema>;
