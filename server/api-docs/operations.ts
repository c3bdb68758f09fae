export interface Operation {
  method: string;
  path: string;
  id: string;
  summary: string;
  description?: string;
  parameters: { name: string; in: string; required: boolean; description?: string }[];
  requestTypes: string[];
  responses: { status: string; description: string }[];
}

type Doc = { paths?: Record<string, Record<string, unknown>> };
type RawOperation = {
  operationId?: string;
  summary?: string;
  description?: string;
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content?: Record<string, unknown> };
  responses?: Record<string, { description?: string }>;
};

export const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Flattens the document's paths into one list of operations, path-level parameters included. */
export function operationsOf(document: Doc): Operation[] {
  return Object.entries(document.paths ?? {}).flatMap(([path, item]) => {
    const shared = (item.parameters as RawOperation['parameters']) ?? [];
    return HTTP_METHODS.filter((m) => item[m]).map((method) => {
      const op = item[method] as RawOperation;
      return {
        method: method.toUpperCase(),
        path,
        id: op.operationId ?? `${method}-${path}`,
        summary: op.summary ?? '',
        description: op.description,
        parameters: [...shared, ...(op.parameters ?? [])].map((p) => ({ name: p.name, in: p.in, required: Boolean(p.required), description: p.description })),
        requestTypes: Object.keys(op.requestBody?.content ?? {}),
        responses: Object.entries(op.responses ?? {}).map(([status, r]) => ({ status, description: r.description ?? '' })),
      };
    });
  });
}
