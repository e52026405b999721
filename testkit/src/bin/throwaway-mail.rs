//! A throwaway mail server for the browser tests, which are in Node and
//! cannot link `mail_server` themselves: it starts one (exim, on a free
//! loopback port), prints `ready PORT`, then each message delivered as one
//! line of JSON (`{"to": [...], "subject", "text", "html", "attachments":
//! [{"filename", "content_type", "text"}]}`), until its standard input
//! closes.
//!
//! ```text
//! throwaway-mail
//! ```

use std::io::{BufRead, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use peer_room_testkit::mail_server::{MailServer, ReceivedMail};
use serde_json::json;

fn line(mail: &ReceivedMail) -> String {
    let attachments: Vec<_> = mail
        .attachments
        .iter()
        .map(|a| {
            json!({
                "filename": a.filename,
                "content_type": a.content_type,
                "text": String::from_utf8_lossy(&a.bytes),
            })
        })
        .collect();
    json!({
        "to": mail.to,
        "subject": mail.subject,
        "text": mail.text,
        "html": mail.html,
        "attachments": attachments,
    })
    .to_string()
}

fn main() -> anyhow::Result<()> {
    let mut server = MailServer::start()?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "ready {}", server.port())?;
    out.flush()?;
    // The test ends us by closing our standard input.
    let open = Arc::new(AtomicBool::new(true));
    let watching = open.clone();
    std::thread::spawn(move || {
        for _ in std::io::stdin().lock().lines() {}
        watching.store(false, Ordering::Relaxed);
    });
    let mut printed = 0;
    while open.load(Ordering::Relaxed) {
        let messages = server.messages();
        for mail in messages.iter().skip(printed) {
            writeln!(out, "{}", line(mail))?;
        }
        printed = printed.max(messages.len());
        out.flush()?;
        std::thread::sleep(Duration::from_millis(100));
    }
    server.stop();
    Ok(())
}
