// This person's audio and video, through the server's selective forwarding
// unit (see "Media" in docs/protocol.md). It knows nothing of the page: it
// takes the microphone and camera, runs the one RTCPeerConnection with the
// server, and hands tracks to whoever listens (the stage, `stage.js`). It
// takes the media signalling messages from the connection itself; what the
// room says (who entered, a host's mute, a drop) it hears from the room
// model, and it keeps no copy of the room.
//
// The rules it keeps, because the server counts on them:
// - one peer connection per place in the room, made once `room_state` says
//   the person is in;
// - the client offers exactly once, to publish; from then on only the server
//   offers, and each of its offers is answered in the order it came, so two
//   offers never cross (the browser's `negotiationneeded` is ignored);
// - candidates go both ways; the server's wait for a remote description;
// - a connection that does not come up in time is replaced by a fresh one
//   (`setup-watch.js`), as is one that fails; the server asks the same with
//   `media_restart`;
// - where the media is end-to-end encrypted, every sender and receiver is
//   handed to `e2ee.js` before a frame goes through it, and the offer waits
//   for this page's public key to be published.

import { Emitter } from '../shared/events.js';
import { KINDS, openDevices, saveChoice } from './devices.js';
import { SetupWatch, connectionSettings } from './setup-watch.js';
import { cameraEncodings, cappedCamera, limitedScreen, preferRedundantAudio } from './send-settings.js';

/** @typedef {import('./model.js').RoomModel} RoomModel */
/** @typedef {import('./model.js').Change} Change */
/** @typedef {import('../shared/messages.js').IceCandidate} IceCandidate */
/** @typedef {import('../shared/messages.js').ClientMessage} ClientMessage */
/** @typedef {import('./devices.js').Kind} Kind */
/** @typedef {import('./devices.js').DeviceProblems} DeviceProblems */
/** @typedef {import('./devices.js').DeviceChoice} DeviceChoice */
/** @typedef {import('./devices.js').Opened} Opened */
/**
 * What the media session asks of end-to-end encryption (`e2ee.js`).
 * @typedef {object} FrameProtection
 * @property {boolean} enabled
 * @property {boolean} refused the room requires encryption this browser cannot do
 * @property {() => RTCConfiguration} connectionSettings
 * @property {() => Promise<void>} ready
 * @property {(target: RTCRtpSender | RTCRtpReceiver, operation: 'encrypt' | 'decrypt', kind: 'audio' | 'video') => void} protect
 */
/**
 * What the media session reports. `localstate`: the microphone or camera went
 * on or off (`byHost` when a host did it). `status`: how the connection to
 * the server's media stands.
 * @typedef {{type: 'localstream', stream: MediaStream, problems: DeviceProblems}
 *   | {type: 'localstate', audio: boolean, video: boolean, byHost?: Kind}
 *   | {type: 'remotetrack', participant: number, track: MediaStreamTrack}
 *   | {type: 'remotetrackended', participant: number, track: MediaStreamTrack}
 *   | {type: 'remotescreen', participant: number, track: MediaStreamTrack}
 *   | {type: 'remotescreenended', participant: number, track: MediaStreamTrack}
 *   | {type: 'status', state: MediaStatus, attempt?: number}} MediaEvent
 */
/**
 * `retrying`: a fresh connection after one that did not come up (`attempt`
 * counts them, from 1).
 * @typedef {'connecting' | 'retrying' | 'connected' | 'interrupted' | 'failed' | 'unsupported'} MediaStatus
 */

/** @extends {Emitter<MediaEvent>} */
export class MediaSession extends Emitter {
  /**
   * @param {RoomModel} room
   * @param {FrameProtection | null} [e2ee]
   */
  constructor(room, e2ee = null) {
    super();
    this.room = room;
    this.e2ee = e2ee;
    /** The connection, for signalling (and for whoever diagnoses a call from the console). */
    this.connection = room.connection;
    /** @type {RTCPeerConnection | null} */
    this.pc = null;
    /** This person's microphone and camera, once asked for; kept across reconnections. */
    this.local = new MediaStream();
    /** @type {Promise<void> | null} */
    this.acquiring = null;
    /** The devices and switches chosen in the device check (or kept from before a reload). @type {DeviceChoice} */
    this.choice = { audioOff: false, videoOff: false };
    /** Counts `stop()`s, so devices granted after leaving are let go at once. */
    this.stops = 0;
    /** @type {Partial<Record<Kind, RTCRtpSender>>} */
    this.senders = {};
    /** The camera's layers being set (`limitVideo`). @type {Promise<void>} */
    this.limiting = Promise.resolve();
    /** Signalling steps run one at a time, in the order the server sent them. */
    this.queue = Promise.resolve();
    /** @type {RTCIceCandidateInit[]} the server's candidates that came before its description */
    this.earlyCandidates = [];
    /** Whose each remote track is, by track id: tracks come in streams named `p<id>`. @type {Map<string, number>} */
    this.owners = new Map();
    /** Whose shared screen each remote track is: streams named `s<id>`. @type {Map<string, number>} */
    this.screens = new Map();
    /** The sender of this person's screen section, and the screen they share, if they do. */
    /** @type {RTCRtpSender | null} */
    this.screenSender = null;
    /** @type {MediaStreamTrack | null} */
    this.screen = null;
    /** This connection's frames go through end-to-end encryption's transforms. */
    this.protecting = false;
    /** Set once the server answered this connection's offer; its own offers count only after that. */
    this.published = false;
    /** One fresh start after `media_failed`; more would only loop. */
    this.restartsLeft = 1;
    /** Fresh connections made since the last one that came up. */
    this.attempt = 0;
    this.setupWatch = new SetupWatch(() => this.tryAgain());
    this.listen();
  }

  listen() {
    this.room.subscribe((change) => this.follow(change));
    const c = this.connection;
    c.on('media_answer', ({ sdp }) => this.step(async (pc) => {
      await pc.setRemoteDescription({ type: 'answer', sdp });
      if (pc !== this.pc) return;
      this.published = true;
      // The answer says how many of the camera's layers the server takes.
      await this.limitVideo();
    }));
    c.on('media_offer', ({ sdp }) => this.step((pc) => this.answer(pc, sdp)));
    c.on('ice_candidate', ({ candidate }) => this.step((pc) => this.addCandidate(pc, candidate)));
    c.on('media_failed', ({ reason }) => {
      console.warn(`media failed on the server: ${reason}`);
      // A connection that is up carries media whatever step failed (a late
      // candidate, say): closing it could only lose that.
      if (this.pc?.connectionState === 'connected') return;
      if (this.restartsLeft > 0) {
        this.restartsLeft -= 1;
        this.close();
        this.start();
      } else {
        this.emit({ type: 'status', state: 'failed' });
      }
    });
    c.on('media_restart', () => {
      // The server asks for a fresh connection (its offer could not be
      // answered, or this one never came up): the new offer keeps this
      // place, with only the current tracks.
      if (this.pc && this.pc.connectionState !== 'connected') this.tryAgain();
      else {
        this.close();
        this.start();
      }
    });
  }

  /**
   * What the room's news means for the media.
   * @param {Change} change
   */
  follow({ message }) {
    switch (message.type) {
      // Entering the room (or entering again after a fresh join) starts media.
      case 'room_state': if (!this.pc) this.start(); break;
      // The organizer asked for encryption while the room is live: a
      // connection made without its transforms starts afresh with them (or
      // stops, in a browser that cannot encrypt).
      case 'e2ee_changed':
        if (this.pc && ((this.e2ee?.enabled ?? false) !== this.protecting || this.e2ee?.refused)) {
          this.close();
          this.start();
        }
        break;
      case 'muted_by_host': this.disable('audio'); break;
      case 'video_stopped_by_host': this.disable('video'); break;
      case 'connection':
        // After `resumed` the same peer connection goes on: the server offers an
        // ICE restart. A fresh join is a new place, so it gets a new connection.
        if (message.state === 'rejoined') this.close();
        if (message.state === 'resumed') this.sendState();
        if (message.state === 'closed') this.stop();
        break;
      default: break;
    }
  }

  /** Opens the peer connection and publishes; the devices join when they are ready. */
  start() {
    if (typeof RTCPeerConnection === 'undefined' || this.e2ee?.refused) {
      this.emit({ type: 'status', state: 'unsupported' });
      return;
    }
    const settings = { ...connectionSettings(this.room.state.me.iceServers, this.attempt), ...this.e2ee?.connectionSettings() };
    this.protecting = this.e2ee?.enabled ?? false;
    const pc = new RTCPeerConnection(settings);
    this.pc = pc;
    this.published = false;
    this.setupWatch.arm(this.attempt);
    this.emitSettingUp();
    pc.addEventListener('icecandidate', ({ candidate }) => {
      // A null or empty candidate only marks the end of gathering, which the protocol does not carry.
      if (candidate?.candidate) this.send({ type: 'ice_candidate', candidate: { ...candidate.toJSON(), candidate: candidate.candidate } });
    });
    pc.addEventListener('track', (event) => this.onTrack(event));
    pc.addEventListener('iceconnectionstatechange', () => {
      if (pc === this.pc && pc.iceConnectionState === 'connected' && pc.connectionState !== 'connected') this.setupWatch.pathFound();
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== this.pc) return;
      const state = pc.connectionState;
      if (state === 'connected') {
        this.restartsLeft = 1;
        this.attempt = 0;
        this.setupWatch.clear();
        this.emit({ type: 'status', state: 'connected' });
      } else if (state === 'failed') {
        // ICE gave up (the network changed or blocks the path): a fresh
        // connection, rather than waiting for a resume that may not come.
        this.tryAgain();
      } else if (state === 'disconnected') {
        this.emit({ type: 'status', state: 'interrupted' });
      } else {
        this.emitSettingUp();
      }
    });
    for (const kind of KINDS) {
      // A transceiver even without a device, so the offer has both m-lines
      // and a device allowed later needs only `replaceTrack`, no new offer.
      const track = this.track(kind);
      // The camera in two sizes, for the server to pick from per person (`send-settings.js`).
      const layers = kind === 'video' ? { sendEncodings: cameraEncodings() } : {};
      const transceiver = pc.addTransceiver(track ?? kind, { direction: 'sendonly', streams: [this.local], ...layers });
      this.e2ee?.protect(transceiver.sender, 'encrypt', kind);
      if (kind === 'audio') preferRedundantAudio(transceiver);
      this.senders[kind] = transceiver.sender;
    }
    // The screen, always offered third (the server takes the second video
    // section for it), so sharing needs no new offer: it sends nothing
    // until this person shares, and the server forwards it only then.
    this.screenSender = pc.addTransceiver(this.screen ?? 'video', { direction: 'sendonly' }).sender;
    this.e2ee?.protect(this.screenSender, 'encrypt', 'video');
    if (this.screen) void this.limitScreen();
    this.step(async () => {
      await this.e2ee?.ready();
      await pc.setLocalDescription(await pc.createOffer());
      await this.send({ type: 'media_offer', sdp: pc.localDescription?.sdp ?? '' });
    });
    this.acquiring ??= this.acquire();
    void this.acquiring.then(() => {
      if (pc !== this.pc) return;
      for (const kind of KINDS) void this.senders[kind]?.replaceTrack(this.track(kind) ?? null);
      // The camera's picture is known now: a small one is sent whole.
      void this.limitVideo();
      this.sendState();
    });
  }

  /**
   * Runs a signalling step after the ones before it, on the current
   * connection; a step for a connection closed meanwhile is dropped.
   * @param {(pc: RTCPeerConnection) => Promise<unknown>} work
   */
  step(work) {
    const pc = this.pc;
    if (!pc) return; // e.g. the server's ICE restart for a page that was reloaded
    this.queue = this.queue.then(async () => {
      if (pc !== this.pc) return;
      try {
        await work(pc);
      } catch (error) {
        // The server's `media_failed` or the connection state says what follows.
        console.warn('a media signalling step failed', error);
      }
    });
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {string} sdp the server's offer
   */
  async answer(pc, sdp) {
    if (!this.published) {
      // An offer for a connection from before (this page was reloaded, say):
      // answering it would roll back this connection's own offer.
      console.warn('a server offer came before the answer to ours: not answered');
      return;
    }
    await pc.setRemoteDescription({ type: 'offer', sdp });
    await pc.setLocalDescription(await pc.createAnswer());
    // Replaced meanwhile: this answer is for a connection the server has let go.
    if (pc !== this.pc) return;
    await this.send({ type: 'media_answer', sdp: pc.localDescription?.sdp ?? '' });
    // An offer ends a track by making its transceiver inactive.
    for (const transceiver of pc.getTransceivers()) {
      const track = transceiver.receiver.track;
      const receiving = transceiver.currentDirection === 'recvonly' || transceiver.currentDirection === 'sendrecv';
      if (receiving) continue;
      const owner = this.owners.get(track.id);
      if (owner !== undefined) {
        this.owners.delete(track.id);
        this.emit({ type: 'remotetrackended', participant: owner, track });
      }
      const sharer = this.screens.get(track.id);
      if (sharer !== undefined) {
        this.screens.delete(track.id);
        this.emit({ type: 'remotescreenended', participant: sharer, track });
      }
    }
  }

  /**
   * @param {RTCPeerConnection} pc
   * @param {IceCandidate} candidate
   */
  async addCandidate(pc, candidate) {
    if (!pc.remoteDescription) {
      this.earlyCandidates.push(candidate);
      return;
    }
    for (const early of this.earlyCandidates.splice(0)) await pc.addIceCandidate(early);
    await pc.addIceCandidate(candidate);
  }

  /** @param {RTCTrackEvent} event */
  onTrack(event) {
    this.e2ee?.protect(event.receiver, 'decrypt', event.track.kind === 'audio' ? 'audio' : 'video');
    const match = /^([ps])(\d+)$/.exec(event.streams[0]?.id ?? '');
    if (!match) return; // not a publisher's stream: nothing to show it in
    const participant = Number(match[2]);
    const { track } = event;
    if (match[1] === 's') {
      this.screens.set(track.id, participant);
      this.emit({ type: 'remotescreen', participant, track });
      return;
    }
    const before = this.owners.get(track.id);
    // A transceiver the server reused for someone else: take it from the first tile.
    if (before !== undefined && before !== participant) this.emit({ type: 'remotetrackended', participant: before, track });
    this.owners.set(track.id, participant);
    this.emit({ type: 'remotetrack', participant, track });
  }

  /**
   * Takes the devices the device check opened (its preview becomes this
   * person's tile: no second camera prompt), or will open the chosen ones
   * when the room starts if `opened` is null (a reload that resumes).
   * @param {Promise<Opened> | null} opened
   * @param {DeviceChoice} choice
   */
  prepare(opened, choice) {
    this.choice = choice;
    if (opened) this.acquiring = this.acquire(opened);
  }

  /**
   * Asks for the microphone and camera (unless given them), switches off
   * what the person chose to enter without, and keeps what it gets for
   * every connection.
   * @param {Promise<Opened>} [opened]
   */
  async acquire(opened) {
    const stops = this.stops;
    const { tracks, problems } = await (opened ?? openDevices(this.choice));
    if (stops !== this.stops) {
      for (const track of tracks) track.stop(); // the person left while the browser was asking
      return;
    }
    for (const track of tracks) {
      track.enabled = !(track.kind === 'audio' ? this.choice.audioOff : this.choice.videoOff);
      this.local.addTrack(track);
      // Unplugged or taken by the system: say so, as for a switched-off device.
      track.addEventListener('ended', () => {
        this.emit({ type: 'localstate', ...this.state() });
        this.sendState();
      });
    }
    this.emit({ type: 'localstream', stream: this.local, problems });
  }

  /**
   * Keeps each camera layer at its size and under its cap once the server
   * has answered (which may leave one stream) and the camera's picture is
   * known (a small one allows one): a lone stream is sent whole. The
   * server forwards the layers as they come.
   */
  limitVideo() {
    // One at a time: a change read before another was made would be refused.
    this.limiting = this.limiting.then(async () => {
      const sender = this.senders.video;
      if (!sender) return;
      const current = sender.getParameters();
      if (!current.encodings?.length) return;
      const { parameters, changed } = cappedCamera(current, this.track('video')?.getSettings());
      if (changed) await sender.setParameters(parameters).catch((error) => console.warn('could not cap the video bitrate', error));
    });
    return this.limiting;
  }

  /**
   * Sends this screen (or, with null, nothing) on the screen section, on
   * this connection and any that follows. The room must have said yes
   * (`start_screen_share`) first: the server forwards nothing before.
   * @param {MediaStreamTrack | null} track
   */
  async setScreen(track) {
    this.screen = track;
    if (track) track.contentHint = 'text';
    await this.screenSender?.replaceTrack(track).catch((error) => console.warn('could not send the screen', error));
    if (track) await this.limitScreen();
  }

  /** Slides and documents: sharp text matters more than motion. */
  async limitScreen() {
    const sender = this.screenSender;
    if (!sender) return;
    const parameters = sender.getParameters();
    if (!parameters.encodings?.length) return;
    await sender.setParameters(limitedScreen(parameters)).catch((error) => console.warn('could not set the screen\'s limits', error));
  }

  /** @param {Kind} kind */
  track(kind) {
    return this.local.getTracks().find((track) => track.kind === kind && track.readyState === 'live');
  }

  /** @param {Kind} kind */
  has(kind) {
    return this.track(kind) !== undefined;
  }

  /** What this person sends: a device that is there and switched on. */
  state() {
    return { audio: this.track('audio')?.enabled ?? false, video: this.track('video')?.enabled ?? false };
  }

  /**
   * Switches the microphone or camera on or off, and tells the room.
   * @param {Kind} kind
   * @param {boolean} on
   * @returns {Promise<unknown>}
   */
  setEnabled(kind, on) {
    const track = this.track(kind);
    if (!track) return Promise.resolve();
    track.enabled = on;
    this.remember();
    this.emit({ type: 'localstate', ...this.state() });
    return this.connection.request({ type: 'set_media_state', audio: this.state().audio, video: this.state().video });
  }

  /**
   * A host switched it off: the server already knows, so nothing is sent.
   * @param {Kind} kind
   */
  disable(kind) {
    const track = this.track(kind);
    if (track) track.enabled = false;
    this.remember();
    this.emit({ type: 'localstate', ...this.state(), byHost: kind });
  }

  /** Keeps the switches as they are now, so a reload does not turn on a microphone the person turned off. */
  remember() {
    const audio = this.track('audio');
    const video = this.track('video');
    this.choice = {
      ...this.choice,
      audioOff: audio ? !audio.enabled : this.choice.audioOff,
      videoOff: video ? !video.enabled : this.choice.videoOff,
    };
    saveChoice(this.choice);
  }

  sendState() {
    const { audio, video } = this.state();
    // Not in the room or not connected: it is sent again after a resume.
    this.connection.request({ type: 'set_media_state', audio, video }).catch(() => {});
  }

  /**
   * @param {ClientMessage} message
   * @returns {Promise<unknown>}
   */
  send(message) {
    return this.connection.request(message).catch((error) => console.warn(`${message.type} was not taken`, error));
  }

  /** What the person is told while a connection is being set up. */
  emitSettingUp() {
    this.emit(this.attempt > 0 ? { type: 'status', state: 'retrying', attempt: this.attempt } : { type: 'status', state: 'connecting' });
  }

  /** The connection did not come up, or failed: a fresh one, said so. */
  tryAgain() {
    if (!this.pc) return; // left, or never started
    this.attempt += 1;
    console.warn(`media did not come up: a fresh connection (attempt ${this.attempt})`);
    this.close();
    this.start();
  }

  /** Closes the peer connection; the devices stay on for the next one. */
  close() {
    this.setupWatch.clear();
    const pc = this.pc;
    this.pc = null;
    // A step under way on this connection may never settle once it is
    // closed (Chromium leaves a pending setRemoteDescription hanging): the
    // next connection's steps must not queue behind it.
    this.queue = Promise.resolve();
    this.earlyCandidates = [];
    this.senders = {};
    this.screenSender = null;
    for (const [id, participant] of this.owners) {
      const track = pc?.getReceivers().find((receiver) => receiver.track.id === id)?.track;
      if (track) this.emit({ type: 'remotetrackended', participant, track });
    }
    for (const [id, participant] of this.screens) {
      const track = pc?.getReceivers().find((receiver) => receiver.track.id === id)?.track;
      if (track) this.emit({ type: 'remotescreenended', participant, track });
    }
    this.owners.clear();
    this.screens.clear();
    pc?.close();
  }

  /** Out of the room for good: close, and let go of the camera and microphone. */
  stop() {
    this.close();
    this.screen?.stop();
    this.screen = null;
    for (const track of this.local.getTracks()) {
      track.stop();
      this.local.removeTrack(track);
    }
    this.acquiring = null;
    this.stops += 1;
  }
}

