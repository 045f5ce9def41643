#pragma once

#include <span>

namespace ballast::storage {

/// The schema's forward migrations: entry i brings a database from
/// user_version i to i + 1. Never edit a released entry; append a new one.
std::span<const char *const> migrations();

} // namespace ballast::storage
