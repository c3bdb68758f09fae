import { performance } from 'node:perf_hooks';
import { MODEL_HONOURS } from './honours';
import OpenAI from 'openai';
import type { Config } from '../config';
import type { Logger } from '../logger';
import { imageDestination } from '../services/privacy/destination';
import { PROMPT_VERSION, systemPrompt, userPrompt } from './prompt';
import { outputSchema, parseAnswer } from './output';
import { parseTranslation, TRANSLATION_SCHEMA, translationPrompt, translationRequest } from './translations';
import { ModelServerPool } from './model-servers';
import { DescriberError, type DescribeInput, type DescribeOptions, type Describer, type Description, type Destination, type TranslatedText } from './types';

type Mode = 'json_schema' | 'json_object';

export interface OpenAIDescriberOptions {
  apiKey?: string;
  baseUrl?: string;
  model: string;
  timeoutMs: number;
  logger?: Logger;
  /** Where images go, as the privacy page names it; defaults to the base URL's host. */
  destination?: Destination;
}

/**
 * Any OpenAI-compatible chat completions server (OpenAI, Ollama, vLLM, LM Studio, llama.cpp).
 * This is the only module that imports `openai`. The SDK's own retries are off: the queue owns
 * retries, so one failure never multiplies into SDK attempts × queue attempts.
 */
export class OpenAIDescriber implements Describer {
  readonly name = 'openai' as const;
  readonly destination: Destination;
  readonly honours = MODEL_HONOURS;
  private readonly client: OpenAI;
  /** Starts with strict structured output; drops to JSON mode for good once a server refuses it. */
  private mode: Mode = 'json_schema';

  constructor(private readonly opts: OpenAIDescriberOptions) {
    this.client = new OpenAI({
      // Local servers take no key, but the SDK insists on one; never fall back to the environment.
      apiKey: opts.apiKey || 'no-key',
      baseURL: opts.baseUrl,
      timeout: opts.timeoutMs,
      maxRetries: 0,
    });
    this.destination = opts.destination ?? { offMachine: true, host: new URL(opts.baseUrl ?? 'https://api.openai.com/v1').hostname };
  }

  get structuredOutputMode(): Mode {
    return this.mode;
  }

  async describe(input: DescribeInput, options: DescribeOptions, signal?: AbortSignal): Promise<Description> {
    const started = performance.now();
    const schema = outputSchema(options.pattern);
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.request(input, options, schema, signal);
    } catch (err) {
      if (this.mode === 'json_schema' && refusesJsonSchema(err)) {
        this.mode = 'json_object';
        this.opts.logger?.info({ baseUrl: this.opts.baseUrl }, 'model server refuses json_schema; using JSON mode');
        completion = await this.request(input, options, schema, signal).catch((e: unknown) => {
          throw toDescriberError(e, this.opts.model);
        });
      } else {
        throw toDescriberError(err, this.opts.model);
      }
    }
    const choice = completion.choices[0];
    if (!choice) throw new DescriberError('The model server sent an empty answer.', true);
    if (choice.message.refusal || choice.finish_reason === 'content_filter') {
      throw new DescriberError('The model declined to describe this image.', false);
    }
    const fields = parseAnswer(choice.message.content ?? '', options, input.originalName);
    return {
      ...fields,
      provenance: {
        describer: 'openai',
        model: completion.model || this.opts.model,
        promptVersion: PROMPT_VERSION,
        inputTokens: completion.usage?.prompt_tokens ?? null,
        outputTokens: completion.usage?.completion_tokens ?? null,
        durationMs: Math.round(performance.now() - started),
        draft: false,
        notes: [],
      },
    };
  }

  /** The text in another language: a text-only request, the fields capped as a description's are. */
  async translate(text: TranslatedText, to: string, options: DescribeOptions, signal?: AbortSignal): Promise<TranslatedText> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(
        {
          model: this.opts.model,
          messages: [
            { role: 'system', content: translationPrompt() },
            { role: 'user', content: translationRequest(text, options.language, to, options.altTextLength) },
          ],
          response_format: this.mode === 'json_schema'
            ? { type: 'json_schema', json_schema: { name: 'translation', strict: true, schema: TRANSLATION_SCHEMA } }
            : { type: 'json_object' },
          temperature: 0.2,
          store: false,
        },
        { signal },
      );
    } catch (err) {
      throw toDescriberError(err, this.opts.model);
    }
    return parseTranslation(completion.choices[0]?.message.content ?? '', text, options.altTextLength);
  }

  async close(): Promise<void> {
    // The SDK uses global fetch; there is no pool of our own to release.
  }

  private request(input: DescribeInput, options: DescribeOptions, schema: Record<string, unknown>, signal?: AbortSignal) {
    const dataUrl = `data:${input.mimeType};base64,${input.image.toString('base64')}`;
    // JSON mode gets the schema in the prompt, since the server will not enforce it.
    const shape = this.mode === 'json_object' ? JSON.stringify(schema) : undefined;
    const responseFormat: OpenAI.Chat.Completions.ChatCompletionCreateParams['response_format'] =
      this.mode === 'json_schema'
        ? { type: 'json_schema', json_schema: { name: 'image_description', strict: true, schema } }
        : { type: 'json_object' };
    return this.client.chat.completions.create(
      {
        model: this.opts.model,
        messages: [
          { role: 'system', content: systemPrompt() },
          {
            role: 'user',
            content: [
              { type: 'text', text: userPrompt(input, options, shape) },
              { type: 'image_url', image_url: { url: dataUrl } },
            ],
          },
        ],
        response_format: responseFormat,
        temperature: 0.2,
        // Asks the provider not to keep this exchange (OpenAI's stored completions); servers without
        // stored completions ignore it. Nothing in the request names the user, the batch or the image.
        store: false,
      },
      { signal },
    );
  }
}

/** One model server, or a pool of them when OPENAI_BASE_URL names several. */
export function createOpenAIDescriber(config: Config, logger?: Logger): Describer {
  // One definition of "leaves this machine", shared with the privacy page.
  const where = imageDestination(config);
  const destination: Destination = where.offMachine
    ? { offMachine: true, host: where.label, providerRetention: where.providerRetention }
    : { offMachine: false, host: 'this server' };
  if (config.openai.baseUrls.length <= 1) return new OpenAIDescriber({ ...config.openai, logger, destination });
  const servers = config.openai.baseUrls.map((url) => ({ url, describer: new OpenAIDescriber({ ...config.openai, baseUrl: url, logger, destination }) }));
  return new ModelServerPool(servers, destination, logger);
}

function refusesJsonSchema(err: unknown): boolean {
  if (!(err instanceof OpenAI.APIError) || (err.status !== 400 && err.status !== 422)) return false;
  return err.param === 'response_format' || /response_format|json_schema|structured/i.test(err.message);
}

/** Maps SDK failures to what the queue understands: retry later, or fail now with a plain reason. */
export function toDescriberError(err: unknown, model: string): DescriberError {
  if (err instanceof DescriberError) return err;
  if (err instanceof OpenAI.APIUserAbortError) return new DescriberError('The request to the model server was cancelled.', true);
  if (err instanceof OpenAI.APIConnectionTimeoutError) return new DescriberError('The model server did not answer in time.', true);
  if (err instanceof OpenAI.APIConnectionError) return new DescriberError('Could not reach the model server.', true);
  if (err instanceof OpenAI.APIError && typeof err.status === 'number') {
    const status = err.status;
    if (status === 429) return new DescriberError('The model server is busy (rate limited).', true, retryAfterMs(err.headers));
    if (status === 408 || status === 409 || status >= 500) {
      return new DescriberError(`The model server had a temporary error (${status}).`, true, retryAfterMs(err.headers));
    }
    if (status === 401 || status === 403) return new DescriberError(`The model server refused our credentials (${status}).`, false);
    if (status === 404) return new DescriberError(`The model "${model}" was not found on the model server.`, false);
    return new DescriberError(`The model server refused this image (${status}): ${serverMessage(err)}`, false);
  }
  if (err instanceof SyntaxError || err instanceof OpenAI.OpenAIError) {
    return new DescriberError('The model server sent an answer Sightline could not read.', true);
  }
  return new DescriberError('Unexpected error while describing the image.', true);
}

/** `retry-after-ms`, then `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined, now = Date.now()): number | undefined {
  const ms = Number(headers?.get('retry-after-ms'));
  if (headers?.get('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The server's own words help an admin, but are capped and never carry data URLs. */
function serverMessage(err: InstanceType<typeof OpenAI.APIError>): string {
  const body = err.error as { message?: unknown } | undefined;
  const text = typeof body?.message === 'string' ? body.message : err.message;
  return text.replace(/data:[^\s"']+/g, '[image]').slice(0, 200);
}
