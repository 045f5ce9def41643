#pragma once

#include "common/result.h"

#include <QString>
#include <QUrl>

namespace ballast::exchange {

/// The one rule for an exchange's REST base URL (the `--base-url` of
/// `accounts add`, the Add Account dialog's field, and the URL stored with an
/// account when its connector is built):
///
/// - `https://` only; `http://` only to the machine itself (localhost,
///   127.0.0.0/8, ::1), because the API key header would travel in clear;
/// - no other scheme (`file:`, `javascript:`, `ftp:` ...);
/// - no user name or password (`https://user:pw@host` would be stored in
///   plain text);
/// - a host, and no query (`?`) or fragment (`#`).
///
/// Error codes: "url.syntax", "url.scheme", "url.cleartext", "url.userinfo",
/// "url.host", "url.query". The message names the URL and says what to write.
Result<QUrl> checkBaseUrl(const QString &text);

/// True for localhost, 127.0.0.0/8 and ::1.
bool isLoopbackHost(const QString &host);

} // namespace ballast::exchange
