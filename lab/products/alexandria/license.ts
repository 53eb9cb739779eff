// Alexandria's licence surface: tier from the values file, seats counted in the database.

const DAY = 86_400_000;
const SEAT_LIMIT: Record<string, number> = { starter: 10, professional: 50, enterprise: 500 };

/** Tier, seat limit and expiry the process was configured with. */
export function licenseTerms(
  env: NodeJS.ProcessEnv,
  bootedAt: number,
): { tier: string; max_seats: number; expires_at: string } {
  const tier = env.ALEXANDRIA_TIER ?? "starter";
  const fixed = env.ALEXANDRIA_LICENSE_EXPIRES_AT
    ? Date.parse(env.ALEXANDRIA_LICENSE_EXPIRES_AT)
    : Number.NaN;
  const days = Number(env.ALEXANDRIA_LICENSE_DAYS ?? "365");
  const expires = Number.isFinite(fixed) ? fixed : bootedAt + (Number.isFinite(days) ? days : 365) * DAY;
  return { tier, max_seats: SEAT_LIMIT[tier] ?? 10, expires_at: new Date(expires).toISOString() };
}
