//! A throwaway real SMTP server for the end-to-end tests: Debian's exim4
//! (`apt-get install exim4-daemon-light`), run as a child with its own config,
//! spool, logs and maildir in a fresh temp dir, on a loopback port of its own.
//! It takes plain SMTP (EHLO first, as real MTAs want) for any recipient at
//! any domain, without auth, and puts every message in one maildir;
//! recipients at `refused.test` get a 550 at RCPT. Exim keeps all its state
//! under its spool directory (even its notifier socket) and binds only the
//! port it is given, so instances in parallel processes share nothing.

use std::io::{BufRead, BufReader, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use mail_parser::{MessageParser, MimeHeaders, PartType};

/// One message as delivered, decoded.
#[derive(Clone, Debug, Default)]
pub struct ReceivedMail {
    /// The file exim wrote, with the headers it added (Return-path,
    /// Envelope-to, Received); bytes that are not UTF-8 replaced.
    pub raw: String,
    /// The envelope recipients as the client wrote them in RCPT TO (case
    /// kept), Bcc included, not the To header: one SMTP transaction is one
    /// message, whoever it went to.
    pub to: Vec<String>,
    /// The From header's address, "" if none.
    pub from: String,
    /// RFC 2047 decoded.
    pub subject: String,
    /// Without the angle brackets; "" if the sender set none (exim adds none).
    pub message_id: String,
    /// The text/plain and text/html bodies, decoded; None when the message has
    /// no such part (never one made up from the other).
    pub text: Option<String>,
    pub html: Option<String>,
    /// Every part that is not a body (a text/calendar in an alternative too).
    pub attachments: Vec<Attachment>,
    /// Every header in order, names as written, values unfolded, not decoded.
    pub headers: Vec<(String, String)>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Attachment {
    pub filename: Option<String>,
    /// "type/subtype", lower case, without parameters.
    pub content_type: String,
    /// Decoded from base64 or quoted-printable (text as UTF-8).
    pub bytes: Vec<u8>,
}

impl ReceivedMail {
    /// The first header of that name (any case), unfolded.
    pub fn header(&self, name: &str) -> Option<&str> {
        Some(
            self.headers
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(name))?
                .1
                .as_str(),
        )
    }

    fn parse(bytes: &[u8]) -> ReceivedMail {
        let raw = String::from_utf8_lossy(bytes).into_owned();
        let Some(m) = MessageParser::default().parse(bytes) else {
            return ReceivedMail {
                raw,
                ..Default::default()
            };
        };
        let unfold = |h: &mail_parser::Header| {
            let value = String::from_utf8_lossy(&bytes[h.offset_start as usize..h.offset_end as usize]);
            (
                h.name.as_str().to_owned(),
                value.split_whitespace().collect::<Vec<_>>().join(" "),
            )
        };
        // text_bodies() holds the text/plain part or, lacking one, the html
        // one (and the other way round): keep only parts of the right kind.
        let text = m.text_bodies().find_map(|p| match &p.body {
            PartType::Text(t) => Some(t.to_string()),
            _ => None,
        });
        let html = m.html_bodies().find_map(|p| match &p.body {
            PartType::Html(t) => Some(t.to_string()),
            _ => None,
        });
        let kind = |c: &mail_parser::ContentType| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""));
        let attachment = |p: &mail_parser::MessagePart| Attachment {
            filename: p.attachment_name().map(str::to_owned),
            content_type: p
                .content_type()
                .map_or("application/octet-stream".into(), kind)
                .to_ascii_lowercase(),
            bytes: p.contents().to_vec(),
        };
        let mut mail = ReceivedMail {
            to: Vec::new(),
            from: m.from().and_then(|a| a.first()?.address()).unwrap_or("").to_owned(),
            subject: m.subject().unwrap_or("").to_owned(),
            message_id: m.message_id().unwrap_or("").to_owned(),
            text,
            html,
            attachments: m.attachments().map(attachment).collect(),
            headers: m.headers().iter().map(unfold).collect(),
            raw,
        };
        // Exim wrote the envelope recipients there (envelope_to_add).
        let to = mail.header("Envelope-to").unwrap_or("").split(',').map(str::trim);
        mail.to = to.filter(|a| !a.is_empty()).map(str::to_owned).collect();
        mail
    }
}

/// A running exim; killed and its temp dir removed on `stop` or drop.
pub struct MailServer {
    port: u16,
    child: Option<Child>,
    dir: Option<tempfile::TempDir>,
}

impl MailServer {
    /// Starts on a free port. Another process may take the port between our
    /// probe and exim's bind, so a start that fails is tried on another.
    pub fn start() -> Result<MailServer> {
        let mut started = MailServer::start_on(MailServer::free_port()?);
        for _ in 0..2 {
            if started.is_err() {
                started = MailServer::start_on(MailServer::free_port()?);
            }
        }
        started
    }

    /// A loopback port free now, for a test that first sends where nothing
    /// listens (its client must retry) and then starts the server there.
    pub fn free_port() -> Result<u16> {
        Ok(TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?.local_addr()?.port())
    }

    /// Starts on that port; returns once it answers 220 there.
    pub fn start_on(port: u16) -> Result<MailServer> {
        let exim = ["/usr/sbin/exim4", "/usr/sbin/exim"]
            .into_iter()
            .find(|p| Path::new(p).exists());
        let exim = exim.context("no exim: apt-get install -y --no-install-recommends exim4-daemon-light")?;
        let dir = tempfile::Builder::new().prefix("peer-room-mail-").tempdir()?;
        let root = dir.path().to_string_lossy().into_owned();
        // Exim runs as whoever we are (exim_user) but never delivers as root
        // (compiled in): root's tests deliver as nobody, who must get through
        // the temp dir to the maildir.
        let (uid, gid) = (dir.path().metadata()?.uid(), dir.path().metadata()?.gid());
        let (duid, dgid) = if uid == 0 { (65534, 65534) } else { (uid, gid) };
        std::fs::set_permissions(&root, std::fs::Permissions::from_mode(0o711))?;
        std::fs::create_dir(format!("{root}/maildir"))?;
        std::os::unix::fs::chown(format!("{root}/maildir"), Some(duid), Some(dgid))?;
        // In the banner, so that we know the 220 is this exim's, not that of
        // another process's exim that took the port first.
        let banner = dir
            .path()
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let config = format!(
            r#"
exim_user = {uid}
exim_group = {gid}
keep_environment =
primary_hostname = mail.test
smtp_banner = mail.test ESMTP {banner}
spool_directory = {root}/spool
log_file_path = {root}/%slog
# Not the compiled-in /run/exim4/exim.pid, which instances would share.
pid_file_path = {root}/exim.pid
local_interfaces = 127.0.0.1
daemon_smtp_ports = {port}
# Fail at once if the port is taken, rather than retry for minutes.
daemon_startup_retries = 0
# No DNS, ident or TLS. A certificate path to expand defers loading one
# to a STARTTLS that never comes (else exim makes one at start: 0.5 s).
host_lookup =
rfc1413_hosts =
tls_advertise_hosts =
tls_certificate = $spool_directory/none.pem
tls_verify_certificates =
# Else after 10 messages on a connection the rest wait for a queue run.
smtp_accept_queue_per_connection = 0
acl_smtp_rcpt = rcpt

begin acl
rcpt:
  deny domains = refused.test
       message = refused.test refuses every recipient
  accept

begin routers
all:
  driver = accept
  transport = maildir

begin transports
maildir:
  driver = appendfile
  directory = {root}/maildir
  maildir_format
  create_directory
  envelope_to_add
  return_path_add
  mode = 0644
  user = {duid}
  group = {dgid}
  # One file per message, all its recipients in its Envelope-to.
  batch_max = 1000
"#
        );
        std::fs::write(format!("{root}/exim.conf"), config)?;
        // -bdf: the daemon stays in the foreground, our child; in a process
        // group of its own, so that stop() ends its receivers and deliverers.
        let child = (Command::new(exim).args(["-C", &format!("{root}/exim.conf"), "-bdf"]))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(format!("{root}/stderr"))?)
            .process_group(0)
            .spawn()
            .with_context(|| format!("starting {exim}"))?;
        let mut server = MailServer {
            port,
            child: Some(child),
            dir: Some(dir),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = server.child.as_mut().map(Child::try_wait).transpose()?.flatten() {
                bail!("exim exited ({status}) on port {port}: {}", server.logs());
            }
            if greeting(port).is_ok_and(|line| line.starts_with("220") && line.contains(&banner)) {
                return Ok(server);
            }
            if Instant::now() > deadline {
                bail!("exim not answering on port {port} after 10 s: {}", server.logs());
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message delivered so far, in delivery order (none once stopped).
    pub fn messages(&self) -> Vec<ReceivedMail> {
        let Some(dir) = &self.dir else { return Vec::new() };
        // Exim writes into tmp/ and renames into new/: what is there is whole.
        let Ok(entries) = std::fs::read_dir(dir.path().join("maildir/new")) else {
            return Vec::new();
        };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| Some(e.ok()?.path())).collect();
        // Exim's file names do not sort (their microseconds are not padded).
        files.sort_by_cached_key(|f| (f.metadata().and_then(|m| m.modified()).ok(), f.clone()));
        let read = files.iter().filter_map(|f| std::fs::read(f).ok());
        read.map(|bytes| ReceivedMail::parse(&bytes)).collect()
    }

    /// Waits until at least `count` messages are there; returns them all.
    pub fn wait_for(&self, count: usize, timeout: Duration) -> Result<Vec<ReceivedMail>> {
        self.wait_until(|mails| mails.len() >= count, timeout)
    }

    /// Polls the maildir until `done` holds for all the messages so far.
    pub fn wait_until(&self, done: impl Fn(&[ReceivedMail]) -> bool, timeout: Duration) -> Result<Vec<ReceivedMail>> {
        let deadline = Instant::now() + timeout;
        loop {
            let mails = self.messages();
            if done(&mails) {
                return Ok(mails);
            }
            if Instant::now() > deadline {
                let subjects: Vec<_> = mails.iter().map(|m| &m.subject).collect();
                bail!(
                    "mail not there after {timeout:?}, got {subjects:?}; exim: {}",
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Exim's stderr and logs (mainlog, rejectlog, paniclog), for messages.
    pub fn logs(&self) -> String {
        let Some(dir) = &self.dir else { return String::new() };
        let read = |f: &&str| {
            Some(format!(
                "\n--- {f}\n{}",
                std::fs::read_to_string(dir.path().join(f)).ok()?
            ))
        };
        ["stderr", "mainlog", "rejectlog", "paniclog"]
            .iter()
            .filter_map(read)
            .collect()
    }

    /// Kills exim and its children, removes the temp dir. A later start_on
    /// the same port makes a fresh, empty server there.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            // Not yet reaped, so the group's id is still ours to signal.
            if let Ok(group) = i32::try_from(child.id()) {
                // SAFETY: kill(2) takes no pointers.
                unsafe { libc::kill(-group, libc::SIGKILL) };
            }
            let _ = child.wait();
        }
        if let Some(dir) = self.dir.take() {
            let _ = dir.close();
        }
    }
}

impl Drop for MailServer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The first line the SMTP server on that port says (then we say QUIT).
fn greeting(port: u16) -> Result<String> {
    let stream = TcpStream::connect_timeout(&(Ipv4Addr::LOCALHOST, port).into(), Duration::from_millis(500))?;
    stream.set_read_timeout(Some(Duration::from_secs(2)))?;
    let mut line = String::new();
    BufReader::new(&stream).read_line(&mut line)?;
    let _ = (&stream).write_all(b"QUIT\r\n");
    Ok(line)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain SMTP client: a command, then its reply's code.
    struct Smtp(BufReader<TcpStream>);

    impl Smtp {
        fn open(port: u16) -> Smtp {
            let stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
            stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            let mut smtp = Smtp(BufReader::new(stream));
            assert_eq!(smtp.reply(), 220);
            assert_eq!(smtp.cmd("EHLO client.test"), 250);
            assert_eq!(smtp.cmd("MAIL FROM:<noreply@peerroom.example>"), 250);
            smtp
        }

        fn reply(&mut self) -> u16 {
            let mut line = String::new();
            // "250-..." goes on, "250 ..." ends a reply.
            while line.as_bytes().get(3) != Some(&b' ') {
                line.clear();
                assert_ne!(self.0.read_line(&mut line).unwrap(), 0, "connection closed");
            }
            line[..3].parse().unwrap()
        }

        fn cmd(&mut self, line: &str) -> u16 {
            self.0.get_mut().write_all(format!("{line}\r\n").as_bytes()).unwrap();
            self.reply()
        }

        /// The message: lines ending in \n, none starting with a dot.
        fn data(&mut self, message: &str) {
            assert_eq!(self.cmd("DATA"), 354);
            assert_eq!(self.cmd(&format!("{}.", message.replace('\n', "\r\n"))), 250);
        }
    }

    fn send(port: u16, to: &str, message: &str) {
        let mut smtp = Smtp::open(port);
        assert_eq!(smtp.cmd(&format!("RCPT TO:<{to}>")), 250);
        smtp.data(message);
    }

    const WAIT: Duration = Duration::from_secs(10);

    #[test]
    fn utf8_and_quoted_printable_come_back_decoded_and_refused_test_gets_550() {
        let server = MailServer::start().unwrap();
        let mut smtp = Smtp::open(server.port());
        assert_eq!(smtp.cmd("RCPT TO:<alice@example.org>"), 250);
        assert_eq!(smtp.cmd("RCPT TO:<carol@refused.test>"), 550);
        assert_eq!(smtp.cmd("RCPT TO:<hidden@other.example>"), 250);
        smtp.data(
            "From: =?UTF-8?Q?=C3=89quipe_PeerRoom?= <noreply@peerroom.example>
To: alice@example.org
Subject: =?UTF-8?Q?R=C3=A9union_d=C3=A9plac=C3=A9e_=C3=A0?=
 =?UTF-8?Q?_18_h?=
Message-ID: <abc@peerroom.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

La r=C3=A9union commence =C3=A0 18 h.
",
        );
        let mail = server.wait_for(1, WAIT).unwrap().remove(0);
        assert_eq!(mail.subject, "Réunion déplacée à 18 h");
        assert_eq!(mail.to, ["alice@example.org", "hidden@other.example"]);
        assert_eq!(mail.from, "noreply@peerroom.example");
        assert_eq!(mail.message_id, "abc@peerroom.example");
        assert_eq!(mail.text.as_deref(), Some("La réunion commence à 18 h.\n"));
        assert_eq!((&mail.html, mail.attachments.len()), (&None, 0));
        assert_eq!(mail.header("to"), Some("alice@example.org"));
        assert!(mail.header("Received").unwrap().contains("by mail.test"));
    }

    #[test]
    fn an_alternative_and_a_calendar_attachment_come_back_in_parts() {
        let server = MailServer::start().unwrap();
        send(
            server.port(),
            "bob@example.net",
            r#"From: noreply@peerroom.example
Subject: Invitation
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="out"

--out
Content-Type: multipart/alternative; boundary="alt"

--alt
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: quoted-printable

Rejoindre : https://peerroom.example/j/x=3D1
--alt
Content-Type: text/html; charset=utf-8
Content-Transfer-Encoding: base64

PHA+UmVqb2luZHJlPC9wPg==
--alt--
--out
Content-Type: text/calendar; charset=utf-8; method=REQUEST
Content-Disposition: attachment; filename="invite.ics"
Content-Transfer-Encoding: base64

QkVHSU46VkNBTEVOREFSDQpFTkQ6VkNBTEVOREFSDQo=
--out--
"#,
        );
        let mail = server.wait_for(1, WAIT).unwrap().remove(0);
        assert_eq!(mail.text.as_deref(), Some("Rejoindre : https://peerroom.example/j/x=1"));
        assert_eq!(mail.html.as_deref(), Some("<p>Rejoindre</p>"));
        let calendar = Attachment {
            filename: Some("invite.ics".into()),
            content_type: "text/calendar".into(),
            bytes: b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n".to_vec(),
        };
        assert_eq!(mail.attachments, [calendar]);
    }

    #[test]
    fn two_servers_at_once_keep_their_own_mail() {
        let starting: Vec<_> = (0..2).map(|_| std::thread::spawn(MailServer::start)).collect();
        let servers: Vec<MailServer> = starting.into_iter().map(|t| t.join().unwrap().unwrap()).collect();
        assert_ne!(servers[0].port(), servers[1].port());
        for (i, server) in servers.iter().enumerate() {
            send(server.port(), "x@example.org", &format!("Subject: to {i}\n\nhi\n"));
        }
        for server in &servers {
            server.wait_for(1, WAIT).unwrap();
        }
        // Time for a message delivered to the wrong maildir to show up.
        std::thread::sleep(Duration::from_millis(200));
        for (i, server) in servers.iter().enumerate() {
            let subjects: Vec<_> = server.messages().into_iter().map(|m| m.subject).collect();
            assert_eq!(subjects, [format!("to {i}")]);
        }
    }

    #[test]
    fn a_server_starts_on_a_port_chosen_in_advance_and_again_after_stop() {
        let port = MailServer::free_port().unwrap();
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
        let mut server = MailServer::start_on(port).unwrap();
        let taken = MailServer::start_on(port).err().unwrap().to_string();
        assert!(taken.contains("exim exited"), "{taken}");
        send(port, "e@example.org", "Subject: first\n\nhi\n");
        server.wait_for(1, WAIT).unwrap();
        server.stop();
        assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err());
        let server = MailServer::start_on(port).unwrap();
        assert!(server.messages().is_empty());
        send(port, "e@example.org", "Subject: second\n\nhi\n");
        assert_eq!(server.wait_for(1, WAIT).unwrap()[0].subject, "second");
    }
}
