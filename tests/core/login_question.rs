//! The question about starting at login: asked on the first start from the menu only, and what the
//! state file remembers of the answer.

use unhunch_core::login_question::{Answer, should_ask};

#[test]
fn only_a_first_start_from_the_menu_without_an_autostart_entry_asks() {
    // (from the menu, asked before, starts at login) → ask
    let cases = [
        ((true, false, false), true),
        ((false, false, false), false),
        ((true, true, false), false),
        ((true, false, true), false),
        ((false, true, true), false),
    ];
    for ((from_menu, asked, at_login), expected) in cases {
        assert_eq!(
            should_ask(from_menu, asked, at_login),
            expected,
            "from the menu {from_menu}, asked before {asked}, starts at login {at_login}"
        );
    }
}

#[test]
fn each_answer_survives_the_state_file_and_an_edited_file_remembers_none() {
    for answer in [Answer::StartAtLogin, Answer::NotNow, Answer::ToldTheCommand] {
        let text = answer.state_file_text();
        assert!(text.starts_with("# "), "{text}");
        assert_eq!(Answer::from_state_file(&text), Some(answer), "{text}");
    }
    assert_eq!(Answer::from_state_file("answer = \"maybe\"\n"), None);
}
