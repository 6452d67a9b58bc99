//! The engage core pointed at the fake RingCX server, for what the
//! figures need outside a window: tokens, a response's size, round trips.

use anyhow::Result;
use engage::hosts::Hosts;
use engage::http::Http;
use engage::ringcx::RingCx;
use engage::SecretString;
use fake_ringcx::FakeServer;

/// The app's users view loads with "Active only" ticked; the floor asks
/// for the same list, so both parse and count the same users.
pub(crate) const USERS_QUERY: &str = "/voice/api/v1/admin/users?flatten=true&activeOnly=true";

pub(crate) fn core(fake: &FakeServer) -> Result<RingCx> {
    let hosts = Hosts::parse(&fake.url(), &fake.url())?;
    Ok(RingCx::new(Http::new(), hosts))
}

/// A RingCX access token from the fake, through the core's own exchange.
pub(crate) async fn ringcx_token(fake: &FakeServer) -> Result<SecretString> {
    let rc = SecretString::from(fake.mint_rc_access_token());
    Ok(core(fake)?.exchange(&rc).await?.tokens.access)
}
