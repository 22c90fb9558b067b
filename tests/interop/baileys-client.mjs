// An unmodified Baileys 7 client, driven line by line by a test (TestKit NodeProcess).
// The only runtime change: WA_CERT_DETAILS.PUBLIC_KEY is overwritten with the server's root key, so Baileys
// trusts the sandbox's certificate chain. Media TLS trust comes from NODE_EXTRA_CA_CERTS (set by the test).
//
// Requests:
//   {op:'start', wsUrl, rootKey (base64), authDir, browser?, keepAliveMs?, queryTimeoutMs?}
//   {op:'pairing-code', phone}          -> {code}             (after start, before pairing)
//   {op:'wait', type, after?, timeoutMs?, match?}  -> the first event of that type with seq > after (and fields matching `match`)
//   {op:'events', after?}               -> {events}
//   {op:'send-text', jid, text}         -> {id}
//   {op:'send', jid, content, quotedId?} -> {id}              (any Baileys AnyMessageContent, JSON; quotedId replies to a
//                                                              message this client sent or received)
//   {op:'send-media', jid, kind, data (base64), mimetype, caption?, fileName?, ptt?} -> {id}
//                                                             (kind: image|video|audio|document|sticker; Baileys encrypts
//                                                              and uploads through media_conn itself)
//   {op:'download', id}                 -> {sha256 (hex), length}  (downloadMediaMessage of a message seen)
//   {op:'vote', jid, pollId, options}   -> {id, creator, voter}  (votes on a poll this client saw: Baileys rc14 has no
//                                                              vote builder, so the harness encrypts the vote itself
//                                                              with node:crypto as WhatsApp clients do, checks that
//                                                              Baileys' own decryptPollVote reads it back, and sends it
//                                                              with relayMessage)
//   {op:'update-media', id}             -> {directPath}       (updateMediaMessage: asks our phone to upload expired
//                                                              media again; the message seen gets the new direct path.
//                                                              rc14's downloadMediaMessage never calls it on a 404: it
//                                                              checks error.status, which Boom errors do not have)
//   {op:'image-info', data (base64)}    -> {format, width, height}  (sharp's metadata: an independent image reader)
//   {op:'read', keys}                   -> {}
//   {op:'presence', type, jid?, name?}  -> {}                 (sendPresenceUpdate: available|unavailable, or composing|recording|paused in jid)
//   {op:'subscribe', jid}               -> {}                 (presenceSubscribe)
//   {op:'server-props'}                 -> Baileys' serverProps (what it read from the server's AB props)
//   {op:'stop'}                         -> {}                 (closes the socket, keeps auth state)
// Groups (Baileys' own group functions; a refusal answers {failed: true, status, message} instead of an error):
//   {op:'group-create', subject, participants}  -> {metadata}
//   {op:'group-metadata', jid}                   -> {metadata}
//   {op:'group-participating'}                   -> {groups: [metadata]}
//   {op:'group-subject', jid, subject} | {op:'group-description', jid, description}
//   {op:'group-setting', jid, setting}           (announcement | not_announcement | locked | unlocked)
//   {op:'group-participants', jid, participants, action}  -> {results: [{status, jid}]}   (add | remove | promote | demote)
//   {op:'group-invite-code', jid} -> {code}  |  {op:'group-revoke-invite', jid} -> {code}
//   {op:'group-accept-invite', code} -> {jid}  |  {op:'group-leave', jid} -> {}
// Events: {seq, type: 'qr'|'open'|'close'|'creds'|'message'|'update'|'receipt'|'raw-receipt'|'presence'|'group-upsert'
//   |'group-update'|'group-participants'|'raw-ack', ...}
// On close with 515 (restart required) the harness opens a new socket with the same auth state, as Baileys asks
// applications to; other closes are reported and not retried.
import { serveLines } from './lib.mjs';

const B = await import('baileys');
const logger = (await import('pino')).default({ level: process.env.BAILEYS_LOG || 'silent' });

const events = [];
let seq = 0;
let sock = null;
let config = null;
let stopped = false;
const waiters = new Set();
// What this client sent, by id: Baileys asks for it (getMessage) to answer a peer's retry receipt.
// A peer's retry receipt can arrive before sendMessage has resolved here (the peer failed to decrypt at once), so
// getMessage waits a while for the message to be recorded, as an application reading its own store would find it.
const sentMessages = new Map();
const sentWaiters = new Map();
function recordSent(id, message) {
  sentMessages.set(id, message);
  for (const wake of sentWaiters.get(id) || []) wake(message);
  sentWaiters.delete(id);
}
function sentMessage(id, waitMs = 10_000) {
  if (sentMessages.has(id)) return Promise.resolve(sentMessages.get(id));
  return new Promise((resolve) => {
    const list = sentWaiters.get(id) || [];
    const wake = (message) => { clearTimeout(timer); resolve(message); };
    const timer = setTimeout(() => {
      const left = (sentWaiters.get(id) || []).filter((w) => w !== wake);
      if (left.length) sentWaiters.set(id, left); else sentWaiters.delete(id);
      resolve(undefined);
    }, waitMs);
    list.push(wake);
    sentWaiters.set(id, list);
  });
}
// Every message seen (sent or received), by id, as Baileys' WAMessage: what a reply quotes.
const seenMessages = new Map();

function record(type, data = {}) {
  const event = { seq: ++seq, type, ...data };
  events.push(event);
  for (const w of [...waiters]) w();
  return event;
}

function matches(event, type, after, match) {
  if (event.type !== type || event.seq <= after) return false;
  for (const [k, v] of Object.entries(match || {})) if (event[k] !== v) return false;
  return true;
}

const bodyOf = (m) => m?.conversation ?? m?.extendedTextMessage?.text ?? m?.imageMessage?.caption ?? m?.videoMessage?.caption
  ?? m?.documentMessage?.caption ?? m?.reactionMessage?.text ?? m?.protocolMessage?.editedMessage?.conversation
  ?? m?.protocolMessage?.editedMessage?.extendedTextMessage?.text ?? null;

async function open() {
  const { state, saveCreds } = await B.useMultiFileAuthState(config.authDir);
  const s = B.makeWASocket({
    auth: { creds: state.creds, keys: B.makeCacheableSignalKeyStore(state.keys, logger) },
    logger,
    waWebSocketUrl: config.wsUrl,
    browser: config.browser || B.Browsers.macOS('Chrome'),
    printQRInTerminal: false,
    markOnlineOnConnect: false,
    syncFullHistory: false,
    shouldSyncHistoryMessage: () => false,
    keepAliveIntervalMs: config.keepAliveMs || 30_000,
    defaultQueryTimeoutMs: config.queryTimeoutMs || 20_000,
    connectTimeoutMs: 20_000,
    getMessage: (key) => (key.fromMe ? sentMessage(key.id) : Promise.resolve(sentMessages.get(key.id))),
  });
  sock = s;
  s.ev.on('creds.update', async () => {
    await saveCreds();
    if (s.authState.creds.me) record('creds', { me: s.authState.creds.me.id, lid: s.authState.creds.me.lid ?? null, name: s.authState.creds.me.name ?? null, propHash: s.authState.creds.lastPropHash ?? null, registered: !!s.authState.creds.registered });
  });
  s.ev.on('connection.update', (u) => {
    if (u.qr) record('qr', { qr: u.qr });
    if (u.connection === 'open') record('open', { me: s.user?.id ?? null });
    if (u.connection === 'close') {
      const code = u.lastDisconnect?.error?.output?.statusCode ?? null;
      record('close', { code, message: String(u.lastDisconnect?.error?.message ?? '') });
      if (code === B.DisconnectReason.restartRequired && !stopped && sock === s) {
        open().catch((e) => record('error', { message: String(e) }));
      }
    }
  });
  s.ev.on('messages.upsert', ({ messages, type }) => {
    for (const m of messages) {
      seenMessages.set(m.key.id, m);
      record('message', {
        upsertType: type, id: m.key.id, remoteJid: m.key.remoteJid, fromMe: !!m.key.fromMe,
        participant: m.key.participant ?? null, remoteJidAlt: m.key.remoteJidAlt ?? null,
        body: bodyOf(m.message), message: m.message ? B.proto.Message.toObject(B.proto.Message.fromObject(m.message), { bytes: String }) : null,
        stubType: m.messageStubType ?? null, pushName: m.pushName ?? null,
      });
    }
  });
  s.ev.on('messages.update', (updates) => {
    for (const u of updates) record('update', { id: u.key.id, remoteJid: u.key.remoteJid, status: u.update?.status ?? null, edited: !!u.update?.message });
  });
  // Receipts as they arrive on the wire, with their sender (messages.update does not say which device confirmed).
  s.ws.on('CB:receipt', (node) => record('raw-receipt', { id: node.attrs.id, from: node.attrs.from, receiptType: node.attrs.type ?? null }));
  s.ev.on('groups.upsert', (groups) => {
    for (const g of groups) record('group-upsert', { id: g.id, subject: g.subject ?? null, author: g.author ?? null, participants: (g.participants || []).map((p) => p.id) });
  });
  s.ev.on('groups.update', (updates) => {
    for (const g of updates) {
      record('group-update', {
        id: g.id, subject: g.subject ?? null, desc: g.desc ?? null, announce: g.announce ?? null, restrict: g.restrict ?? null,
        inviteCode: g.inviteCode ?? null, author: g.author ?? null,
      });
    }
  });
  s.ev.on('group-participants.update', (u) => {
    record('group-participants', { id: u.id, action: u.action, author: u.author ?? null, participants: (u.participants || []).map((p) => (typeof p === 'string' ? p : p.id)) });
  });
  // Message acks as they arrive, with the server's error code and participant hash (Baileys only logs most errors).
  s.ws.on('CB:ack,class:message', (node) => record('raw-ack', { id: node.attrs.id, from: node.attrs.from, ackError: node.attrs.error ?? null, phash: node.attrs.phash ?? null }));
  s.ev.on('call', (calls) => {
    for (const c of calls) record('call', { id: c.id, from: c.from, status: c.status, isVideo: !!c.isVideo });
  });
  s.ev.on('presence.update', ({ id, presences }) => {
    for (const [participant, p] of Object.entries(presences)) record('presence', { jid: id, participant, presence: p.lastKnownPresence ?? null, lastSeen: p.lastSeen ?? null });
  });
  s.ev.on('message-receipt.update', (updates) => {
    for (const u of updates) record('receipt', { id: u.key.id, remoteJid: u.key.remoteJid, receipt: u.receipt });
  });
}

// A group function's refusal (a Boom carrying the iq error code) as data, so a test can check the code.
async function groupCall(fn) {
  try {
    return await fn();
  } catch (err) {
    // assertNodeErrorFree puts the iq's error code in data; extractGroupMetadata in the error node and the status.
    const status = typeof err?.data === 'number' ? err.data
      : err?.data?.attrs?.code ? +err.data.attrs.code
      : err?.isBoom ? err.output.statusCode : null;
    if (status === null || status === undefined) throw err;
    return { failed: true, status, message: String(err.message) };
  }
}

await serveLines(async (req) => {
  switch (req.op) {
    case 'start':
      config = req;
      stopped = false;
      B.WA_CERT_DETAILS.PUBLIC_KEY = Buffer.from(req.rootKey, 'base64');
      await open();
      return { started: true };
    case 'pairing-code':
      return { code: await sock.requestPairingCode(req.phone) };
    case 'events':
      return { events: events.filter((e) => e.seq > (req.after || 0)) };
    case 'wait': {
      const after = req.after || 0;
      const deadline = Date.now() + (req.timeoutMs || 30_000);
      for (;;) {
        const hit = events.find((e) => matches(e, req.type, after, req.match));
        if (hit) return hit;
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no '${req.type}' event after seq ${after} within ${req.timeoutMs || 30_000} ms; last events: ${JSON.stringify(events.slice(-8))}`);
        await new Promise((resolve) => {
          const w = () => { waiters.delete(w); clearTimeout(t); resolve(); };
          const t = setTimeout(w, Math.min(left, 1000));
          waiters.add(w);
        });
      }
    }
    case 'send-text': {
      const sent = await sock.sendMessage(req.jid, { text: req.text });
      seenMessages.set(sent.key.id, sent);
      recordSent(sent.key.id, sent.message);
      return { id: sent.key.id };
    }
    case 'send': {
      const quoted = req.quotedId ? seenMessages.get(req.quotedId) : undefined;
      if (req.quotedId && !quoted) throw new Error(`no message ${req.quotedId} to quote`);
      const sent = await sock.sendMessage(req.jid, req.content, quoted ? { quoted } : {});
      seenMessages.set(sent.key.id, sent);
      recordSent(sent.key.id, sent.message);
      return { id: sent.key.id };
    }
    case 'send-media': {
      const content = { [req.kind]: Buffer.from(req.data, 'base64'), mimetype: req.mimetype };
      if (req.caption) content.caption = req.caption;
      if (req.fileName) content.fileName = req.fileName;
      if (req.ptt) content.ptt = true;
      const sent = await sock.sendMessage(req.jid, content);
      seenMessages.set(sent.key.id, sent);
      recordSent(sent.key.id, sent.message);
      return { id: sent.key.id };
    }
    case 'download': {
      const m = seenMessages.get(req.id);
      if (!m) throw new Error(`no message ${req.id} seen`);
      const buffer = await B.downloadMediaMessage(m, 'buffer', {}, { logger, reuploadRequest: sock.updateMediaMessage });
      const { createHash } = await import('node:crypto');
      return { sha256: createHash('sha256').update(buffer).digest('hex'), length: buffer.length };
    }
    case 'vote': {
      const poll = seenMessages.get(req.pollId);
      if (!poll) throw new Error(`no poll ${req.pollId} seen`);
      const secret = poll.message?.messageContextInfo?.messageSecret;
      if (!secret) throw new Error(`poll ${req.pollId} has no messageSecret`);
      const { createHash, createHmac, createCipheriv, randomBytes } = await import('node:crypto');
      const meId = B.jidNormalizedUser(sock.user.id);
      const creator = B.jidNormalizedUser(B.getKeyAuthor(poll.key, meId));
      const voter = meId;
      const selectedOptions = req.options.map((o) => createHash('sha256').update(Buffer.from(o)).digest());
      const plaintext = B.proto.Message.PollVoteMessage.encode({ selectedOptions }).finish();
      const info = Buffer.concat([Buffer.from(req.pollId), Buffer.from(creator), Buffer.from(voter), Buffer.from('Poll Vote'), Buffer.from([1])]);
      const prk = createHmac('sha256', Buffer.alloc(32)).update(Buffer.from(secret)).digest();
      const voteKey = createHmac('sha256', prk).update(info).digest();
      const encIv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', voteKey, encIv);
      cipher.setAAD(Buffer.from(`${req.pollId}\u0000${voter}`));
      const encPayload = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
      const check = B.decryptPollVote({ encPayload, encIv }, { pollCreatorJid: creator, pollMsgId: req.pollId, pollEncKey: secret, voterJid: voter });
      if (check.selectedOptions.length !== selectedOptions.length) throw new Error('Baileys decryptPollVote does not read the vote back');
      const key = { remoteJid: poll.key.remoteJid, fromMe: !!poll.key.fromMe, id: poll.key.id };
      if (poll.key.participant) key.participant = poll.key.participant;
      const message = { pollUpdateMessage: { pollCreationMessageKey: key, vote: { encPayload, encIv }, senderTimestampMs: Date.now() } };
      const id = B.generateMessageIDV2(sock.user?.id);
      await sock.relayMessage(req.jid, message, { messageId: id });
      recordSent(id, B.proto.Message.fromObject(message));
      return { id, creator, voter };
    }
    case 'update-media': {
      const m = seenMessages.get(req.id);
      if (!m) throw new Error(`no message ${req.id} seen`);
      const updated = await sock.updateMediaMessage(m);
      const content = B.extractMessageContent(updated.message);
      return { directPath: content[Object.keys(content)[0]].directPath };
    }
    case 'image-info': {
      const sharp = (await import('sharp')).default;
      const meta = await sharp(Buffer.from(req.data, 'base64')).metadata();
      return { format: meta.format, width: meta.width, height: meta.height };
    }
    case 'read':
      await sock.readMessages(req.keys);
      return {};
    case 'presence':
      // Baileys learns its own push name from app-state sync (which the sandbox does not serve) and sends no
      // available/unavailable without one: `name` stands in for that sync.
      if (req.name && sock.authState.creds.me && !sock.authState.creds.me.name) sock.authState.creds.me.name = req.name;
      await sock.sendPresenceUpdate(req.type, req.jid);
      return {};
    case 'server-props':
      return { ...sock.serverProps };
    case 'subscribe':
      await sock.presenceSubscribe(req.jid);
      return {};
    case 'group-create':
      return groupCall(async () => ({ metadata: await sock.groupCreate(req.subject, req.participants) }));
    case 'group-metadata':
      return groupCall(async () => ({ metadata: await sock.groupMetadata(req.jid) }));
    case 'group-participating':
      return groupCall(async () => ({ groups: Object.values(await sock.groupFetchAllParticipating()) }));
    case 'group-subject':
      return groupCall(async () => { await sock.groupUpdateSubject(req.jid, req.subject); return {}; });
    case 'group-description':
      return groupCall(async () => { await sock.groupUpdateDescription(req.jid, req.description); return {}; });
    case 'group-setting':
      return groupCall(async () => { await sock.groupSettingUpdate(req.jid, req.setting); return {}; });
    case 'group-participants':
      return groupCall(async () => ({
        results: (await sock.groupParticipantsUpdate(req.jid, req.participants, req.action)).map((r) => ({ status: r.status, jid: r.jid })),
      }));
    case 'group-invite-code':
      return groupCall(async () => ({ code: await sock.groupInviteCode(req.jid) }));
    case 'group-revoke-invite':
      return groupCall(async () => ({ code: await sock.groupRevokeInvite(req.jid) }));
    case 'group-accept-invite':
      return groupCall(async () => ({ jid: await sock.groupAcceptInvite(req.code) }));
    case 'group-leave':
      return groupCall(async () => { await sock.groupLeave(req.jid); return {}; });
    case 'stop':
      stopped = true;
      sock?.end(undefined);
      return {};
    default:
      throw new Error(`unknown op ${req.op}`);
  }
});
