import type { TestApp } from './test-app';

/** A stored description, as the queue writes it, with the given alt text. */
export async function insertDescriptionFor(t: TestApp, imageId: string, userId: number, altText: string): Promise<void> {
  const now = t.clock.now().getTime();
  await t.deps.db('descriptions').insert({
    image_id: imageId,
    user_id: userId,
    alt_text: altText,
    caption: `${altText}, captioned`,
    title: '',
    description: '',
    tags_json: '[]',
    filename: 'x.jpg',
    text: '',
    describer: 'openai',
    model: 'test',
    prompt_version: '1',
    duration_ms: 1,
    created_at: now,
    updated_at: now,
  });
}
