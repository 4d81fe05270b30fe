import type { EventTypeEntry } from '../catalog.js';
import { jsonCodec, type PayloadCodec } from '../codec/codec.js';

/** Picks the codec for a topic, e.g. from its Pub/Sub schema settings; called once per topic. */
export type CodecResolver = (entry: EventTypeEntry, topic: string) => PayloadCodec | Promise<PayloadCodec>;

/** One codec for every topic, or a resolver per topic. Default: plain JSON. */
export type CodecChoice = PayloadCodec | CodecResolver;

/** Caches the codec per topic so a resolver that asks the broker runs once. */
export class TopicCodecs {
  private readonly byTopic = new Map<string, Promise<PayloadCodec>>();
  private readonly resolved = new Map<string, PayloadCodec>();

  constructor(private readonly choice: CodecChoice = jsonCodec) {}

  /** The codec without waiting, when one codec serves every topic or the resolver already answered. */
  known(topic: string): PayloadCodec | undefined {
    return typeof this.choice === 'function' ? this.resolved.get(topic) : this.choice;
  }

  forTopic(entry: EventTypeEntry, topic: string): Promise<PayloadCodec> {
    let codec = this.byTopic.get(topic);
    if (!codec) {
      const choice = this.choice;
      codec = typeof choice === 'function' ? Promise.resolve(choice(entry, topic)) : Promise.resolve(choice);
      codec.then(
        (resolved) => void this.resolved.set(topic, resolved),
        () => this.byTopic.delete(topic),
      );
      this.byTopic.set(topic, codec);
    }
    return codec;
  }
}
