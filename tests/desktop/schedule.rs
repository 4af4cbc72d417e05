//! Working hours (`[schedule]`) with the daemon in a named zone (`TZ=Europe/Berlin`): outside them
//! `unhunch status` and the tray's tooltip say "Off until …" with the local day and time the
//! hours begin and no break is scheduled; a saved config without the schedule brings the
//! countdown back at once.

use jiff::tz::TimeZone;
use unhunch_core::Timestamp;
use unhunch_tests::desktop::{Session, bin_path, wait_until};

use crate::daemon::{BUS_NAME, Daemon, PROMPTLY, daemon_tray_item, status, stdout, write_config};

const ZONE: &str = "Europe/Berlin";

#[test]
fn outside_working_hours_status_says_when_they_begin_and_a_save_applies_at_once() {
    let session = Session::start();
    // Hours that begin two hours from now, Berlin time (or at 01:00 tomorrow, late in the day).
    let local_now = jiff::Timestamp::now().to_zoned(TimeZone::get(ZONE).expect("Berlin"));
    let start_hour = if local_now.hour() < 21 {
        local_now.hour() + 2
    } else {
        1
    };
    let begins = local_now
        .date()
        .at(start_hour, 0, 0, 0)
        .to_zoned(local_now.time_zone().clone())
        .expect("a local time");
    let begins = if begins.timestamp() > local_now.timestamp() {
        begins
    } else {
        begins.tomorrow().expect("tomorrow")
    };
    write_config(
        &session,
        &format!(
            "[schedule]\ndays = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n\
             hours = [\"{start_hour:02}:00-{:02}:00\"]\n",
            start_hour + 1
        ),
    );
    let daemon = Daemon::spawn(&session, &[("TZ", ZONE)]);
    session.wait_for_name(BUS_NAME, PROMPTLY);

    let report = wait_until("status says off hours", PROMPTLY, || {
        let report = status(&session);
        if report["off_until"].is_null() {
            Err(report)
        } else {
            Ok(report)
        }
    });
    let off_until = report["off_until"]
        .as_str()
        .and_then(Timestamp::parse_rfc3339)
        .expect("an RFC 3339 time");
    assert_eq!(
        off_until.unix_millis(),
        begins.timestamp().as_millisecond(),
        "{report}"
    );
    assert!(report["next_break_at"].is_null(), "{report}");
    let text = stdout(
        &session
            .command(bin_path("unhunch"))
            .arg("status")
            .env("TZ", ZONE)
            .output()
            .expect("run unhunch status"),
    );
    let expected = format!("Off until {}.", begins.strftime("%A %H:%M"));
    assert!(text.contains(&expected), "{expected:?} not in {text}");
    // The tray's tooltip says it too, as the user hovering the icon sees it.
    let item = daemon_tray_item(&session, &daemon);
    wait_until("the tray's tooltip says off hours", PROMPTLY, || {
        let tooltip = session
            .tray_item_property(&item, "ToolTip")
            .map(|tooltip| tooltip.to_string())
            .unwrap_or_default();
        if tooltip.contains(&expected) {
            Ok(())
        } else {
            Err(tooltip)
        }
    });

    // The schedule is taken out and saved: the countdown starts at once.
    write_config(&session, "[breaks]\ninterval = \"25m\"\n");
    let report = wait_until("a break is scheduled again", PROMPTLY, || {
        let report = status(&session);
        if report["off_until"].is_null() && !report["next_break_at"].is_null() {
            Ok(report)
        } else {
            Err(report)
        }
    });
    assert_eq!(report["state"], "working", "{report}");
}
