// The join page (join.html): builds the room once and wires its parts. The
// connection (`shared/protocol.js`) feeds one room model (`room/model.js`),
// the only listener to the room's events; every view below reads that model
// and sends its requests through the connection, so the order they are made
// in here decides only where their elements go on the page, never what they
// show. The facilitator's console (`console/`) is wired in for everyone and
// shows itself to hosts only.

import { byId } from './shared/dom.js';
import { languagePicker, startLanguage } from './shared/i18n.js';
import { RoomConnection } from './shared/protocol.js';
import { AgendaPanel } from './room/agenda.js';
import { BreakoutBanner } from './room/breakout-banner.js';
import { ChatPanel } from './room/chat.js';
import { ConnectionBanner } from './room/connection-banner.js';
import { ControlBar } from './room/control-bar.js';
import { DeviceCheck } from './room/device-check.js';
import { E2eeSession } from './room/e2ee.js';
import { Dock } from './room/dock.js';
import { EnergizerOverlay } from './room/energizer.js';
import { GateStep } from './room/gate.js';
import { HandsPanel } from './room/hands.js';
import { HelpDialog } from './room/help.js';
import { JoinFlow } from './room/join-flow.js';
import { LeaveDialog } from './room/leave-dialog.js';
import { LinkCheck } from './room/link-check.js';
import { MediaControls } from './room/media-controls.js';
import { MediaSession } from './room/media.js';
import { RoomModel } from './room/model.js';
import { Notice } from './room/notice.js';
import { PageTitle } from './room/page-title.js';
import { PeopleList } from './room/people.js';
import { readToken, socketUrl } from './room/place.js';
import { PulsePanel } from './room/pulse.js';
import { Reactions } from './room/reactions.js';
import { RoomRules } from './room/room-rules.js';
import { RoundPanel } from './room/round.js';
import { SafetyCode } from './room/safety-code.js';
import { Shortcuts } from './room/shortcuts.js';
import { Chime } from './room/sound.js';
import { ScreenShareControl } from './room/screen-share.js';
import { ScreenView } from './room/screen-view.js';
import { Stage } from './room/stage.js';
import { SummaryPanel } from './room/summary.js';
import { SupportSignal } from './room/support.js';
import { VideoSizes } from './room/video-sizes.js';
import { PlayoutDelay } from './room/playout.js';
import { AgendaEditor } from './console/agenda-editor.js';
import { BreakoutsPanel } from './console/breakouts-panel.js';
import { ConfirmDialog } from './console/confirm-dialog.js';
import { EnergizerPicker } from './console/energizer-picker.js';
import { HostConsole } from './console/host-console.js';
import { PersonActions } from './console/person-actions.js';
import { ReportButton } from './console/report-button.js';
import { RoomSettings } from './console/room-settings.js';
import { RulesEditor } from './console/rules-editor.js';
import { SummaryEditor } from './console/summary-editor.js';
import { SupportAlerts } from './console/support-alerts.js';
import { TalkTime } from './console/talk-time.js';
import { WaitingRoom } from './console/waiting-room.js';

// Before any text is drawn: every module has registered its words on
// import, so the page can be translated now.
startLanguage();
languagePicker(byId('language', HTMLSelectElement));

const token = readToken();
const connection = new RoomConnection(socketUrl());
const room = new RoomModel(connection);
// A phone that leaves its Wi-Fi says so at once; the socket may not for a minute.
addEventListener('offline', () => connection.networkLost());
addEventListener('online', () => connection.networkBack());
const e2ee = new E2eeSession(room);
const media = new MediaSession(room, e2ee);
const chime = new Chime();
const notice = new Notice(room, chime);
const dock = new Dock(room);
const confirm = new ConfirmDialog(room);

// The way in.
const banner = new ConnectionBanner(room);
new GateStep(room);
const flow = new JoinFlow(room, { token, media, deviceCheck: new DeviceCheck(), banner, linkCheck: new LinkCheck() });
const leave = new LeaveDialog(room, () => flow.leave());
new PageTitle(room);

// The room's frame: the stage, the controls, the ground rules over everyone's screen.
const stage = new Stage(room, media);
// The server sends each camera at the size its tile is shown, and none for a tile out of sight.
const videoSizes = new VideoSizes(room, media, byId('tiles', HTMLUListElement));
const playout = new PlayoutDelay(media);
new ScreenView(room, media, () => stage.layout());
new ScreenShareControl(room, media, notice);
const switches = new MediaControls(media);
const rules = new RoomRules(room);
new ControlBar(room, dock, { chime, showRules: () => rules.show(), leave: () => leave.ask() });

// The dock's panels, and the console's parts beside the views they belong to.
new HostConsole(room, notice);
new WaitingRoom(room, notice, dock);
new RoomSettings(room, notice, confirm, leave);
new PeopleList(room, new PersonActions(room, notice, confirm));
new SafetyCode(room, e2ee);
new HandsPanel(room, notice, dock);
new TalkTime(room);
new Reactions(room, notice);
new ChatPanel(room, notice, dock);
new AgendaEditor(room, new AgendaPanel(room, notice));
new RulesEditor(room);
new RoundPanel(room, { speak: () => switches.turnOn('audio'), chime: () => chime.play() });
new EnergizerPicker(room);
new EnergizerOverlay(room);
// Breakouts: the hosts plan and run them in the dock; everyone has the banner over the stage.
new BreakoutsPanel(room, notice, dock);
new BreakoutBanner(room, notice);
// The activities put their own panels in the dock: the pulse check, then the
// summary (the facilitator's token opens its export) with the hosts' session
// report under it; support, then Help, in the overlays.
new PulsePanel(room);
const summary = new SummaryPanel(room, token);
new SummaryEditor(room, summary);
new ReportButton(room, summary, token);
new SupportSignal(room);
new SupportAlerts(room, notice);
new HelpDialog(room);
new Shortcuts(room, switches, () => flow.step === 'room');

// For whoever diagnoses a call (and the browser tests): the peer connection's
// getStats() is one `peerRoomMedia.pc.getStats()` away in the console, and
// what the server was last told this page shows is `peerRoomVideoSizes.sent`,
// and how long video is held on a lossy link `peerRoomPlayout.playout`.
// The frames end-to-end encryption encrypted, decrypted and could not
// decrypt are `peerRoomE2ee.stats`.
Object.assign(window, { peerRoomMedia: media, peerRoomVideoSizes: videoSizes, peerRoomPlayout: playout, peerRoomE2ee: e2ee });

// Pasting a new link over this page only changes the fragment, which does not
// reload the page: reload it, so the new invitation is read from the start.
window.addEventListener('hashchange', () => location.reload());

flow.start();
