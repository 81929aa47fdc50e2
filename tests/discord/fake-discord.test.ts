/**
 * Proves the fake Discord works with the real discord.js Client: login over the fake gateway,
 * interactions in, REST calls out (callbacks, webhook edits, follow-ups, channel posts).
 */
import { once } from 'node:events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, DiscordAPIError, GatewayIntentBits, type Interaction, type TextChannel } from 'discord.js';
import { FakeDiscord } from '../support/fake-discord.ts';

let fake: FakeDiscord;
let client: Client;

beforeEach(async () => {
  fake = await FakeDiscord.start();
  client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  const ready = once(client, 'clientReady');
  await client.login(fake.token);
  await ready;
});

afterEach(async () => {
  await client.destroy();
  await fake.stop();
});

/** Runs `fn` on the next interaction; the returned promise settles when the handler finishes. */
function onNextInteraction(fn: (interaction: Interaction) => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    client.once('interactionCreate', (interaction) => void fn(interaction).then(resolve, reject));
  });
}

describe('FakeDiscord with the real discord.js client', () => {
  it('logs in and resolves the guild, channel and bot user', () => {
    expect(fake.token).toMatch(/^[\w-]{24,}\.[\w-]{6}\.[\w-]{27,}$/);
    expect(client.user?.id).toBe(fake.botUserId);
    expect(client.guilds.cache.get(fake.guildId)?.available).toBe(true);
    expect(client.channels.cache.get(fake.channelId)?.isTextBased()).toBe(true);
    expect(fake.connectedSessions()).toBe(1);
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toContain('GET /gateway/bot');
  });

  it('handles a slash command: defer, edit with a file, follow up', async () => {
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error(`unexpected interaction type ${interaction.type}`);
      expect(interaction.commandName).toBe('ping');
      expect(interaction.options.getInteger('n')).toBe(4);
      expect(interaction.guild?.id).toBe(fake.guildId);
      expect(interaction.channel?.id).toBe(fake.channelId);
      expect(interaction.memberPermissions?.bitfield).toBe(0n);
      await interaction.deferReply();
      await interaction.editReply({ content: 'pong', files: [{ attachment: Buffer.from('hello'), name: 'a.txt' }] });
      await interaction.followUp('more');
    });
    const handle = fake.interact({ name: 'ping', options: [{ name: 'n', type: 4, value: 4 }] });
    await handled;

    expect((await handle.callback()).type).toBe(5);
    const original = handle.original();
    expect(original?.content).toBe('pong');
    expect(original?.attachments.map((a) => a.filename)).toEqual(['a.txt']);
    expect(original?.files[0]?.data.toString()).toBe('hello');
    const download = await fetch(original!.attachments[0]!.url);
    expect(await download.text()).toBe('hello');
    expect(handle.followUps().map((m) => m.content)).toEqual(['more']);
    expect(fake.channelMessages(fake.channelId).map((m) => m.content)).toEqual(['pong', 'more']);
    expect(fake.requests.find((r) => r.method === 'PATCH')?.path).toBe(`/webhooks/${fake.applicationId}/${handle.token}/messages/@original`);
  });

  it('answers a button with update() → callback type 7', async () => {
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isButton()) throw new Error('expected a button interaction');
      expect(interaction.customId).toBe('retry');
      await interaction.update({ content: 'clicked', components: [] });
    });
    const handle = fake.interact({ type: 3, customId: 'retry', componentType: 2 });
    await handled;

    const callback = await handle.callback();
    expect(callback.type).toBe(7);
    expect(callback.data.content).toBe('clicked');
    expect(handle.original()).toMatchObject({ content: 'clicked', components: [], edits: 1 });
  });

  it('answers autocomplete with respond() → callback type 8', async () => {
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error('expected autocomplete');
      const focused = interaction.options.getFocused();
      await interaction.respond([{ name: `${focused}c`, value: `${focused}c` }]);
    });
    const handle = fake.interact({ type: 4, name: 'search', options: [{ name: 'q', type: 3, value: 'ab' }] });
    await handled;

    expect(await handle.callback()).toMatchObject({ type: 8, data: { choices: [{ name: 'abc', value: 'abc' }] } });
  });

  it('rate-limits an edit with 429; discord.js waits and retries', async () => {
    fake.rateLimitNext(/\/messages\/@original$/, 0.2);
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a command');
      await interaction.deferReply();
      await interaction.editReply('after the limit');
    });
    const handle = fake.interact({ name: 'ping' });
    await handled;

    const edits = fake.requests.filter((r) => r.method === 'PATCH');
    expect(edits.map((r) => r.status)).toEqual([429, 200]);
    expect(edits[1]!.at - edits[0]!.at).toBeGreaterThanOrEqual(200);
    expect(handle.original()?.content).toBe('after the limit');
  });

  it('dedupes channel posts with the same nonce and enforce_nonce', async () => {
    const channel = client.channels.cache.get(fake.channelId) as TextChannel;
    const first = await channel.send({ content: 'once', nonce: 'job-42', enforceNonce: true });
    const second = await channel.send({ content: 'once', nonce: 'job-42', enforceNonce: true });

    expect(second.id).toBe(first.id);
    expect(fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/messages'))).toHaveLength(2);
    expect(fake.channelMessages(fake.channelId).map((m) => m.content)).toEqual(['once']);
  });

  it('rejects edits after the interaction token expired (50027)', async () => {
    let error: unknown;
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a command');
      await interaction.deferReply();
      fake.expireToken(interaction.token);
      error = await interaction.editReply('too late').catch((err: unknown) => err);
    });
    fake.interact({ name: 'ping' });
    await handled;

    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(error).toMatchObject({ code: 50027, status: 401 });
  });

  it('refuses a second acknowledgement (40060)', async () => {
    let error: unknown;
    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a command');
      await interaction.reply('first');
      // Bypass discord.js's own "already replied" guard to reach the API.
      error = await client.rest
        .post(`/interactions/${interaction.id}/${interaction.token}/callback`, { body: { type: 4, data: { content: 'x' } }, auth: false })
        .catch((err: unknown) => err);
    });
    fake.interact({ name: 'ping' });
    await handled;

    expect(error).toMatchObject({ code: 40060, status: 400 });
  });

  it('answers 404 Unknown Channel after deleteChannel', async () => {
    const channel = client.channels.cache.get(fake.secondChannelId) as TextChannel;
    fake.deleteChannel(fake.secondChannelId);
    await expect(channel.send('hi')).rejects.toMatchObject({ code: 10003, status: 404 });
  });

  it('stores bulk-overwritten commands and uses their ids in interactions', async () => {
    await client.application!.commands.set([{ name: 'ping', description: 'Ping' }]);
    await client.application!.commands.set([{ name: 'gen', description: 'Generate' }], fake.guildId);
    expect(fake.commands.global.map((c) => c.name)).toEqual(['ping']);
    expect(fake.commands.guild.get(fake.guildId)?.map((c) => c.name)).toEqual(['gen']);

    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a command');
      expect(interaction.commandId).toBe(fake.commands.global[0].id);
      await interaction.reply({ content: 'ok', flags: 64 });
    });
    const handle = fake.interact({ name: 'ping' });
    await handled;
    expect(handle.original()).toMatchObject({ content: 'ok', flags: 64 });
  });

  it('resumes after dropped gateway connections and still delivers interactions', async () => {
    const resumed = once(client, 'shardResume');
    fake.dropConnections();
    await resumed;
    expect(fake.connectedSessions()).toBe(1);

    const handled = onNextInteraction(async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error('expected a command');
      await interaction.reply('still here');
    });
    const handle = fake.interact({ name: 'ping' });
    await handled;
    expect(handle.original()?.content).toBe('still here');
  });

  it('records unknown routes as 404 and explains waitFor timeouts', async () => {
    await expect(client.rest.get('/nope')).rejects.toMatchObject({ status: 404 });
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: '/nope', status: 404 });
    await expect(fake.waitFor((r) => r.path === '/never', 50)).rejects.toThrow(/GET \/nope/);
  });
});
