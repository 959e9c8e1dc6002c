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
