import type { Deps } from '../../deps';
import { readInstanceSettings, writeInstanceSetting } from '../../db/privacy-settings';

/** Instance-wide privacy switches; an environment variable that forces one wins over the admin page. */
export interface InstancePrivacy {
  zeroRetentionOnly: boolean;
  zeroRetentionOnlyForcedByEnv: boolean;
  publicDescribePage: boolean;
}

export async function instancePrivacy(deps: Deps): Promise<InstancePrivacy> {
  const stored = await readInstanceSettings(deps.db);
  return {
    zeroRetentionOnly: deps.config.zeroRetentionOnly || stored.get('zero_retention_only') === 'true',
    zeroRetentionOnlyForcedByEnv: deps.config.zeroRetentionOnly,
    publicDescribePage: stored.get('public_describe_page') === 'true',
  };
}

export async function updateInstancePrivacy(deps: Deps, input: { zero_retention_only?: unknown; public_describe_page?: unknown }): Promise<void> {
  const now = deps.clock.now().getTime();
  const on = (value: unknown) => (value === 'on' || value === 'true' ? 'true' : 'false');
  await writeInstanceSetting(deps.db, 'zero_retention_only', on(input.zero_retention_only), now);
  await writeInstanceSetting(deps.db, 'public_describe_page', on(input.public_describe_page), now);
}
