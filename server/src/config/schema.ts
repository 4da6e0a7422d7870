// The one configuration schema: the file (YAML or JSON) after environment overrides.
// Sections live beside the code that owns them; this file only composes them.
import { z } from 'zod';
import { decoySharesFor } from '../flows-service/flows-config.js';
import { directoryConfigSchema } from './directory-config.js';
import { serviceSections } from './service-config.js';

export const configSchema = z
  .strictObject({
    directory: directoryConfigSchema,
    ...serviceSections,
  })
  // A policy's own decoy shares apply over the global ones: the pair must still leave room.
  .superRefine((config, ctx) => {
    config.access.policies.forEach((policy, i) => {
      const shares = decoySharesFor(config.flows.decoyShares, policy);
      if (shares.smsAndEmail + shares.smsOnly > 1 + 1e-9) {
        ctx.addIssue({
          code: 'custom',
          path: ['access', 'policies', i, 'decoyShares', 'smsOnly'],
          message: 'smsAndEmail and smsOnly together (with flows.decoyShares) are at most 1',
        });
      }
    });
    // Decoy numbers abroad only from where real ones can be offered; the default region has its share.
    const { defaultRegion } = config.flows;
    const allowed = config.delivery.smsCountries;
    const checkCountries = (countries: Record<string, number> | undefined, path: (string | number)[]) => {
      for (const region of Object.keys(countries ?? {})) {
        const message =
          region === defaultRegion
            ? 'must not be listed: it is flows.defaultRegion, whose share decoyShares.defaultRegion sets'
            : allowed.length === 0
              ? 'SMS is off (delivery.smsCountries is empty): no decoy shows a number'
              : !allowed.includes(region)
                ? 'not on delivery.smsCountries: no real number from it can be offered, so a decoy number from it would mark the name as unknown'
                : undefined;
        if (message) ctx.addIssue({ code: 'custom', path: [...path, region], message });
      }
    };
    checkCountries(config.flows.decoyCountries, ['flows', 'decoyCountries']);
    config.access.policies.forEach((policy, i) =>
      checkCountries(policy.decoyCountries, ['access', 'policies', i, 'decoyCountries']),
    );
  });

export type MyPassConfig = z.infer<typeof configSchema>;
