//! The browser front end (resident portal and staff console), embedded in the binary.

use poem::{endpoint::EmbeddedFilesEndpoint, middleware::SetHeader, Endpoint, EndpointExt};
use rust_embed::Embed;

#[derive(Embed)]
#[folder = "../web"]
pub struct WebAssets;

/// The portal's files. The pages load nothing from elsewhere and run no inline script, so a
/// strict content security policy costs nothing and blunts any injection.
pub fn endpoint() -> impl Endpoint {
    EmbeddedFilesEndpoint::<WebAssets>::new().with(
        SetHeader::new()
            .overriding(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' blob: data:; frame-ancestors 'none'",
            )
            .overriding("X-Content-Type-Options", "nosniff")
            .overriding("Referrer-Policy", "same-origin"),
    )
}
