import { expect } from 'chai';
import { formatTime } from '../../server/view-helpers';

describe('formatTime', () => {
  it('prints the UTC minute as toISOString() does, across centuries, leap days and both ends of a day', () => {
    const samples = [-6e13, 0, 951_782_400_000, 1_709_164_799_999, 1_764_288_000_000, 253_402_300_799_999, -1, -2_208_988_800_000];
    for (let ms = -1e12; ms < 4e12; ms += 7_777_777_777) samples.push(Math.round(ms));
    for (const ms of samples) {
      const iso = new Date(ms).toISOString();
      expect(formatTime(ms), String(ms)).to.equal(`${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`);
    }
  });

  it('takes the string form a database driver may return', () => {
    expect(formatTime('1764288000000')).to.equal('2025-11-28 00:00 UTC');
  });

  it('prints nothing for a missing or unreadable time instead of failing the page', () => {
    expect(formatTime(null)).to.equal('');
    expect(formatTime(undefined)).to.equal('');
    expect(formatTime('yesterday')).to.equal('');
    expect(formatTime(Number.NaN)).to.equal('');
  });

  it('keeps the minute for years outside 0000–9999', () => {
    expect(formatTime(8.64e15)).to.equal('+275760-09-13 00:00 UTC');
    expect(formatTime(-62_198_755_200_000)).to.equal('-000001-01-01 00:00 UTC');
  });
});
