//! The browser front end (resident portal and staff console), embedded in the binary.

use poem::endpoint::EmbeddedFilesEndpoint;
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../web"]
pub struct WebAssets;

pub fn endpoint() -> EmbeddedFilesEndpoint<WebAssets> {
    EmbeddedFilesEndpoint::new()
}
