// The `directory` section: how the API reaches Entra ID (owned by the Entra connector).
import { z } from 'zod';

export const directoryConfigSchema = z.strictObject({});

export type DirectoryConfig = z.infer<typeof directoryConfigSchema>;
