//! The data dictionary as markdown, generated from the registry (the README embeds it
//! and a test keeps the two equal).

use std::fmt::Write;

use super::Table;

/// Markdown describing every table: path, meaning, order, keys and columns.
pub fn dictionary_markdown() -> String {
    let mut out = String::new();
    for table in Table::ALL {
        let spec = table.spec();
        let _ = writeln!(out, "### `{}`\n", spec.name);
        let _ = writeln!(
            out,
            "`{}` — {}\n",
            spec.rel_path().display(),
            spec.description
        );
        let _ = writeln!(
            out,
            "Key: {}. Rows ordered by {}.\n",
            spec.primary_key
                .iter()
                .map(|k| format!("`{k}`"))
                .collect::<Vec<_>>()
                .join(", "),
            spec.order
        );
        out.push_str("| column | type | null | description |\n| --- | --- | --- | --- |\n");
        for c in spec.columns {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                c.name,
                c.ty.display(),
                if c.nullable { "yes" } else { "no" },
                c.description.replace('|', "\\|")
            );
        }
        for fk in spec.foreign_keys {
            let _ = writeln!(
                out,
                "\nForeign key: `{}` → `{}.{}`.",
                fk.columns.join(", "),
                fk.table.name(),
                fk.references.join(", ")
            );
        }
        out.push('\n');
    }
    out.trim_end().to_string() + "\n"
}
