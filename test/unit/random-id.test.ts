import { expect } from 'chai';
import { randomId } from '../../server/services/ingest';
import { csvCell } from '../../server/services/exports/csv';

describe('ids of batches and images', () => {
  it('are 22 characters of base64url that a CSV export writes as they are', () => {
    const ids = Array.from({ length: 5000 }, randomId);
    for (const id of ids) {
      expect(id).to.match(/^[A-Za-z0-9][A-Za-z0-9_-]{21}$/);
      expect(csvCell(id)).to.equal(id);
    }
    expect(new Set(ids).size).to.equal(ids.length);
  });
});
