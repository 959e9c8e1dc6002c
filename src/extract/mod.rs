//! Extraction from titles and claims: figures (numbers with their units), entities
//! (gazetteer and pattern matches) and attribution (who says so, how surely).
//!
//! Extractors work on one text at a time and return byte spans; the normalize stage turns
//! them into table rows with character spans and ids.

pub mod about;
pub mod attribution;
pub mod entities;
pub mod figures;
