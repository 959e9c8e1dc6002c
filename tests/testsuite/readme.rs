//! The README stays true: its table schemas are the registry's.

use crate::support::root;

const BEGIN: &str = "<!-- tables:begin -->\n";
const END: &str = "<!-- tables:end -->";

#[test]
fn readme_tables_section_is_generated_from_the_registry() {
    let path = root().join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let start = readme
        .find(BEGIN)
        .expect("README has the tables:begin marker")
        + BEGIN.len();
    let end = readme.find(END).expect("README has the tables:end marker");
    let want = gazette::tables::docs::dictionary_markdown();
    if readme[start..end] != want {
        if std::env::var_os("GAZETTE_BLESS").is_some() {
            let updated = format!("{}{}{}", &readme[..start], want, &readme[end..]);
            std::fs::write(&path, updated).unwrap();
        } else {
            panic!(
                "README.md's table schemas are out of date: run `GAZETTE_BLESS=1 cargo test readme`"
            );
        }
    }
}

/// Every `console` example of the README that pipes text into gazette
/// (`$ echo '…' | gazette extract …`) prints what the README shows.
#[test]
fn readme_console_examples_print_what_they_show() {
    use std::io::Write;
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let mut checked = 0;
    for block in readme.split("```console\n").skip(1) {
        let block = &block[..block.find("```").expect("a closed block")];
        let mut lines = block.lines();
        let command = lines.next().expect("a command line");
        let Some((text, args)) = command
            .strip_prefix("$ echo '")
            .and_then(|c| c.split_once("' | gazette "))
        else {
            continue;
        };
        let shown: Vec<&str> = lines.collect();
        let mut child = crate::support::gazette()
            .args(args.split_whitespace())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        writeln!(child.stdin.take().unwrap(), "{text}").unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{command}");
        let printed = String::from_utf8(out.stdout).unwrap();
        assert_eq!(printed.lines().collect::<Vec<_>>(), shown, "{command}");
        checked += 1;
    }
    assert!(checked > 0, "the README has no console example to check");
}
