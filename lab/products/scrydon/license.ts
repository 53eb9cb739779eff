// Scrydon's licence: an expiry from SCRYDON_LICENSE_EXPIRES_AT, or SCRYDON_LICENSE_DAYS from the first boot.

/** What GET /license answers. */
export interface LicenseInfo {
  licensee: string;
  expires_at: string;
  days_remaining: number;
  valid: boolean;
}

const DAY = 86_400_000;

/** Compute the licence the process was configured with, relative to `now`. */
export function licenseInfo(env: NodeJS.ProcessEnv, bootedAt: number, now = Date.now()): LicenseInfo {
  const fixed = env.SCRYDON_LICENSE_EXPIRES_AT ? Date.parse(env.SCRYDON_LICENSE_EXPIRES_AT) : Number.NaN;
  const days = Number(env.SCRYDON_LICENSE_DAYS ?? "365");
  const expires = Number.isFinite(fixed) ? fixed : bootedAt + (Number.isFinite(days) ? days : 365) * DAY;
  const remaining = Math.ceil((expires - now) / DAY);
  return {
    licensee: env.SCRYDON_LICENSEE ?? "Lab Customer",
    expires_at: new Date(expires).toISOString(),
    days_remaining: remaining,
    valid: expires > now,
  };
}
