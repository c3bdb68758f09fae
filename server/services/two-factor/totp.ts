import { generateSecret, generateURI, verifySync } from 'otplib';
import QRCode from 'qrcode';
import type { Deps } from '../../deps';
import { seal, open } from '../../storage/blob-cipher';
import { claimTotpStep, confirmTotp, findTotp, putPendingTotp, replaceRecoveryCodes } from '../../db/two-factor';
import { newRecoveryCode, tokenHash } from './secrets';

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = 'Sightline';
/** One 30-second step either side of now, for clocks that drift a little (RFC 6238 section 5.2). */
const TOLERANCE_SECONDS = 30;

type TotpDeps = Pick<Deps, 'config' | 'db' | 'clock'>;

function sealSecret(deps: Pick<Deps, 'config'>, userId: number, secret: string): string {
  return seal(deps.config.encryptionKey, `totp-secret:${userId}`, Buffer.from(secret)).toString('base64');
}

function openSecret(deps: Pick<Deps, 'config'>, userId: number, sealed: string): string {
  return open(deps.config.encryptionKey, `totp-secret:${userId}`, Buffer.from(sealed, 'base64')).toString();
}

function epochSeconds(deps: Pick<Deps, 'clock'>): number {
  return Math.floor(deps.clock.now().getTime() / 1000);
}

/** The time step a code matches, or undefined. `afterStep` refuses steps already used. */
function matchingStep(deps: Pick<Deps, 'clock'>, secret: string, code: string, afterStep: number | null): number | undefined {
  if (!/^\d{6}$/.test(code)) return undefined;
  const result = verifySync({
    secret,
    token: code,
    epoch: epochSeconds(deps),
    epochTolerance: TOLERANCE_SECONDS,
    ...(afterStep === null ? {} : { afterTimeStep: afterStep }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : undefined;
}

export interface PendingEnrolment {
  secret: string;
  uri: string;
  /** The otpauth URI as an SVG QR code, as a data: URL (the CSP allows data: images). */
  qrDataUrl: string;
}

/** Makes a new unconfirmed secret (replacing an earlier unconfirmed one); a confirmed one stays. */
export async function startTotpEnrolment(deps: TotpDeps, userId: number): Promise<void> {
  const existing = await findTotp(deps.db, userId);
  if (existing?.confirmed_at) return;
  await putPendingTotp(deps.db, userId, sealSecret(deps, userId, generateSecret()), deps.clock.now().getTime());
}

/** The unconfirmed secret to show, with its QR code; undefined when none is waiting. */
export async function pendingTotpEnrolment(deps: TotpDeps, userId: number, label: string): Promise<PendingEnrolment | undefined> {
  const row = await findTotp(deps.db, userId);
  if (!row || row.confirmed_at) return undefined;
  const secret = openSecret(deps, userId, row.secret_encrypted);
  const uri = generateURI({ issuer: ISSUER, label, secret });
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, uri, qrDataUrl: `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` };
}

/** Turns TOTP on when the code matches the waiting secret; returns the new recovery codes, shown once. */
export async function confirmTotpEnrolment(deps: TotpDeps, userId: number, code: string): Promise<string[] | undefined> {
  const row = await findTotp(deps.db, userId);
  if (!row || row.confirmed_at) return undefined;
  const step = matchingStep(deps, openSecret(deps, userId, row.secret_encrypted), code.trim(), null);
  if (step === undefined || !(await confirmTotp(deps.db, userId, step, deps.clock.now().getTime()))) return undefined;
  return newRecoveryCodes(deps, userId);
}

/** Ten new recovery codes; the earlier ones stop working. Only their hashes are kept. */
export async function newRecoveryCodes(deps: TotpDeps, userId: number): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => newRecoveryCode());
  await replaceRecoveryCodes(deps.db, userId, codes.map((c) => tokenHash(deps.config, 'recovery code', c)), deps.clock.now().getTime());
  return codes;
}

/** Whether the code is right now and its time step was not used before (then it is used up). */
export async function checkTotpCode(deps: TotpDeps, userId: number, code: string): Promise<boolean> {
  const row = await findTotp(deps.db, userId);
  if (!row?.confirmed_at) return false;
  const step = matchingStep(deps, openSecret(deps, userId, row.secret_encrypted), code, row.last_used_step);
  return step !== undefined && claimTotpStep(deps.db, userId, step);
}
