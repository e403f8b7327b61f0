/**
 * Asks an OpenAI-compatible chat model for more ways customers ask one FAQ item (相似问法). The
 * request is what every provider in provider-presets.ts accepts: no response_format (DashScope
 * takes json_object only when the prompt says "JSON", thinking models not at all), a plain prompt
 * that asks for a JSON array, and an answer read leniently (a ```json fence, text around it) but
 * kept strictly: short strings only, none the item already lists.
 */
import type { EmbeddingsClient } from './embeddings-client.ts';
import { SemanticError } from './semantic-error.ts';

export interface ExpandItem {
  id: string;
  label: string;
  questions: readonly string[];
  answer?: string;
}

const MAX_LENGTH = 60;

export function expandPrompt(item: ExpandItem, count: number): { role: string; content: string }[] {
  return [
    {
      role: 'system',
      content:
        '你是微信客服知识库的编辑，帮商家为常见问题补充顾客可能的打字问法（相似问法）。只输出一个 JSON 数组，数组里每项是一条问法字符串，不要任何解释。',
    },
    {
      role: 'user',
      content: [
        `常见问题：${item.label}`,
        item.answer ? `答案：${item.answer}` : '',
        `已有问法：${item.questions.join('；')}`,
        `请再写 ${count} 条不同的顾客问法：口语化、简短、像真实顾客在手机上打字（可以有语气词、错别字、繁体字），意思必须是问这个问题，不要与已有问法重复。输出 JSON 数组。`,
      ]
        .filter(Boolean)
        .join('\n'),
    },
  ];
}

/** The proposed questions in a chat answer: the first JSON array of strings in its content. */
export function readProposedQuestions(answer: unknown, known: readonly string[], count: number): string[] {
  const content = (answer as { choices?: { message?: { content?: unknown } }[] })?.choices?.[0]?.message
    ?.content;
  if (typeof content !== 'string')
    throw new SemanticError('bad-answer', 'the chat answer has no choices[0].message.content');
  const start = content.indexOf('[');
  const end = content.lastIndexOf(']');
  let list: unknown;
  try {
    list = start >= 0 && end > start ? JSON.parse(content.slice(start, end + 1)) : undefined;
  } catch {}
  if (!Array.isArray(list))
    throw new SemanticError(
      'bad-answer',
      `the chat model did not answer a JSON array: ${JSON.stringify(content.slice(0, 80))}`,
    );
  const seen = new Set(known.map((q) => q.trim()));
  const out: string[] = [];
  for (const q of list) {
    if (typeof q !== 'string') continue;
    const t = q.trim();
    if (t === '' || t.length > MAX_LENGTH || seen.has(t)) continue;
    seen.add(t);
    out.push(t);
    if (out.length === count) break;
  }
  return out;
}

export async function expandQuestions(
  client: EmbeddingsClient,
  model: string,
  item: ExpandItem,
  opts: { count: number; deadline: number },
): Promise<string[]> {
  const answer = await client.chat(
    { model, messages: expandPrompt(item, opts.count), temperature: 0.7, max_tokens: 600 },
    opts.deadline,
  );
  return readProposedQuestions(answer, item.questions, opts.count);
}
