import { embedMetadata } from '../../server/services/embed-metadata';
import { exiftoolWrite } from './exiftool';
import { fixture } from './image-fixtures';

/**
 * A photo described before it reached us: alt text, title, caption and keywords in two languages (as
 * Sightline itself writes them with --embed, markup in the alt text), and a rating from a photo manager.
 */
export function describedBefore(): Buffer {
  const written = embedMetadata(fixture('dog.jpg'), {
    altText: 'A dog <b>asleep</b> & dreaming',
    extendedDescription: 'A long description.',
    caption: 'Sunday afternoon on the rug.',
    title: 'Dog on a rug',
    tags: ['dog', 'rug'],
    language: 'de',
  });
  return exiftoolWrite(written, 'jpg', ['-XMP-xmp:Rating=4']);
}
